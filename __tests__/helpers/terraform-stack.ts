// Terraform commands on a synthesized stack folder, failing with Terraform's own error text.
import { run, terraformEnvironment, terraformFailure, type CommandResult } from "../../lab/terraform-cli";

const env = { ...terraformEnvironment(), AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
const common = ["-input=false", "-no-color"];

async function terraform(stackDir: string, what: string, args: string[], okCodes: number[] = [0]): Promise<CommandResult> {
  const result = await run("terraform", args, { cwd: stackDir, env });
  if (!okCodes.includes(result.code)) throw terraformFailure(`terraform ${what} in ${stackDir}`, result);
  return result;
}

export const init = (stackDir: string) => terraform(stackDir, "init", ["init", ...common]);
export const apply = (stackDir: string) => terraform(stackDir, "apply", ["apply", "-auto-approve", ...common]);
export const destroy = (stackDir: string) => terraform(stackDir, "destroy", ["destroy", "-auto-approve", ...common]);

/** `plan -detailed-exitcode`: 0 no changes, 2 changes; an error (1) throws with Terraform's message. */
export async function plan(stackDir: string): Promise<{ changes: boolean; output: string }> {
  const result = await terraform(stackDir, "plan", ["plan", "-detailed-exitcode", ...common], [0, 2]);
  return { changes: result.code === 2, output: result.stdout };
}

/** Initializes the stacks (independent of each other, so at once), then applies them in dependency order. */
export async function deployInOrder(stackDirs: readonly string[]): Promise<void> {
  await Promise.all(stackDirs.map(init));
  for (const dir of stackDirs) await apply(dir);
}

/** Destroys the stacks in reverse dependency order (a stack's dependents go first). */
export async function destroyInReverse(stackDirs: readonly string[]): Promise<void> {
  for (const dir of [...stackDirs].reverse()) await destroy(dir);
}

/** The lines of a plan that say what would change, for a readable failure message. */
export function planSummary(output: string): string {
  return output
    .split("\n")
    .filter((line) => /^\s+# |Plan:|~ |\+ |- /.test(line))
    .slice(0, 80)
    .join("\n");
}
