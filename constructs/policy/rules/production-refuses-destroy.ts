// LAB-PROD3: in production, Terraform refuses at plan time to destroy a database or the KMS key its storage is encrypted with.
import type { PolicyRule } from "../rule";
import { SynthesizedStack, type SynthesizedResource } from "../synthesized-stack";

const DATABASE_TYPES = ["aws_rds_cluster", "aws_db_instance"];

function encryptsADatabase(key: SynthesizedResource, stack: SynthesizedStack): boolean {
  return DATABASE_TYPES.flatMap((type) => stack.ofType(type)).some((database) =>
    SynthesizedStack.referencesIn([database.config.kms_key_id, database.config.master_user_secret_kms_key_id]).includes(key.address),
  );
}

export const productionRefusesDestroy: PolicyRule = {
  id: "LAB-PROD3",
  severity: "error",
  title: "Production databases and their data key refuse destroy at plan time",
  explanation:
    "Deletion protection fails late: by the time RDS refuses, a destroy has already removed the rest of the lab. lifecycle.prevent_destroy makes Terraform refuse the whole plan before anything changes. The KMS key that encrypts the databases needs it too: once a scheduled key deletion completes, the final snapshots and recoverable secrets encrypted with it can never be read.",
  fix: "Add lifecycle { prevent_destroy = true } to each aws_rds_cluster/aws_db_instance and to the aws_kms_key its kms_key_id names; keep that key out of what a lab destroy removes.",
  productionOnly: true,
  resourceTypes: [...DATABASE_TYPES, "aws_kms_key"],
  check(resource, stack) {
    if (resource.type === "aws_kms_key" && !encryptsADatabase(resource, stack)) return [];
    const lifecycle = resource.config.lifecycle as { prevent_destroy?: unknown } | undefined;
    return lifecycle?.prevent_destroy === true ? [] : ["lifecycle.prevent_destroy is not true, so a destroy plan removes it"];
  },
};
