// An EventBridge rule that sends the DMS task and replication instance state changes of this deployment to the alarm topic.
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";
import type { AlarmTopic } from "./alarm-topic";

/** Detail types as EventBridge's DMS event reference lists them: task and instance state, failover, storage. */
export const DMS_EVENT_DETAIL_TYPES = [
  "DMS Replication Task State Change",
  "DMS Replication Instance State Change",
  "DMS Replication Instance Failover State",
  "DMS Replication Instance Storage State Change",
] as const;

/** The ARN a rule of this name gets, known before it exists: the topic policy names it. */
export function dmsEventRuleArn(scope: Construct, name: string): string {
  return AwsEnvironment.of(scope).arn({ service: "events", resource: `rule/${name}` });
}

export interface DmsEventRuleProps {
  /** Rule name, e.g. `dev-migration-dms-events`. */
  readonly name: string;
  /** Its policy must admit this rule ({@link dmsEventRuleArn} in `eventRuleArns`). */
  readonly topic: AlarmTopic;
  /** ARN of the replication instance. */
  readonly replicationInstanceArn: string;
  /** ARNs of this deployment's tasks. @default [] */
  readonly taskArns?: readonly string[];
}

/**
 * DMS recommends EventBridge over event subscriptions from engine 3.4.5. The rule matches only this
 * deployment's instance and tasks by the event's `resources`, so another deployment's events in the
 * same account page nobody here.
 */
export class DmsEventRule extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: DmsEventRuleProps) {
    super(scope, id);
    this.ruleArn = dmsEventRuleArn(this, props.name);
    this.rule = new CloudwatchEventRule(this, "Resource", {
      name: props.name,
      description: `State changes of ${props.name.replace(/-dms-events$/, "")}'s DMS replication instance and tasks`,
      eventPattern: Fn.jsonencode({
        source: ["aws.dms"],
        "detail-type": [...DMS_EVENT_DETAIL_TYPES],
        resources: [props.replicationInstanceArn, ...(props.taskArns ?? [])],
      }),
      tags: nameTag(props.name),
    });
    this.target = new CloudwatchEventTarget(this, "Topic", {
      rule: this.rule.name,
      arn: props.topic.topicArn,
      // Events matched before the topic admits the rule would be dropped.
      dependsOn: [props.topic.policy],
    });
  }
}
