// Health alarms of one PrivateLink NLB: an unhealthy writer target, or no healthy target at all.
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic";
import { TopicAlarm } from "./topic-alarm";

export interface LoadBalancerAlarmsProps {
  /** Alarm name prefix, e.g. `dev-source-nlb`. */
  readonly name: string;
  /** The NLB's `arn_suffix` (`net/<name>/<id>`), CloudWatch's LoadBalancer dimension. */
  readonly loadBalancerArnSuffix: string;
  /** The target group's `arn_suffix` (`targetgroup/<name>/<id>`), CloudWatch's TargetGroup dimension. */
  readonly targetGroupArnSuffix: string;
  readonly topic: AlarmTopic;
}

export class LoadBalancerAlarms extends Construct {
  readonly unhealthyHosts: TopicAlarm;
  readonly noHealthyHost: TopicAlarm;

  constructor(scope: Construct, id: string, props: LoadBalancerAlarmsProps) {
    super(scope, id);
    const dimensions = { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.targetGroupArnSuffix };
    const common = { namespace: "AWS/NetworkELB", dimensions, statistic: "Maximum" as const, topic: props.topic };
    this.unhealthyHosts = new TopicAlarm(this, "UnhealthyHosts", {
      ...common,
      name: `${props.name}-unhealthy-hosts`,
      description: `${props.name}: a registered target fails its health check (a demoted or stopped writer); the writer-sync function should replace it within minutes.`,
      metricName: "UnHealthyHostCount",
      comparison: "GreaterThanThreshold",
      threshold: 0,
    });
    // An empty target group reports no unhealthy host, yet nothing gets through: the stale-target
    // trap the writer-sync function exists for. The NLB publishes this every minute, so silence
    // means the path itself is gone and counts as breaching.
    this.noHealthyHost = new TopicAlarm(this, "NoHealthyHost", {
      ...common,
      name: `${props.name}-no-healthy-host`,
      description: `${props.name}: no healthy target, so DMS and psql cannot reach the database through PrivateLink; check the writer-sync function's log.`,
      metricName: "HealthyHostCount",
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
  }
}
