// LAB-PROD2: in production, deleting a database leaves a named final snapshot.
import type { PolicyRule } from "../rule";

export const productionFinalSnapshot: PolicyRule = {
  id: "LAB-PROD2",
  severity: "error",
  title: "Production databases take a final snapshot",
  explanation:
    "When a database is deleted anyway, the final snapshot is the last copy of its data; automated backups go with the cluster. Terraform takes it only when skip_final_snapshot is false and final_snapshot_identifier names it (otherwise the delete fails, or nothing is kept).",
  fix: "Set skip_final_snapshot = false and final_snapshot_identifier (databases.<side>.finalSnapshot in the production deployment file).",
  productionOnly: true,
  resourceTypes: ["aws_rds_cluster", "aws_db_instance"],
  check(resource) {
    const config = resource.config;
    const problems: string[] = [];
    if (config.skip_final_snapshot === true) problems.push("skip_final_snapshot is true");
    if (!config.final_snapshot_identifier) problems.push("final_snapshot_identifier is not set");
    return problems;
  },
};
