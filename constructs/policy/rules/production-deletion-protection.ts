// LAB-PROD1: in production, database clusters and instances have deletion protection.
import type { PolicyRule } from "../rule";

export const productionDeletionProtection: PolicyRule = {
  id: "LAB-PROD1",
  severity: "error",
  title: "Production databases have deletion protection",
  explanation:
    "Deletion protection makes the RDS API refuse to delete the database, whoever asks: a console click, a script, or a Terraform destroy that got past review. In production the databases are the system of record during the migration.",
  fix: "Set deletion_protection = true (databases.<side>.deletionProtection in the production deployment file).",
  productionOnly: true,
  resourceTypes: ["aws_rds_cluster", "aws_db_instance"],
  check(resource) {
    return resource.config.deletion_protection === true ? [] : ["deletion_protection is not true"];
  },
};
