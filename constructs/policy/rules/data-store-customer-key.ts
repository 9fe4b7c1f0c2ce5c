// LAB-ENC1: database storage and the DMS replication instance are encrypted with a customer managed KMS key.
import { customerKeyProblem } from "../customer-managed-key";
import type { PolicyRule } from "../rule";

export const dataStoreCustomerKey: PolicyRule = {
  id: "LAB-ENC1",
  severity: "error",
  title: "Data stores encrypted with a customer managed key",
  explanation:
    "Aurora storage, its snapshots, the RDS-managed master secret and the DMS replication instance's storage hold the migrated data. With a customer managed key the deployment decides who may decrypt (the key policy), can audit every use, and can keep the key when the lab goes; with AWS's own key none of that is possible and a snapshot cannot be shared or copied under another key's control.",
  fix: "Set storage_encrypted = true and kms_key_id (clusters, instances), master_user_secret_kms_key_id (RDS-managed master secrets) and kms_key_arn (DMS replication instances) to the deployment's KMS key.",
  resourceTypes: ["aws_rds_cluster", "aws_db_instance", "aws_dms_replication_instance"],
  check(resource, stack) {
    const config = resource.config;
    const problems: string[] = [];
    if (resource.type === "aws_dms_replication_instance") {
      const problem = customerKeyProblem(config.kms_key_arn, stack);
      if (problem) problems.push(`kms_key_arn: ${problem}`);
      return problems;
    }
    if (config.storage_encrypted !== true) problems.push("storage_encrypted is not true");
    const storageKey = customerKeyProblem(config.kms_key_id, stack);
    if (storageKey) problems.push(`kms_key_id: ${storageKey}`);
    if (config.manage_master_user_password === true) {
      const secretKey = customerKeyProblem(config.master_user_secret_kms_key_id, stack);
      if (secretKey) problems.push(`master_user_secret_kms_key_id: ${secretKey}`);
    }
    return problems;
  },
};
