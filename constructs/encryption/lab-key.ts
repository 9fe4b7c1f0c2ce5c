// The deployment's customer-managed KMS key: Aurora storage, master-user and DMS secrets, log groups.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";
import type { EncryptionKey } from "./encryption-key";

const EVENTBRIDGE = "events.amazonaws.com";

export interface LabKeyProps {
  /** Physical name; the alias becomes `alias/<name>`. */
  readonly name: string;
  /** Days before a scheduled deletion happens. @default 7 */
  readonly deletionWindowDays?: number;
  /**
   * AWS services that encrypt with the key on their own behalf (beyond CloudWatch Logs), e.g.
   * `cloudwatch.amazonaws.com` publishing alarms to an encrypted SNS topic. Each is held to this
   * account with `aws:SourceAccount`, except `events.amazonaws.com`, for which SNS does not support
   * that condition. @default []
   */
  readonly servicePrincipals?: readonly string[];
  /**
   * `lifecycle.prevent_destroy`: a plan that would destroy or replace the key fails, so no destroy
   * schedules the deletion of what encrypts final snapshots and recoverable secrets. @default false
   */
  readonly preventDestroy?: boolean;
}

export class LabKey extends Construct implements EncryptionKey {
  readonly key: KmsKey;
  readonly keyArn: string;
  readonly keyId: string;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: LabKeyProps) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    const logsArnPattern = environment.arn({ service: "logs", resource: "log-group:*" });
    const publishers = props.servicePrincipals ?? [];
    const eventBridgePublishes = publishers.includes(EVENTBRIDGE);
    const conditionedPublishers = publishers.filter((principal) => principal !== EVENTBRIDGE);
    const policy = new DataAwsIamPolicyDocument(this, "Policy", {
      statement: [
        {
          sid: "AccountAdministersKeyThroughIam",
          principals: [{ type: "AWS", identifiers: [environment.accountRootArn] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
          principals: [{ type: "Service", identifiers: [`logs.${environment.region}.amazonaws.com`] }],
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: [logsArnPattern] }],
        },
        ...(conditionedPublishers.length
          ? [
              {
                sid: "ServicesPublishToEncryptedTopics",
                principals: [{ type: "Service", identifiers: conditionedPublishers }],
                actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                resources: ["*"],
                condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] }],
              },
            ]
          : []),
        // SNS's key-management doc: for EventBridge publishing to an encrypted topic, aws:SourceAccount,
        // aws:SourceArn and aws:SourceOrgID are not supported in the key policy; with them the messages
        // would be dropped. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
        ...(eventBridgePublishes
          ? [
              {
                sid: "EventBridgePublishesToEncryptedTopics",
                principals: [{ type: "Service", identifiers: [EVENTBRIDGE] }],
                actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                resources: ["*"],
              },
            ]
          : []),
      ],
    });
    this.key = new KmsKey(this, "Resource", {
      description: `${props.name}: Aurora storage, secrets and logs of the DMS PrivateLink lab`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 7,
      policy: policy.json,
      ...(props.preventDestroy ? { lifecycle: { preventDestroy: true } } : {}),
      tags: nameTag(props.name),
    });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
    this.alias = new KmsAlias(this, "Alias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
  }
}
