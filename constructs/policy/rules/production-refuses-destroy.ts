// LAB-PROD3: in production, Terraform refuses at plan time to destroy a database or the KMS key its storage is encrypted with.
import type { PolicyRule } from "../rule";
import { SynthesizedStack, type SynthesizedResource } from "../synthesized-stack";

const DATABASE_TYPES = ["aws_rds_cluster", "aws_db_instance"];

/** The arguments through which a database names the key of its storage, snapshots and master secret. */
function keyReferences(database: SynthesizedResource): unknown[] {
  return [database.config.kms_key_id, database.config.master_user_secret_kms_key_id];
}

function databases(stack: SynthesizedStack): SynthesizedResource[] {
  return DATABASE_TYPES.flatMap((type) => stack.ofType(type));
}

/** Names of the aliases through which the stack's databases find their key (`data.aws_kms_alias`). */
function aliasesLookedUpByDatabases(stack: SynthesizedStack): string[] {
  return databases(stack)
    .flatMap(keyReferences)
    .map((value) => stack.referenced(value))
    .filter((target) => target?.mode === "data" && target.type === "aws_kms_alias")
    .map((lookup) => String(lookup?.config.name));
}

/** Names of the aliases the stack manages for this key. */
function aliasesOf(key: SynthesizedResource, stack: SynthesizedStack): string[] {
  return stack
    .ofType("aws_kms_alias")
    .filter((alias) => SynthesizedStack.referencesIn(alias.config.target_key_id).includes(key.address))
    .map((alias) => String(alias.config.name));
}

/** A database of this stack names the key, or one of the deployment's stacks finds it through an alias this stack gives it. */
function encryptsADatabase(key: SynthesizedResource, stack: SynthesizedStack): boolean {
  if (databases(stack).some((database) => SynthesizedStack.referencesIn(keyReferences(database)).includes(key.address))) return true;
  const aliases = aliasesOf(key, stack);
  return (
    aliases.length > 0 &&
    [stack, ...stack.deploymentStacks].some((reader) => aliasesLookedUpByDatabases(reader).some((name) => aliases.includes(name)))
  );
}

/** A key a database looks up by an alias that no stack of the deployment manages: its protection cannot be seen. */
function unseenKeyProblems(database: SynthesizedResource, stack: SynthesizedStack): string[] {
  const lookedUp = keyReferences(database)
    .map((value) => stack.referenced(value))
    .filter((target) => target?.mode === "data" && target.type === "aws_kms_alias")
    .map((lookup) => String(lookup?.config.name));
  const managed = new Set(
    [stack, ...stack.deploymentStacks].flatMap((each) => each.ofType("aws_kms_alias").map((alias) => String(alias.config.name))),
  );
  return [...new Set(lookedUp)]
    .filter((name) => !managed.has(name))
    .map(
      (name) => `its key is looked up by ${name}, which no stack of this deployment manages, so nothing shows that the key refuses destroy`,
    );
}

export const productionRefusesDestroy: PolicyRule = {
  id: "LAB-PROD3",
  severity: "error",
  title: "Production databases and their data key refuse destroy at plan time",
  explanation:
    "Deletion protection fails late: by the time RDS refuses, a destroy has already removed the rest of the lab. lifecycle.prevent_destroy makes Terraform refuse the whole plan before anything changes. The KMS key that encrypts the databases needs it too: once a scheduled key deletion completes, the final snapshots and recoverable secrets encrypted with it can never be read. A key the databases find by alias is checked in the stack of the deployment that manages that alias.",
  fix: "Add lifecycle { prevent_destroy = true } to each aws_rds_cluster/aws_db_instance and to the aws_kms_key its kms_key_id names; keep that key out of what a lab destroy removes (encryption.dataKeyStack: the key in <name>-data, found by alias).",
  productionOnly: true,
  resourceTypes: [...DATABASE_TYPES, "aws_kms_key"],
  check(resource, stack) {
    if (resource.type === "aws_kms_key" && !encryptsADatabase(resource, stack)) return [];
    const lifecycle = resource.config.lifecycle as { prevent_destroy?: unknown } | undefined;
    return [
      ...(lifecycle?.prevent_destroy === true ? [] : ["lifecycle.prevent_destroy is not true, so a destroy plan removes it"]),
      ...(resource.type === "aws_kms_key" ? [] : unseenKeyProblems(resource, stack)),
    ];
  },
};
