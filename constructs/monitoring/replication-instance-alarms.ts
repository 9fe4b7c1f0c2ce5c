// FreeStorageSpace and CPUUtilization alarms of the DMS replication instance.
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic";
import { TopicAlarm } from "./topic-alarm";

export interface ReplicationInstanceAlarmsProps {
  /** Alarm name prefix, normally the instance's identifier, e.g. `dev-dms`. */
  readonly name: string;
  /** Replication instance identifier (the metrics' dimension). */
  readonly replicationInstanceId: string;
  /** Alarm below this many bytes of free storage (DMS spills cached changes and logs there). */
  readonly freeStorageThresholdBytes: number;
  /** Alarm above this CPU percentage. */
  readonly cpuThresholdPercent: number;
  readonly topic: AlarmTopic;
}

export class ReplicationInstanceAlarms extends Construct {
  readonly freeStorage: TopicAlarm;
  readonly cpu: TopicAlarm;

  constructor(scope: Construct, id: string, props: ReplicationInstanceAlarmsProps) {
    super(scope, id);
    const instance = props.name;
    const dimensions = { ReplicationInstanceIdentifier: props.replicationInstanceId };
    this.freeStorage = new TopicAlarm(this, "FreeStorage", {
      name: `${instance}-free-storage`,
      description: `${instance}: less than ${props.freeStorageThresholdBytes} bytes free; cached CDC changes or task logs are filling the disk.`,
      namespace: "AWS/DMS",
      metricName: "FreeStorageSpace",
      dimensions,
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: props.freeStorageThresholdBytes,
      topic: props.topic,
    });
    this.cpu = new TopicAlarm(this, "Cpu", {
      name: `${instance}-cpu`,
      description: `${instance}: CPU above ${props.cpuThresholdPercent} %; the instance class may be too small for the tasks it runs.`,
      namespace: "AWS/DMS",
      metricName: "CPUUtilization",
      dimensions,
      comparison: "GreaterThanThreshold",
      threshold: props.cpuThresholdPercent,
      // Sustained load, not a full-load burst: 10 of 15 minutes.
      evaluationPeriods: 15,
      datapointsToAlarm: 10,
      topic: props.topic,
    });
  }
}
