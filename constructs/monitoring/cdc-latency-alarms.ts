// CDCLatencySource and CDCLatencyTarget alarms for one replication task that captures changes.
import { Construct } from "constructs";
import type { ReplicationTask } from "../dms/replication-task";
import type { AlarmTopic } from "./alarm-topic";
import { TopicAlarm } from "./topic-alarm";

export interface CdcLatencyAlarmsProps {
  /** Alarm name prefix, normally the task's physical identifier. */
  readonly name: string;
  /** A task with `capturesChanges`; full-load tasks publish no CDC latency. */
  readonly task: ReplicationTask;
  /** Identifier of the replication instance running the task (the metrics' other dimension). */
  readonly replicationInstanceId: string;
  /** Alarm above this many seconds. */
  readonly thresholdSeconds: number;
  readonly topic: AlarmTopic;
}

/** Both halves of CDC latency: reading from the source's WAL, and applying on the target. */
export class CdcLatencyAlarms extends Construct {
  readonly source: TopicAlarm;
  readonly target: TopicAlarm;

  constructor(scope: Construct, id: string, props: CdcLatencyAlarmsProps) {
    super(scope, id);
    if (!props.task.capturesChanges) {
      throw new Error(
        `${this.node.path}: the task's migration type is "${props.task.migrationType}", which has no CDC latency; alarm only cdc or full-load-and-cdc tasks`,
      );
    }
    // DMS publishes task metrics with exactly these two dimensions; one alone matches nothing.
    const dimensions = {
      ReplicationInstanceIdentifier: props.replicationInstanceId,
      ReplicationTaskIdentifier: props.task.metricTaskIdentifier,
    };
    const alarm = (alarmId: string, metricName: string, suffix: string, description: string) =>
      new TopicAlarm(this, alarmId, {
        name: `${props.name}-${suffix}`,
        description,
        namespace: "AWS/DMS",
        metricName,
        dimensions,
        comparison: "GreaterThanThreshold",
        threshold: props.thresholdSeconds,
        topic: props.topic,
      });
    this.source = alarm(
      "Source",
      "CDCLatencySource",
      "cdc-latency-source",
      `${props.name}: DMS reads source changes more than ${props.thresholdSeconds} s late (source load, replication slot, PrivateLink path to the source).`,
    );
    this.target = alarm(
      "Target",
      "CDCLatencyTarget",
      "cdc-latency-target",
      `${props.name}: changes reach the target more than ${props.thresholdSeconds} s after their source commit. Cutover waits until this is near 0.`,
    );
  }
}
