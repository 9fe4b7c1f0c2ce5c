// DMS event subscriptions to the alarm topic: task failures and state changes, replication instance trouble.
import { DmsEventSubscription } from "@cdktf/provider-aws/lib/dms-event-subscription";
import { Construct } from "constructs";
import { nameTag } from "../naming";
import type { AlarmTopic } from "./alarm-topic";

/** Categories as `aws dms describe-event-categories` lists them (the provider passes them on unchecked). */
export const REPLICATION_TASK_EVENT_CATEGORIES = ["failure", "state change"] as const;
export const REPLICATION_INSTANCE_EVENT_CATEGORIES = ["failure", "low storage", "failover", "configuration change", "maintenance"] as const;

export interface DmsEventSubscriptionsProps {
  /** Subscription name prefix, e.g. `dev-migration`; `-tasks` and `-instance` are appended. */
  readonly name: string;
  readonly topic: AlarmTopic;
  readonly replicationInstanceId: string;
  /** Identifiers of this stack's tasks; with none, no task subscription is made. */
  readonly taskIds: readonly string[];
}

/**
 * Source ids are always explicit: a subscription without them covers every task or instance in the
 * account, which would page this deployment for another one's events.
 */
export class DmsEventSubscriptions extends Construct {
  readonly tasks?: DmsEventSubscription;
  readonly instance: DmsEventSubscription;

  constructor(scope: Construct, id: string, props: DmsEventSubscriptionsProps) {
    super(scope, id);
    if (props.taskIds.length > 0) {
      this.tasks = new DmsEventSubscription(this, "Tasks", {
        name: `${props.name}-tasks`,
        sourceType: "replication-task",
        sourceIds: [...props.taskIds],
        eventCategories: [...REPLICATION_TASK_EVENT_CATEGORIES],
        snsTopicArn: props.topic.topicArn,
        // Events raised before the topic admits DMS would be dropped.
        dependsOn: [props.topic.policy],
        tags: nameTag(`${props.name}-tasks`),
      });
    }
    this.instance = new DmsEventSubscription(this, "Instance", {
      name: `${props.name}-instance`,
      sourceType: "replication-instance",
      sourceIds: [props.replicationInstanceId],
      eventCategories: [...REPLICATION_INSTANCE_EVENT_CATEGORIES],
      snsTopicArn: props.topic.topicArn,
      dependsOn: [props.topic.policy],
      tags: nameTag(`${props.name}-instance`),
    });
  }
}
