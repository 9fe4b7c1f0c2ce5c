// Which stacks belong to a production deployment: the rules marked productionOnly check only those.
import type { IConstruct } from "constructs";
import type { TerraformJson } from "./synthesized-stack";

const PRODUCTION_METADATA = "lab:policy-production";
/** Values of the `Environment` tag (the AWS provider's default_tags) that mark a production deployment. */
const PRODUCTION_ENVIRONMENTS = ["prod", "production"];

/**
 * Marks (or explicitly unmarks) a stack as production, overriding what its tags say. For a
 * deployment schema field (`"production": true`) to drive the production rules, the stack calls
 * this with the field's value.
 */
export function markProduction(stack: IConstruct, production = true): void {
  stack.node.addMetadata(PRODUCTION_METADATA, production);
}

/**
 * A stack is production when marked so, or otherwise when its AWS provider's default tags say
 * `Environment = prod` (or `production`), as `variables/prod.json` does.
 */
export function isProductionStack(stack: IConstruct, json: TerraformJson): boolean {
  const marks = stack.node.metadata.filter((entry) => entry.type === PRODUCTION_METADATA);
  if (marks.length) return marks[marks.length - 1].data === true;
  return (json.provider?.aws ?? []).some((provider) =>
    [provider.default_tags]
      .flat()
      .map((entry) => (entry as { tags?: Record<string, unknown> } | undefined)?.tags?.Environment)
      .some((environment) => typeof environment === "string" && PRODUCTION_ENVIRONMENTS.includes(environment.toLowerCase())),
  );
}
