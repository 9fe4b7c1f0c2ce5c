// The source schemas a deployment's tasks select by name: what the dedicated DMS users are granted.
import type { Deployment } from "./schema";

/** The schema the original lab's demo uses, granted when no task names one. */
export const DEMO_SCHEMA = "demo_schema";

// `_` is a one-character wildcard too, but in practice it is part of a name (`sales_eu`): such a name is
// granted as written. `%` and a `[...]` class name no schema of their own.
const WILDCARD = /[%[]/;

/**
 * Schemas named (without `%` or `[...]`) by the include and explicit selection rules of every task,
 * sorted; the demo schema when the deployment has no task. A wildcard schema cannot be granted before
 * it exists; it is left out.
 */
export function migratedSchemas(deployment: Deployment): string[] {
  const schemas = new Set<string>();
  for (const task of deployment.migration.tasks) {
    for (const rule of task.tableMappings) {
      if (rule.type === "selection" && rule.action !== "exclude" && !WILDCARD.test(rule.schema)) schemas.add(rule.schema);
    }
  }
  return deployment.migration.tasks.length > 0 ? [...schemas].sort() : [DEMO_SCHEMA];
}
