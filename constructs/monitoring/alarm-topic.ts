// The SNS topic every migration alarm and DMS event goes to: KMS-encrypted, publishable only by this account's services.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";

/**
 * Who publishes: CloudWatch (alarms), DMS (event subscriptions) and EventBridge (where DMS delivers
 * events once subscriptions are moved there). The key that encrypts the topic must let the same
 * services use it, so the lab key takes this list as its `servicePrincipals`.
 */
export const ALARM_TOPIC_PUBLISHERS = ["cloudwatch.amazonaws.com", "dms.amazonaws.com", "events.amazonaws.com"] as const;

export interface AlarmTopicProps {
  /** Topic name, e.g. `dev-migration-alarms`. */
  readonly name: string;
  /** Customer-managed key that encrypts messages at rest; its policy must admit {@link ALARM_TOPIC_PUBLISHERS}. */
  readonly kmsKeyArn: string;
  /** Subscribes this address by e-mail (it stays pending until the link in AWS's e-mail is followed). @default no subscription */
  readonly email?: string;
  /** Service principals allowed to publish. @default ALARM_TOPIC_PUBLISHERS */
  readonly publishers?: readonly string[];
}

export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly topicArn: string;
  readonly policy: SnsTopicPolicy;
  readonly policyDocument: DataAwsIamPolicyDocument;
  readonly emailSubscription?: SnsTopicSubscription;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "Resource", {
      name: props.name,
      kmsMasterKeyId: props.kmsKeyArn,
      tags: nameTag(props.name),
    });
    this.topicArn = this.topic.arn;
    this.policyDocument = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      statement: [
        {
          sid: "ServicesOfThisAccountPublish",
          principals: [{ type: "Service", identifiers: [...(props.publishers ?? ALARM_TOPIC_PUBLISHERS)] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          // Only this account's alarms, tasks and rules may publish (confused-deputy guard).
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [AwsEnvironment.of(this).accountId] }],
        },
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
    // Same-account administrators keep access through IAM: a topic policy only adds grants.
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
