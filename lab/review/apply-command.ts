// `npm run lab -- apply --reviewed <fingerprint> [--deployment <name>]`: plans again and applies only if the plans are the reviewed ones.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_WORK_DIR, loadNamedDeployment, UsageError } from "../runbook/context";
import { run, terraformEnvironment, terraformFailure } from "../terraform-cli";
import { actingChanges } from "./acting-changes";
import { decideApply, FINGERPRINT } from "./apply-decision";
import { planFingerprint } from "./fingerprint";
import { planningRuntime, planStack, savedPlanFile, synthesizeDeployment } from "./plan-deployment";
import type { PlanJson } from "./plan-json";
import { redactStackPlan } from "./redact";
import { buildReview } from "./review";

const say = (line: string) => process.stdout.write(`${line}\n`);

export function parseApplyArguments(argv: readonly string[]): { deployment: string; reviewed: string } {
  const values: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const [name, inline] = argv[index].split("=", 2);
    if (name !== "--deployment" && name !== "--reviewed")
      throw new UsageError(`unknown option "${argv[index]}" for apply; options: --deployment, --reviewed`);
    const value = inline ?? argv[(index += 1)];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
    values[name] = value;
  }
  const reviewed = values["--reviewed"];
  if (reviewed === undefined || !FINGERPRINT.test(reviewed)) {
    throw new UsageError('apply needs --reviewed sha256:<64 hex digits>: the fingerprint the review printed ("Plans reviewed: …")');
  }
  return { deployment: values["--deployment"] ?? "local", reviewed };
}

export async function applyReviewed(argv: readonly string[]): Promise<number> {
  const options = parseApplyArguments(argv);
  const deployment = loadNamedDeployment(options.deployment);
  const runtime = planningRuntime(deployment, "apply");
  const synthesized = synthesizeDeployment(deployment, runtime, join(LOCAL_WORK_DIR, "apply", deployment.name));
  const environment = terraformEnvironment();
  const plans: Array<{ stack: string; plan: PlanJson }> = [];
  try {
    for (const stack of synthesized.stacks) {
      say(`Planning ${stack.id}...`);
      plans.push({ stack: stack.id, plan: await planStack(stack, environment, [], { keepPlanFile: true }) });
    }
    const fingerprint = planFingerprint(plans);
    const reviewed = buildReview({
      deployment: deployment.name,
      plans: plans.map(({ stack, plan }) => redactStackPlan(stack, plan)),
      lookup: synthesized.lookup,
      fingerprint,
    });
    const decision = decideApply(
      options.reviewed,
      fingerprint,
      reviewed.stacks.flatMap((stack) => stack.provisional),
      plans.filter(({ plan }) => actingChanges(plan).length > 0).map(({ stack }) => stack),
    );
    if (!decision.apply) {
      say(`Not applied: ${decision.reason}.`);
      return decision.exitCode;
    }
    say(`The plans are the reviewed ones (${fingerprint}); applying ${decision.stacks.join(", ")}.`);
    for (const stack of synthesized.stacks.filter((s) => decision.stacks.includes(s.id))) {
      // A saved plan applies exactly what it says, and Terraform refuses it if the state moved since it was made.
      const result = await run("terraform", ["apply", "-input=false", "-no-color", savedPlanFile(stack)], {
        cwd: stack.directory,
        env: environment,
        echo: true,
      });
      if (result.code !== 0) throw terraformFailure(`terraform apply of ${stack.id}'s reviewed plan`, result);
    }
    say("Applied the reviewed plans.");
    return 0;
  } finally {
    for (const stack of synthesized.stacks) rmSync(savedPlanFile(stack), { force: true });
  }
}
