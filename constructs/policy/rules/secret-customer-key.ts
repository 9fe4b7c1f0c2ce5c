// LAB-ENC4: Secrets Manager secrets are encrypted with a customer managed KMS key.
import { customerKeyProblem } from "../customer-managed-key";
import type { PolicyRule } from "../rule";

export const secretCustomerKey: PolicyRule = {
  id: "LAB-ENC4",
  severity: "error",
  title: "Secrets encrypted with a customer managed key",
  explanation:
    "The DMS endpoint secrets hold database credentials. Encrypted with aws/secretsmanager, anyone allowed secretsmanager:GetSecretValue can read them; with the deployment's key, reading also needs kms:Decrypt through Secrets Manager, which the lab grants only to the roles that must read them (DMS's access role, db-ops, the bastion).",
  fix: "Set kms_key_id on the aws_secretsmanager_secret to the deployment's KMS key, and grant kms:Decrypt with kms:ViaService = secretsmanager.<region>.amazonaws.com to the readers.",
  resourceTypes: ["aws_secretsmanager_secret"],
  check(resource, stack) {
    const problem = customerKeyProblem(resource.config.kms_key_id, stack);
    return problem ? [`kms_key_id: ${problem}`] : [];
  },
};
