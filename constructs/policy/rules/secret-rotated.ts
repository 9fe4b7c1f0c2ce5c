// LAB-SEC1: every Secrets Manager secret the stack creates is rotated automatically.
import type { PolicyRule } from "../rule";
import { SynthesizedStack } from "../synthesized-stack";

export const secretRotated: PolicyRule = {
  id: "LAB-SEC1",
  severity: "error",
  title: "Secrets rotated",
  explanation:
    "A credential that never changes stays valid for whoever once read it. The lab's DMS endpoint secrets are rotated by the db-ops function (which also creates each side's dedicated DMS user); the clusters' master secrets are managed and rotated by RDS, so they are not aws_secretsmanager_secret resources at all.",
  fix: "Add an aws_secretsmanager_secret_rotation for the secret (a rotation function and rotation_rules), or let the owning service manage it (manage_master_user_password on RDS).",
  exceptions:
    "RDS-managed master secrets (manage_master_user_password) are rotated by RDS and are not checked here; LAB-SEC2 requires them.",
  resourceTypes: ["aws_secretsmanager_secret"],
  check(resource, stack) {
    const rotated = stack
      .ofType("aws_secretsmanager_secret_rotation")
      .some((rotation) => SynthesizedStack.referencesIn(rotation.config.secret_id).includes(resource.address));
    return rotated ? [] : ["no aws_secretsmanager_secret_rotation in the stack rotates it"];
  },
};
