// The SNS topic alarms, DMS events and failed writer-sync runs go to: KMS-encrypted, publishable only by this account's services.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";

const EVENTBRIDGE = "events.amazonaws.com";

/**
 * Who publishes: CloudWatch (alarms) and EventBridge (DMS events). The key that encrypts the topic
 * must let the same services use it, so the lab key takes this list as its `servicePrincipals`.
 * (Lambda destinations publish with the function's own role, which IAM grants.)
 */
export const ALARM_TOPIC_PUBLISHERS = ["cloudwatch.amazonaws.com", EVENTBRIDGE] as const;

export interface AlarmTopicProps {
  /** Topic name, e.g. `dev-migration-alarms`. */
  readonly name: string;
  /** Customer-managed key that encrypts messages at rest; its policy must admit {@link ALARM_TOPIC_PUBLISHERS}. */
  readonly kmsKeyArn: string;
  /** Subscribes this address by e-mail (it stays pending until the link in AWS's e-mail is followed). @default no subscription */
  readonly email?: string;
  /**
   * ARNs of the EventBridge rules that may publish (`aws:SourceArn`). @default [] — EventBridge may
   * not publish at all
   */
  readonly eventRuleArns?: readonly string[];
}

export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly topicArn: string;
  readonly policy: SnsTopicPolicy;
  readonly policyDocument: DataAwsIamPolicyDocument;
  readonly emailSubscription?: SnsTopicSubscription;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    this.topic = new SnsTopic(this, "Resource", {
      name: props.name,
      kmsMasterKeyId: props.kmsKeyArn,
      tags: nameTag(props.name),
    });
    this.topicArn = this.topic.arn;
    const eventRuleArns = props.eventRuleArns ?? [];
    this.policyDocument = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      statement: [
        {
          sid: "AlarmsOfThisAccountPublish",
          principals: [{ type: "Service", identifiers: ALARM_TOPIC_PUBLISHERS.filter((publisher) => publisher !== EVENTBRIDGE) }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          // Only this account's alarms may publish (confused-deputy guard).
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] }],
        },
        // The topic policy, unlike the key policy, may name the rule: only the lab's own rules publish.
        ...(eventRuleArns.length
          ? [
              {
                sid: "OwnEventRulesPublish",
                principals: [{ type: "Service", identifiers: [EVENTBRIDGE] }],
                actions: ["sns:Publish"],
                resources: [this.topic.arn],
                condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [...eventRuleArns] }],
              },
            ]
          : []),
        {
          sid: "DenyPublishWithoutTls",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    // Same-account administrators (and the writer-sync role) keep access through IAM: a topic policy only adds grants.
    this.policy = new SnsTopicPolicy(this, "Policy", { arn: this.topic.arn, policy: this.policyDocument.json });
    if (props.email) {
      this.emailSubscription = new SnsTopicSubscription(this, "Email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: props.email,
      });
    }
  }
}
