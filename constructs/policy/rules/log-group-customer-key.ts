// LAB-ENC2: CloudWatch log groups are encrypted with a customer managed KMS key.
import { customerKeyProblem } from "../customer-managed-key";
import type { PolicyRule } from "../rule";

export const logGroupCustomerKey: PolicyRule = {
  id: "LAB-ENC2",
  severity: "error",
  title: "Log groups encrypted with a customer managed key",
  explanation:
    "The lab's logs carry database statements and errors (PostgreSQL logs, DMS task logs, the db-ops function), which can quote data. CloudWatch Logs encrypts every group with a key AWS owns unless kms_key_id is set; with the deployment's key, reading the logs also needs kms:Decrypt, and the key policy says who has it.",
  fix: "Set kms_key_id on the aws_cloudwatch_log_group to the deployment's KMS key (its policy already lets logs.<region>.amazonaws.com use it for this account's log groups).",
  resourceTypes: ["aws_cloudwatch_log_group"],
  check(resource, stack) {
    const problem = customerKeyProblem(resource.config.kms_key_id, stack);
    return problem ? [`kms_key_id: ${problem}`] : [];
  },
};
