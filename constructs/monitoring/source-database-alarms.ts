// Alarms on the source cluster's write-ahead log: what an idle or stuck DMS replication slot costs.
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic";
import { TopicAlarm } from "./topic-alarm";

export interface SourceDatabaseAlarmsProps {
  /** Alarm name prefix, normally the cluster identifier, e.g. `dev-source`. */
  readonly name: string;
  /** Aurora cluster identifier of the source (with `Role=WRITER`, the metrics' dimensions). */
  readonly clusterIdentifier: string;
  /** Alarm when the most-lagging replication slot holds back more WAL than this. */
  readonly replicationSlotLagThresholdBytes: number;
  /** Alarm when transaction logs use more disk than this. */
  readonly transactionLogsDiskUsageThresholdBytes: number;
  /** Alarm when replication slot files use more disk than this. */
  readonly replicationSlotDiskUsageThresholdBytes: number;
  readonly topic: AlarmTopic;
}

/**
 * A CDC task's logical replication slot keeps WAL until DMS confirms it. A stopped task whose slot
 * was left behind keeps all of it, and on Aurora that grows storage without bound. The slot
 * outlives the task that made it, so these alarms belong to the lab stack, not the migration stack.
 */
export class SourceDatabaseAlarms extends Construct {
  readonly replicationSlotLag: TopicAlarm;
  readonly transactionLogsDiskUsage: TopicAlarm;
  readonly replicationSlotDiskUsage: TopicAlarm;

  constructor(scope: Construct, id: string, props: SourceDatabaseAlarmsProps) {
    super(scope, id);
    const cluster = props.name;
    const common = {
      namespace: "AWS/RDS",
      // These are instance metrics, and slots live on the writer. Aurora publishes instance metrics
      // per cluster and role too; the role series follows the writer across failovers, where an
      // instance id would keep watching a demoted reader.
      dimensions: { DBClusterIdentifier: props.clusterIdentifier, Role: "WRITER" },
      statistic: "Maximum" as const,
      comparison: "GreaterThanThreshold" as const,
      // No data means no slot and no logical decoding (or no writer at all, which the NLB alarms
      // report): nothing is retained, so silence is not trouble.
      treatMissingData: "notBreaching" as const,
      topic: props.topic,
    };
    this.replicationSlotLag = new TopicAlarm(this, "ReplicationSlotLag", {
      ...common,
      name: `${cluster}-replication-slot-lag`,
      description: `${cluster}: a replication slot lags more than ${props.replicationSlotLagThresholdBytes} bytes of WAL; a CDC task is slow or stopped (drop the slot of a task that is gone).`,
      metricName: "OldestReplicationSlotLag",
      threshold: props.replicationSlotLagThresholdBytes,
    });
    this.transactionLogsDiskUsage = new TopicAlarm(this, "TransactionLogsDiskUsage", {
      ...common,
      name: `${cluster}-transaction-logs-disk-usage`,
      description: `${cluster}: transaction logs use more than ${props.transactionLogsDiskUsageThresholdBytes} bytes; WAL is retained for a replication slot.`,
      metricName: "TransactionLogsDiskUsage",
      threshold: props.transactionLogsDiskUsageThresholdBytes,
    });
    this.replicationSlotDiskUsage = new TopicAlarm(this, "ReplicationSlotDiskUsage", {
      ...common,
      name: `${cluster}-replication-slot-disk-usage`,
      description: `${cluster}: replication slot files use more than ${props.replicationSlotDiskUsageThresholdBytes} bytes; a slot's consumer is not keeping up or is gone.`,
      metricName: "ReplicationSlotDiskUsage",
      threshold: props.replicationSlotDiskUsageThresholdBytes,
    });
  }
}
