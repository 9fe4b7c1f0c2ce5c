// Synthesizes one deployment's stacks and makes each one's saved plan, read back with `terraform show -json`.
import { App } from "cdktf";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildDeployment } from "../../stacks/build-lab";
import { labNames } from "../../stacks/lab-names";
import { readRuntimeSettings, type RuntimeSettings } from "../../variables/runtime";
import { EmulatorProcess } from "../emulator-process";
import { LOCAL_WORK_DIR, NotDeployedError } from "../runbook/context";
import type { Deployment } from "../../variables/schema";
import { run, terraformFailure } from "../terraform-cli";
import { lookedUpNames } from "./looked-up-names";
import { parsePlanJson, type PlanJson } from "./plan-json";

export interface SynthesizedStack {
  readonly id: string;
  /** The folder Terraform runs in (`<outdir>/stacks/<id>`). */
  readonly directory: string;
}

export interface SynthesizedDeployment {
  /** In deploy order. */
  readonly stacks: readonly SynthesizedStack[];
  /** What makes the migration plan provisional: the lab stack, the migration stack and the names it looks up. */
  readonly lookup: { readonly labStack: string; readonly migrationStack: string; readonly names: readonly string[] };
}

/**
 * The runtime a deployment is planned with: on the emulator, the running local lab's URL (a NotDeployedError
 * saying how to start it when none runs); otherwise the standard settings.
 */
export function planningRuntime(deployment: Deployment, what: string): RuntimeSettings {
  const runtime = readRuntimeSettings();
  let emulatorUrl = runtime.emulatorUrl;
  if (deployment.emulator) {
    const status = new EmulatorProcess(LOCAL_WORK_DIR).status();
    if (status.state !== "running")
      throw new NotDeployedError(
        `nothing to ${what} ${deployment.name} against: the local lab is not running; start it with \`npm start\``,
      );
    emulatorUrl = status.record.url;
  }
  return { ...runtime, deploymentFilter: [deployment.name], emulatorUrl };
}

export function synthesizeDeployment(deployment: Deployment, runtime: RuntimeSettings, outdir: string): SynthesizedDeployment {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, skipValidation: false });
  const built = buildDeployment(app, deployment, runtime);
  app.synth();
  return {
    stacks: built.all.map((stack) => ({ id: stack.node.id, directory: join(outdir, "stacks", stack.node.id) })),
    lookup: { labStack: built.lab.node.id, migrationStack: built.migration.node.id, names: lookedUpNames(labNames(deployment.name)) },
  };
}

async function terraform(directory: string, env: NodeJS.ProcessEnv, what: string, args: readonly string[]): Promise<string> {
  const result = await run("terraform", args, { cwd: directory, env });
  if (result.code !== 0) throw terraformFailure(what, result);
  return result.stdout;
}

/**
 * `terraform init`, `plan -out`, `show -json` in a synthesized stack's folder. The saved plan holds
 * state values in clear and is removed as soon as it is read; only the parsed JSON leaves here.
 * `-lock=false`: a review only reads state, so it needs no write access to the lock and never
 * blocks an apply. `planArguments` adds plan options (e.g. `-replace=<address>`).
 */
/** Where a stack's saved plan is written while it is read (and, for `apply --reviewed`, until it is applied). */
export function savedPlanFile(stack: SynthesizedStack): string {
  return join(stack.directory, "review.tfplan");
}

export async function planStack(
  stack: SynthesizedStack,
  env: NodeJS.ProcessEnv,
  planArguments: readonly string[] = [],
  options: { readonly keepPlanFile?: boolean } = {},
): Promise<PlanJson> {
  const planFile = savedPlanFile(stack);
  await terraform(stack.directory, env, `terraform init in ${stack.id}`, ["init", "-input=false", "-no-color"]);
  try {
    await terraform(stack.directory, env, `terraform plan of ${stack.id}`, [
      "plan",
      "-input=false",
      "-no-color",
      "-lock=false",
      `-out=${planFile}`,
      ...planArguments,
    ]);
    const shown = await terraform(stack.directory, env, `terraform show of ${stack.id}'s plan`, ["show", "-json", "-no-color", planFile]);
    return parsePlanJson(JSON.parse(shown), `${stack.id}'s plan`);
  } finally {
    if (!options.keepPlanFile) rmSync(planFile, { force: true });
  }
}
