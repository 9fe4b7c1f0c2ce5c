// The source schemas a deployment's tasks select by name: what the dedicated DMS users are granted.
import type { Deployment } from "./schema";

/** The schema the original lab's demo uses, granted when no task names one. */
export const DEMO_SCHEMA = "demo_schema";

const WILDCARD = /[%_[\]]/;

/**
 * Schemas named (without wildcards) by the include and explicit selection rules of every task, sorted.
 * A wildcard schema cannot be granted before it exists; it is left out (grant it with `lab provision`
 * once the schema is there).
 */
export function migratedSchemas(deployment: Deployment): string[] {
  const schemas = new Set<string>();
  for (const task of deployment.migration.tasks) {
    for (const rule of task.tableMappings) {
      if (rule.type === "selection" && rule.action !== "exclude" && !WILDCARD.test(rule.schema)) schemas.add(rule.schema);
    }
  }
  return schemas.size > 0 ? [...schemas].sort() : [DEMO_SCHEMA];
}
