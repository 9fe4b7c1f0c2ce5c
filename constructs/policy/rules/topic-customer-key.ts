// LAB-ENC3: SNS topics are encrypted with a customer managed KMS key.
import { customerKeyProblem } from "../customer-managed-key";
import type { PolicyRule } from "../rule";

export const topicCustomerKey: PolicyRule = {
  id: "LAB-ENC3",
  severity: "error",
  title: "SNS topics encrypted with a customer managed key",
  explanation:
    "An SNS topic without kms_master_key_id stores messages unencrypted at rest; with alias/aws/sns, CloudWatch, DMS and EventBridge cannot publish to it at all, because the AWS managed key's policy cannot grant them kms:GenerateDataKey. A customer managed key encrypts the alarm and event messages and lets the key policy name the publishing services.",
  fix: "Set kms_master_key_id to the deployment's KMS key, and give the publishing services kms:Decrypt and kms:GenerateDataKey* in its key policy.",
  resourceTypes: ["aws_sns_topic"],
  check(resource, stack) {
    const problem = customerKeyProblem(resource.config.kms_master_key_id, stack);
    return problem ? [`kms_master_key_id: ${problem}`] : [];
  },
};
