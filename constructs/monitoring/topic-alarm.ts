// One CloudWatch metric alarm that reports both ALARM and OK to the alarm topic: the shape every migration alarm shares.
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { nameTag } from "../naming";
import type { AlarmTopic } from "./alarm-topic";

export type AlarmComparison = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";

export interface TopicAlarmProps {
  /** Alarm name, unique in the account and region, e.g. `dev-dms-task-demo-cdc-latency-target`. */
  readonly name: string;
  /** What it means when it fires and what to look at; shown in the notification. */
  readonly description: string;
  /** e.g. `AWS/DMS`. */
  readonly namespace: string;
  readonly metricName: string;
  /** Every dimension the metric is published with: CloudWatch matches the exact set. */
  readonly dimensions: Record<string, string>;
  readonly comparison: AlarmComparison;
  readonly threshold: number;
  /** @default "Average" */
  readonly statistic?: "Average" | "Maximum" | "Minimum" | "Sum";
  /** @default 60 */
  readonly periodSeconds?: number;
  /** Periods looked at. @default 5 */
  readonly evaluationPeriods?: number;
  /** Of those, how many must breach: a blip of one minute does not page anyone. @default 3 */
  readonly datapointsToAlarm?: number;
  /**
   * Most lab metrics exist only while something runs (a stopped task publishes no latency), so
   * silence is not trouble. @default "notBreaching"
   */
  readonly treatMissingData?: "notBreaching" | "breaching" | "ignore" | "missing";
  readonly topic: AlarmTopic;
}

export class TopicAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: TopicAlarmProps) {
    super(scope, id);
    const evaluationPeriods = props.evaluationPeriods ?? 5;
    const datapointsToAlarm = props.datapointsToAlarm ?? Math.min(3, evaluationPeriods);
    if (datapointsToAlarm > evaluationPeriods) {
      throw new Error(
        `${this.node.path}: datapointsToAlarm ${datapointsToAlarm} exceeds evaluationPeriods ${evaluationPeriods}; lower it or look at more periods`,
      );
    }
    this.alarm = new CloudwatchMetricAlarm(this, "Resource", {
      alarmName: props.name,
      alarmDescription: props.description,
      namespace: props.namespace,
      metricName: props.metricName,
      dimensions: props.dimensions,
      statistic: props.statistic ?? "Average",
      period: props.periodSeconds ?? 60,
      evaluationPeriods,
      datapointsToAlarm,
      comparisonOperator: props.comparison,
      threshold: props.threshold,
      treatMissingData: props.treatMissingData ?? "notBreaching",
      // OK too, so whoever was paged learns that it cleared without opening the console.
      alarmActions: [props.topic.topicArn],
      okActions: [props.topic.topicArn],
      tags: nameTag(props.name),
    });
  }
}
