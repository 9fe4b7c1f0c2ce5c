// LAB-SEC2: database master passwords are generated, kept and rotated by RDS, never written in the configuration.
import type { PolicyRule } from "../rule";

export const masterPasswordManaged: PolicyRule = {
  id: "LAB-SEC2",
  severity: "error",
  title: "Master passwords managed by RDS",
  explanation:
    "A master_password in the configuration is in the synthesized JSON and in Terraform state in clear, and never rotates. With manage_master_user_password RDS generates it, keeps it in a secret encrypted with the deployment's key, and rotates it every 7 days.",
  fix: "Remove master_password and set manage_master_user_password = true (with master_user_secret_kms_key_id).",
  resourceTypes: ["aws_rds_cluster", "aws_db_instance"],
  check(resource) {
    const config = resource.config;
    // Restored or replicated databases take their master user from the source.
    if (config.snapshot_identifier || config.replication_source_identifier || config.replicate_source_db) return [];
    const problems: string[] = [];
    if (config.master_password !== undefined || config.password !== undefined)
      problems.push("a master password is written in the configuration");
    if (config.manage_master_user_password !== true) problems.push("manage_master_user_password is not true");
    return problems;
  },
};
