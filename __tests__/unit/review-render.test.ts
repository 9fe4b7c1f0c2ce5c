// The Markdown report: banner, provisional mark, and how each detail level treats values and drift.
import { describe, expect, it } from "vitest";
import { redactStackPlan } from "../../lab/review/redact";
import { renderMarkdown } from "../../lab/review/render-markdown";
import { buildReview } from "../../lab/review/review";
import { planOf, resourceChange, reviewOf } from "../fixtures/review/synthetic-plan";

const alarm = (threshold: number) => ({ alarm_name: "local-cdc-latency", threshold });
const updatedAlarm = resourceChange("aws_cloudwatch_metric_alarm.Latency", ["update"], alarm(60), alarm(120));
const alarmDrift = resourceChange("aws_cloudwatch_metric_alarm.Latency", ["update"], alarm(30), alarm(60));

describe("the banner", () => {
  it("says there are no changes, no risk, or the worst severity with a tally", () => {
    expect(renderMarkdown(reviewOf([]))).toContain("> **No changes.** Every stack matches its configuration.");
    expect(renderMarkdown(reviewOf([updatedAlarm]))).toContain("> **No risk found** by the lab's rules.");
    const replaced = resourceChange("aws_lb_target_group.Tg", ["delete", "create"], { name: "tg" }, { name: "tg" });
    expect(renderMarkdown(reviewOf([replaced]))).toContain("> **Highest risk: MEDIUM**: 1 finding (1 medium).");
  });
});

describe("the provisional mark", () => {
  it("marks the migration stack when the lab's plan replaces a name it looks up, and says which", () => {
    const cluster = { cluster_identifier: "local-source" };
    const review = buildReview({
      deployment: "local",
      plans: [
        redactStackPlan("local-lab", planOf([resourceChange("aws_rds_cluster.Source", ["delete", "create"], cluster, cluster)])),
        redactStackPlan("local-migration", planOf([])),
      ],
      lookup: { labStack: "local-lab", migrationStack: "local-migration", names: ["local-source"] },
    });
    const markdown = renderMarkdown(review);
    expect(markdown).toContain("| `local-migration` (provisional) |");
    expect(markdown).toContain(
      "- local-lab plans a replace of local-source (aws_rds_cluster.Source), which the migration stack looks up by name",
    );
  });

  it("leaves it off for an in-place update of a looked-up resource", () => {
    const before = { cluster_identifier: "local-source", backup_retention_period: 1 };
    const review = buildReview({
      deployment: "local",
      plans: [
        redactStackPlan(
          "local-lab",
          planOf([resourceChange("aws_rds_cluster.Source", ["update"], before, { ...before, backup_retention_period: 7 })]),
        ),
        redactStackPlan("local-migration", planOf([])),
      ],
      lookup: { labStack: "local-lab", migrationStack: "local-migration", names: ["local-source"] },
    });
    expect(review.stacks[1].provisional).toEqual([]);
  });
});

describe("detail levels", () => {
  const review = buildReview({
    deployment: "local",
    plans: [redactStackPlan("local-lab", planOf([updatedAlarm], { resource_drift: [alarmDrift] }))],
  });

  it("shows values of changes and their drift in full", () => {
    const markdown = renderMarkdown(review, { level: "full" });
    expect(markdown).toContain("  - `threshold`: `60` → `120`");
    expect(markdown).toContain("  - `threshold`: `30` → `60`");
  });

  it("keeps only the paths of a change without a finding, and of its drift, at the paths level", () => {
    const markdown = renderMarkdown(review, { level: "paths" });
    expect(markdown).not.toContain("→");
    expect(markdown.match(/ {2}- changed: `threshold`/g)).toHaveLength(2);
  });

  it("counts a change without a finding, and leaves its drift out, at the flagged level", () => {
    const markdown = renderMarkdown(review, { level: "flagged" });
    expect(markdown).toContain("- 1 more change without a finding, left out for size");
    expect(markdown).not.toContain("Drift outside Terraform");
  });

  it("never drops drift that matters for the review when nothing is left out", () => {
    expect(renderMarkdown(review)).toContain("Drift outside Terraform on resources this plan changes");
  });

  it("ignores drift on a resource the plan does not change", () => {
    const unrelated = resourceChange("aws_sns_topic.Alarms", ["update"], { name: "a", tags: {} }, { name: "a", tags: { x: "y" } });
    const quiet = buildReview({
      deployment: "local",
      plans: [redactStackPlan("local-lab", planOf([updatedAlarm], { resource_drift: [unrelated] }))],
    });
    expect(quiet.stacks[0].drift).toEqual([]);
  });
});
