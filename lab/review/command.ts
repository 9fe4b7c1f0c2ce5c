// `npm run lab -- review`: every stack's saved plan, reviewed by the lab's risk rules, written as Markdown (and JSON findings).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LOCAL_WORK_DIR, loadNamedDeployment } from "../runbook/context";
import { terraformEnvironment } from "../terraform-cli";
import { parseReviewArguments } from "./arguments";
import { findingsDocument } from "./findings-json";
import { planFingerprint } from "./fingerprint";
import { planningRuntime, planStack, synthesizeDeployment } from "./plan-deployment";
import { redactStackPlan } from "./redact";
import { buildReview } from "./review";
import type { PlanJson } from "./plan-json";
import { renderMarkdown } from "./render-markdown";
import { unplannedBecauseOfEarlier, type UnplannedStack } from "./unplanned";

/** Progress goes to stderr: stdout carries the report when no `--out` is given. */
const progress = (line: string) => process.stderr.write(`${line}\n`);

function write(file: string, text: string, what: string): void {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  progress(`${what} written to ${path} (${text.length.toLocaleString("en-US")} characters)`);
}

/**
 * Exit 0 once the report is written, whatever it found (the findings are the report's, not the
 * command's); an error (no emulator, a failed plan) is thrown with its explanation.
 */
export async function review(argv: readonly string[]): Promise<number> {
  const options = parseReviewArguments(argv);
  const deployment = loadNamedDeployment(options.deployment);
  const runtime = planningRuntime(deployment, "review");
  progress(`Synthesizing the '${deployment.name}' stacks...`);
  const synthesized = synthesizeDeployment(deployment, runtime, join(LOCAL_WORK_DIR, "review", deployment.name));
  const environment = terraformEnvironment();
  const plans: Array<{ stack: string; plan: PlanJson }> = [];
  const unplanned: UnplannedStack[] = [];
  for (const stack of synthesized.stacks) {
    progress(`Planning ${stack.id} (terraform plan -out, then show -json)...`);
    try {
      plans.push({ stack: stack.id, plan: await planStack(stack, environment) });
    } catch (error) {
      // A new deployment: a later stack looks up what an earlier one only plans to create.
      const waiting = unplanned.length
        ? { stack: stack.id, reason: `waits for ${unplanned[0].stack} too` }
        : unplannedBecauseOfEarlier(stack.id, plans, error);
      if (!waiting) throw error;
      progress(`${stack.id} not planned: ${waiting.reason}`);
      unplanned.push(waiting);
    }
  }
  const result = buildReview({
    deployment: deployment.name,
    plans: plans.map(({ stack, plan }) => redactStackPlan(stack, plan)),
    lookup: synthesized.lookup,
    fingerprint: planFingerprint(plans),
    unplanned,
  });
  const markdown = renderMarkdown(result, { limit: options.limit });
  if (options.out) write(options.out, markdown, "Review");
  else process.stdout.write(markdown);
  if (options.full) write(options.full, renderMarkdown(result, { level: "full" }), "Full review");
  if (options.json) write(options.json, `${JSON.stringify(findingsDocument(result), null, 2)}\n`, "Findings");
  progress(`${result.findings.length} finding(s); highest severity: ${result.highest ?? "none"}.`);
  return 0;
}
