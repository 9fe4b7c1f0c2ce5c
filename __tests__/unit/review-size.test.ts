// Size: a plan with hundreds of changes renders under the comment limit by layering detail, and keeps every finding.
import { describe, expect, it } from "vitest";
import type { ResourceChangeJson } from "../../lab/review/plan-json";
import { COMMENT_LIMIT, renderMarkdown } from "../../lab/review/render-markdown";
import { reviewOf, resourceChange } from "../fixtures/review/synthetic-plan";

function bigPlan(findingPairs: number): ResourceChangeJson[] {
  const changes: ResourceChangeJson[] = [];
  // 600 low-risk updates, each with a dozen changed tags: tens of thousands of characters of detail.
  for (let index = 0; index < 600; index += 1) {
    const tags = (version: string) =>
      Object.fromEntries(Array.from({ length: 12 }, (_, tag) => [`team-tag-${tag}`, `value-${version}-${index}`]));
    changes.push(
      resourceChange(
        `aws_cloudwatch_metric_alarm.Alarm${index}`,
        ["update"],
        { alarm_name: `alarm-${index}`, tags: tags("a") },
        { alarm_name: `alarm-${index}`, tags: tags("b") },
      ),
    );
  }
  // Replaced clusters and widened ingress rules: two findings per pair.
  for (let index = 0; index < findingPairs; index += 1) {
    const cluster = { cluster_identifier: `cluster-${index}`, master_username: "a" };
    changes.push(
      resourceChange(
        `aws_rds_cluster.Cluster${index}`,
        ["delete", "create"],
        cluster,
        { ...cluster, master_username: "b" },
        { change: { replace_paths: [["master_username"]] }, entry: { action_reason: "replace_because_cannot_update" } },
      ),
    );
    changes.push(
      resourceChange(
        `aws_vpc_security_group_ingress_rule.Rule${index}`,
        ["update"],
        { cidr_ipv4: "10.0.0.0/16" },
        { cidr_ipv4: "0.0.0.0/0" },
      ),
    );
  }
  return changes;
}

describe("a plan with hundreds of changes and 160 findings", () => {
  const review = reviewOf(bigPlan(80));
  const comment = renderMarkdown(review);

  it("is more than a comment holds at full detail (so the layering is what makes it fit)", () => {
    expect(renderMarkdown(review, { level: "full" }).length).toBeGreaterThan(COMMENT_LIMIT * 3);
  });

  it(`renders under ${COMMENT_LIMIT} characters`, () => {
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).toContain("less than the full report");
  });

  it("keeps every finding, each with its address and rule id", () => {
    expect(review.findings).toHaveLength(160);
    review.findings.forEach((finding, index) => {
      expect(comment).toContain(`${index + 1}. **${finding.severity.toUpperCase()}** \`${finding.ruleId}\``);
      expect(comment).toContain(`\`${finding.address}\``);
    });
  });

  it("says that it left the per-resource detail out", () => {
    expect(comment).toContain("Per-resource detail of 760 changes left out for size");
  });
});

describe("a plan with hundreds of changes and a few findings", () => {
  const review = reviewOf(bigPlan(10));
  const comment = renderMarkdown(review);

  it("fits by leaving out the changes without a finding, keeping the flagged resources' detail", () => {
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).toContain("600 more changes without a finding, left out for size");
    expect(comment).toContain("- `aws_rds_cluster.Cluster3` (`cluster-3`): **replace**");
    expect(comment).toContain('  - `master_username`: `"a"` → `"b"`');
    expect(review.findings).toHaveLength(20);
  });
});
