// Makes the review's golden fixtures: real Terraform plans of local-lab variants against the running local lab, trimmed, and their rendered Markdown.
//
// Run `npm start` first, then `npm run review:fixtures`. Each scenario synthesizes the `local`
// deployment (or a changed copy of variables/local.json), edits one stack's synthesized JSON where
// no deployment setting makes the change (a CIDR, a construct's id), plans every stack against the
// emulator's state and keeps what the review engine reads. Nothing is applied.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorProcess } from "../lab/emulator-process";
import { actingChanges } from "../lab/review/acting-changes";
import { planFingerprint } from "../lab/review/fingerprint";
import type { JsonValue } from "../lab/review/json-value";
import type { PlanJson, ResourceChangeJson } from "../lab/review/plan-json";
import { planStack, synthesizeDeployment, type SynthesizedDeployment } from "../lab/review/plan-deployment";
import { redactStackPlan } from "../lab/review/redact";
import { renderMarkdown } from "../lab/review/render-markdown";
import { buildReview } from "../lab/review/review";
import { LOCAL_WORK_DIR, VARIABLES_DIR } from "../lab/runbook/context";
import { terraformEnvironment } from "../lab/terraform-cli";
import { loadDeployment } from "../variables/load";
import { readRuntimeSettings, type RuntimeSettings } from "../variables/runtime";
import type { DeploymentFileInput } from "../variables/schema";

const FIXTURES = join(__dirname, "..", "__tests__", "fixtures", "review");

type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>>; [block: string]: unknown };

interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Changes the copy of variables/local.json. */
  readonly changeFile?: (file: DeploymentFileInput) => void;
  /** Edits a stack's synthesized cdk.tf.json (for changes no deployment setting makes). */
  readonly patchStack?: (stackId: string, json: StackJson) => void;
  /** Extra `terraform plan` options for a stack. */
  readonly planArguments?: (stackId: string, json: StackJson) => string[];
}

/** The logical id of the one resource of `type` whose attribute `key` (or tag Name) is `value`. */
function resourceNamed(json: StackJson, type: string, name: string): string {
  const entries = Object.entries(json.resource[type] ?? {});
  const found = entries.find(
    ([, body]) => body.cluster_identifier === name || (body.tags as Record<string, string> | undefined)?.Name === name,
  );
  if (!found) throw new Error(`no ${type} named ${name} in the synthesized stack`);
  return found[0];
}

const SCENARIOS: readonly Scenario[] = [
  { name: "no-change", description: "the deployed local lab, unchanged" },
  {
    name: "new-task",
    description: "a second replication task (demo_orders, full load) in migration.tasks",
    changeFile: (file) => {
      const tasks = (file.migration?.tasks ?? []) as unknown[];
      (file.migration as { tasks: unknown[] }).tasks = [
        ...tasks,
        {
          id: "dms-task-orders",
          migrationType: "full-load",
          tableMappings: [{ type: "selection", action: "include", name: "demo-orders", schema: "demo_schema", table: "demo_orders" }],
        },
      ];
    },
  },
  {
    name: "cluster-replaced",
    description: "the source cluster's master user renamed (master_username forces a new cluster)",
    changeFile: (file) => {
      (file.databases as { source: Record<string, unknown> }).source.masterUsername = "lab_owner";
    },
  },
  {
    name: "endpoint-service-replaced",
    description: "the source endpoint service replaced (`terraform plan -replace`)",
    planArguments: (stackId, json) =>
      stackId === "local-lab"
        ? [`-replace=aws_vpc_endpoint_service.${resourceNamed(json, "aws_vpc_endpoint_service", "local-source-service")}`]
        : [],
  },
  {
    name: "ingress-widened",
    description: "the DMS VPC's service-endpoint ingress rule widened from the VPC's CIDR to 0.0.0.0/0",
    patchStack: (stackId, json) => {
      if (stackId !== "local-lab") return;
      const rules = json.resource.aws_vpc_security_group_ingress_rule;
      const id = Object.keys(rules).find((key) => rules[key].cidr_ipv4 === "10.0.0.0/16");
      if (!id) throw new Error("no CIDR ingress rule to widen in local-lab");
      rules[id].cidr_ipv4 = "0.0.0.0/0";
    },
  },
  {
    name: "construct-moved",
    description: "the source cluster's construct renamed (a new logical id, the same cluster_identifier)",
    patchStack: (stackId, json) => {
      if (stackId !== "local-lab") return;
      const id = resourceNamed(json, "aws_rds_cluster", "local-source");
      const renamed = JSON.stringify(json).replaceAll(`aws_rds_cluster.${id}`, `aws_rds_cluster.SourceCluster_Database`);
      const moved = JSON.parse(renamed) as StackJson;
      moved.resource.aws_rds_cluster.SourceCluster_Database = moved.resource.aws_rds_cluster[id];
      delete moved.resource.aws_rds_cluster[id];
      // References live in data sources and outputs too.
      Object.assign(json, moved);
    },
  },
  {
    name: "db-url-flip",
    description: "migration.cutover.pointAppAt flipped to target",
    changeFile: (file) => {
      (file.migration as { cutover?: Record<string, unknown> }).cutover = { pointAppAt: "target" };
    },
  },
];

/** Keys the review names a resource by (physical-name.ts): kept in trimmed drift. */
const NAME_KEYS = [
  "identifier",
  "cluster_identifier",
  "replication_task_id",
  "replication_instance_id",
  "endpoint_id",
  "function_name",
  "name",
  "tags",
  "bucket",
];

/** A drift entry with only the attributes that drifted (and the resource's name): drift is read for its changed paths. */
function trimDrift(drift: ResourceChangeJson): ResourceChangeJson {
  const before = (drift.change.before ?? {}) as Record<string, JsonValue>;
  const after = (drift.change.after ?? {}) as Record<string, JsonValue>;
  const keep = Object.keys({ ...before, ...after }).filter(
    (key) => NAME_KEYS.includes(key) || JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null),
  );
  const pick = (values: Record<string, JsonValue>) =>
    Object.fromEntries(keep.filter((key) => key in values).map((key) => [key, values[key]]));
  return { ...drift, change: { ...drift.change, before: pick(before), after: pick(after) } };
}

/** What the review engine reads: managed changes that do something, the drift on them, output names. */
function trim(plan: PlanJson): PlanJson {
  const changes = actingChanges(plan);
  const addresses = new Set(changes.map((change) => change.address));
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    resource_changes: changes,
    resource_drift: (plan.resource_drift ?? []).filter((drift) => addresses.has(drift.address)).map(trimDrift),
    output_changes: Object.fromEntries(
      Object.entries(plan.output_changes ?? {}).map(([name, output]) => [name, { actions: output.actions }]),
    ),
  };
}

export interface ReviewFixture {
  readonly scenario: string;
  readonly description: string;
  readonly deployment: string;
  readonly lookup: SynthesizedDeployment["lookup"];
  readonly plans: readonly { readonly stack: string; readonly plan: PlanJson }[];
}

/** Writes the trimmed plans and their rendered Markdown; returns a line for the log. */
function writeFixture(fixture: ReviewFixture): string {
  const trimmed = { ...fixture, plans: fixture.plans.map(({ stack, plan }) => ({ stack, plan: trim(plan) })) };
  const fixtureText = `${JSON.stringify(trimmed, null, 1)}\n`;
  writeFileSync(join(FIXTURES, `${fixture.scenario}.plans.json`), fixtureText);
  const review = buildReview({
    deployment: fixture.deployment,
    plans: trimmed.plans.map(({ stack, plan }) => redactStackPlan(stack, plan)),
    lookup: fixture.lookup,
    fingerprint: planFingerprint(trimmed.plans),
  });
  const markdown = renderMarkdown(review);
  writeFileSync(join(FIXTURES, `${fixture.scenario}.md`), markdown);
  return `${fixture.scenario}: ${review.findings.length} finding(s), plan fixture ${fixtureText.length} characters, report ${markdown.length} characters`;
}

async function planScenario(scenario: Scenario, runtime: RuntimeSettings, environment: NodeJS.ProcessEnv): Promise<ReviewFixture> {
  const file = JSON.parse(readFileSync(join(VARIABLES_DIR, "local.json"), "utf8")) as DeploymentFileInput;
  scenario.changeFile?.(file);
  const variantPath = join(mkdtempSync(join(tmpdir(), "review-variant-")), "local.json");
  writeFileSync(variantPath, JSON.stringify(file));
  const synthesized = synthesizeDeployment(loadDeployment(variantPath), runtime, join(LOCAL_WORK_DIR, "review-fixtures", scenario.name));
  const plans = [];
  for (const stack of synthesized.stacks) {
    const jsonPath = join(stack.directory, "cdk.tf.json");
    const json = JSON.parse(readFileSync(jsonPath, "utf8")) as StackJson;
    scenario.patchStack?.(stack.id, json);
    writeFileSync(jsonPath, JSON.stringify(json, null, 2));
    plans.push({ stack: stack.id, plan: await planStack(stack, environment, scenario.planArguments?.(stack.id, json) ?? []) });
  }
  return { scenario: scenario.name, description: scenario.description, deployment: "local", lookup: synthesized.lookup, plans };
}

/** `[--render] [scenario...]`: `--render` re-trims and re-renders the committed fixtures without planning. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const renderOnly = argv.includes("--render");
  const wanted = argv.filter((argument) => argument !== "--render");
  const scenarios = SCENARIOS.filter((candidate) => wanted.length === 0 || wanted.includes(candidate.name));
  mkdirSync(FIXTURES, { recursive: true });
  if (renderOnly) {
    for (const scenario of scenarios) {
      const fixture = JSON.parse(readFileSync(join(FIXTURES, `${scenario.name}.plans.json`), "utf8")) as ReviewFixture;
      process.stdout.write(`${writeFixture(fixture)}\n`);
    }
    return;
  }
  const status = new EmulatorProcess(LOCAL_WORK_DIR).status();
  if (status.state !== "running") throw new Error("the local lab is not running: `npm start` first");
  const runtime = { ...readRuntimeSettings(), deploymentFilter: ["local"], emulatorUrl: status.record.url };
  const environment = terraformEnvironment();
  for (const scenario of scenarios) {
    const started = Date.now();
    const line = writeFixture(await planScenario(scenario, runtime, environment));
    process.stdout.write(`${line}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
