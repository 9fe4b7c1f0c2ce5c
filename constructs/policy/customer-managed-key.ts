// Whether a key argument names a customer managed KMS key (one the deployment controls) rather than AWS's own.
import type { SynthesizedStack } from "./synthesized-stack";

/** AWS managed keys are named `alias/aws/<service>`; their policy cannot be changed and they cannot be shared or kept. */
const AWS_MANAGED_ALIAS = /(^|:)alias\/aws\//;

/**
 * Why `value` is not a customer managed key, or undefined when it is one: a reference to an
 * `aws_kms_key`/`aws_kms_replica_key` of the stack, a KMS data source that does not name an
 * `alias/aws/...` key, or a literal key id/ARN/alias other than `alias/aws/...`.
 */
export function customerKeyProblem(value: unknown, stack: SynthesizedStack): string | undefined {
  if (value === undefined || value === null || value === "") return "no key is set, so AWS's own key is used";
  if (typeof value !== "string") return `the key ${JSON.stringify(value)} is not a key id, ARN or reference`;
  const target = stack.referenced(value);
  if (target?.mode === "resource") {
    return ["aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key"].includes(target.type)
      ? undefined
      : `the key refers to ${target.address}, which is not a KMS key`;
  }
  if (target?.mode === "data") {
    const named = String(target.config.name ?? target.config.key_id ?? "");
    return AWS_MANAGED_ALIAS.test(named) ? `the key ${named} is AWS managed` : undefined;
  }
  return AWS_MANAGED_ALIAS.test(value) ? `the key ${value} is AWS managed` : undefined;
}
