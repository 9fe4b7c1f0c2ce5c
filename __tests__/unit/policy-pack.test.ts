// The policy pack at synth: the aspect fails synthesis on unsuppressed errors, suppressions need reasons, and the shipped deployments pass.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_RULES } from "../../constructs/policy/all-rules";
import { findingMessage, parseFindingMessage, statusOf } from "../../constructs/policy/finding";
import { applyPolicyPack, checkStack, stackFindings } from "../../constructs/policy/policy-aspect";
import { isProductionStack, markProduction } from "../../constructs/policy/production";
import type { TerraformJson } from "../../constructs/policy/synthesized-stack";
import { suppressPolicy } from "../../constructs/policy/suppressions";
import { errorOf, SHIPPED, shipped } from "../helpers/synth";

/** A stack with one log group that breaks LAB-LOG1 (no retention) and LAB-ENC2 (no key). */
function stackWithPlainLogGroup(tags: Record<string, string> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "policy-fixture");
  new AwsProvider(stack, "aws", { region: "eu-west-1", defaultTags: [{ tags }] });
  const owner = new Construct(stack, "Logs");
  const logGroup = new CloudwatchLogGroup(owner, "Resource", { name: "/lab/fixture" });
  return { app, stack, owner, logGroup };
}

interface ManifestAnnotation {
  constructPath: string;
  level: string;
  message: string;
}

function annotationsAfterFullSynth(stack: TerraformStack): ManifestAnnotation[] {
  const outdir = Testing.fullSynth(stack);
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { annotations: ManifestAnnotation[] }>;
  };
  return manifest.stacks[stack.node.id].annotations;
}

describe("the policy aspect", () => {
  it("fails synthesis on an unsuppressed error, naming the rule, the construct path and the fix", () => {
    const { app, stack } = stackWithPlainLogGroup();
    applyPolicyPack(app);
    const message = errorOf(() => Testing.fullSynth(stack));
    expect(message).toContain("[policy-fixture/Logs/Resource] [LAB-LOG1] error: Log retention set: retention_in_days is not set");
    expect(message).toContain("Fix: Set retention_in_days");
    expect(message).toContain("[policy-fixture/Logs/Resource] [LAB-ENC2] error:");
  });

  it("lets synthesis pass when every finding is suppressed, and reports each as info with its reason", () => {
    const { app, stack, owner } = stackWithPlainLogGroup();
    suppressPolicy(owner, "LAB-LOG1", "fixture: kept forever on purpose");
    suppressPolicy(owner, "LAB-ENC2", "fixture: no key on purpose");
    applyPolicyPack(app);
    const annotations = annotationsAfterFullSynth(stack).filter((annotation) => parseFindingMessage(annotation.message));
    expect(
      annotations.map(({ constructPath, level, message }) => [
        constructPath,
        level,
        parseFindingMessage(message)?.ruleId,
        message.split("Reason: ")[1],
      ]),
    ).toEqual([
      ["policy-fixture/Logs/Resource", "@cdktf/info", "LAB-ENC2", "fixture: no key on purpose"],
      ["policy-fixture/Logs/Resource", "@cdktf/info", "LAB-LOG1", "fixture: kept forever on purpose"],
    ]);
  });

  it("is applied to every stack the app holds when it is applied, including ones added after the deployments", () => {
    const { app } = stackWithPlainLogGroup();
    const later = new TerraformStack(app, "added-later");
    new AwsProvider(later, "aws", { region: "eu-west-1" });
    new CloudwatchLogGroup(later, "Logs", { name: "/lab/later", retentionInDays: 7 });
    applyPolicyPack(app);
    expect(errorOf(() => Testing.fullSynth(later))).toContain("[added-later/Logs] [LAB-ENC2] error:");
  });
});

describe("suppressions", () => {
  it("that cover no finding are reported as warnings, so they are deleted once the finding is fixed", () => {
    const { app, stack, owner } = stackWithPlainLogGroup();
    suppressPolicy(owner, "LAB-LOG1", "fixture: kept forever on purpose");
    suppressPolicy(owner, "LAB-ENC2", "fixture: no key on purpose");
    suppressPolicy(owner, "LAB-IMDS1", "fixture: there is no instance here");
    // A production rule's suppression is not unused in a stack where production rules do not apply.
    suppressPolicy(owner, "LAB-PROD1", "fixture: production only");
    applyPolicyPack(app);
    const annotations = annotationsAfterFullSynth(stack).filter(
      (annotation) => parseFindingMessage(annotation.message)?.status === "unused",
    );
    expect(annotations.map(({ constructPath, level, message }) => [constructPath, level, message])).toEqual([
      [
        "policy-fixture/Logs",
        "@cdktf/warn",
        "[LAB-IMDS1] unused: this suppression matches no finding in the stack; delete it (its reason: fixture: there is no instance here)",
      ],
    ]);
  });

  it("need a reason of at least 10 characters", () => {
    const { owner } = stackWithPlainLogGroup();
    expect(errorOf(() => suppressPolicy(owner, "LAB-LOG1", "  too short "))).toBe(
      'Policy suppression of LAB-LOG1 at policy-fixture/Logs needs a reason of at least 10 characters, got "  too short "; say why the finding is acceptable or what finding will fix it',
    );
  });

  it("name a rule of the pack", () => {
    const { owner } = stackWithPlainLogGroup();
    expect(errorOf(() => suppressPolicy(owner, "LAB-NOPE", "a reason long enough"))).toBe(
      "Policy suppression at policy-fixture/Logs: LAB-NOPE is not a rule of the policy pack (see docs/policy-pack.md)",
    );
  });

  it("can cover only the findings whose problem names a given text", () => {
    const { stack, owner } = stackWithPlainLogGroup();
    suppressPolicy(owner, "LAB-ENC2", "only the kms_key_id problem", { onlyWhere: "kms_key_id" });
    suppressPolicy(owner, "LAB-LOG1", "only a problem this log group does not have", { onlyWhere: "statement Other" });
    expect(stackFindings(stack).map((finding) => [finding.rule.id, statusOf(finding)])).toEqual([
      ["LAB-ENC2", "suppressed"],
      ["LAB-LOG1", "error"],
    ]);
    expect(errorOf(() => suppressPolicy(owner, "LAB-LOG1", "a reason long enough", { onlyWhere: " " }))).toBe(
      "Policy suppression of LAB-LOG1 at policy-fixture/Logs: onlyWhere is empty; name the text of the findings it covers, or leave it out",
    );
  });

  it("cover the construct and what it contains, for the named rule only", () => {
    const { stack, owner } = stackWithPlainLogGroup();
    suppressPolicy(owner, "LAB-LOG1", "covers the log group under Logs");
    const findings = stackFindings(stack);
    expect(findings.map((finding) => [finding.rule.id, statusOf(finding), finding.suppressedBecause])).toEqual([
      ["LAB-ENC2", "error", undefined],
      ["LAB-LOG1", "suppressed", "covers the log group under Logs"],
    ]);
  });
});

describe("production stacks", () => {
  const prodRules = (stack: TerraformStack) =>
    stackFindings(stack)
      .map((finding) => finding.rule.id)
      .filter((id) => id.startsWith("LAB-PROD"));

  it("are the ones whose default tags say Environment = prod, unless marked otherwise", () => {
    const clusterStack = (tags: Record<string, string>, mark?: boolean) => {
      const { stack } = stackWithPlainLogGroup(tags);
      new RdsCluster(stack, "Cluster", { clusterIdentifier: "fixture", engine: "aurora-postgresql", manageMasterUserPassword: true });
      if (mark !== undefined) markProduction(stack, mark);
      return stack;
    };
    const everyProductionRule = ["LAB-PROD1", "LAB-PROD2", "LAB-PROD3"];
    expect(prodRules(clusterStack({ Environment: "prod" }))).toEqual(everyProductionRule);
    expect(prodRules(clusterStack({ Environment: "Production" }))).toEqual(everyProductionRule);
    expect(prodRules(clusterStack({ Environment: "dev" }))).toEqual([]);
    expect(prodRules(clusterStack({ Environment: "dev" }, true))).toEqual(everyProductionRule);
    expect(prodRules(clusterStack({ Environment: "prod" }, false))).toEqual([]);
  });

  it("include the shipped prod deployment's stacks and no other shipped deployment's, and prod passes them", () => {
    const production = (name: (typeof SHIPPED)[number]) =>
      shipped(name).stacks.all.map((stack) => isProductionStack(stack, JSON.parse(Testing.synth(stack)) as TerraformJson));
    expect(production("prod").length).toBeGreaterThanOrEqual(2);
    expect(production("prod").every(Boolean)).toBe(true);
    expect(production("dev").some(Boolean)).toBe(false);
    expect(production("local").some(Boolean)).toBe(false);
    // prod's clusters and data key refuse destroy (finding 2), so the production rules find nothing there.
    const productionFindings = shipped("prod").stacks.all.flatMap((stack) => stackFindings(stack).filter((f) => f.rule.productionOnly));
    expect(productionFindings).toEqual([]);
  });
});

describe("the shipped deployments", () => {
  it.each(SHIPPED)("%s has no unsuppressed policy error or warning, and no suppression that covers nothing", (name) => {
    const checks = shipped(name).stacks.all.map((stack) => checkStack(stack));
    const unsuppressed = checks
      .flatMap((check) => check.findings)
      .filter((finding) => statusOf(finding) !== "suppressed")
      .map(findingMessage);
    expect(unsuppressed).toEqual([]);
    expect(checks.flatMap((check) => check.unusedSuppressions)).toEqual([]);
  });

  it("suppress only with reasons that say why, or which review finding will remove them", () => {
    const reasons = new Set(
      SHIPPED.flatMap((name) => shipped(name).stacks.all.flatMap((stack) => stackFindings(stack)))
        .filter((finding) => finding.suppressedBecause)
        .map((finding) => `${finding.rule.id}: ${finding.suppressedBecause}`),
    );
    expect([...reasons].sort()).toEqual([
      "LAB-IAM1: Lambda manages the function's VPC network interfaces with these actions under its execution role; AWS's AWSLambdaVPCAccessExecutionRole grants them on *",
    ]);
  });
});

describe("docs/policy-pack.md", () => {
  it("has a row for every rule, with its severity", () => {
    const docs = readFileSync(join(__dirname, "..", "..", "docs", "policy-pack.md"), "utf8");
    for (const rule of ALL_RULES) expect(docs).toContain(`| ${rule.id} | ${rule.severity} | ${rule.title}`);
  });
});

describe("finding messages", () => {
  it("read back as rule, status and text", () => {
    expect(parseFindingMessage("[LAB-DMS1] suppressed: DMS endpoints verify the database server: x (a.b). Reason: open: y")).toEqual({
      ruleId: "LAB-DMS1",
      status: "suppressed",
      text: "DMS endpoints verify the database server: x (a.b). Reason: open: y",
    });
    expect(parseFindingMessage("Found resources without a matching provider")).toBeUndefined();
  });
});
