// The deployment's customer-managed KMS key: Aurora storage, master-user and DMS secrets, log groups.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";

export interface LabKeyProps {
  /** Physical name; the alias becomes `alias/<name>`. */
  readonly name: string;
  /** Days before a scheduled deletion happens. @default 7 */
  readonly deletionWindowDays?: number;
  /**
   * AWS services that encrypt with the key on their own behalf (beyond CloudWatch Logs), e.g.
   * `cloudwatch.amazonaws.com` publishing alarms to an encrypted SNS topic. @default []
   */
  readonly servicePrincipals?: readonly string[];
}

export class LabKey extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;
  readonly keyId: string;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: LabKeyProps) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    const logsArnPattern = environment.arn({ service: "logs", resource: "log-group:*" });
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
        ...(props.servicePrincipals?.length
          ? [
              {
                sid: "ServicesPublishToEncryptedTopics",
                principals: [{ type: "Service", identifiers: [...props.servicePrincipals] }],
                actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                resources: ["*"],
                condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] }],
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
      tags: nameTag(props.name),
    });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
    this.alias = new KmsAlias(this, "Alias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
  }
}
