// Golden: real Terraform plans of local-lab variants (made against the emulator by scripts/review-fixtures.ts) render as the committed Markdown.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findingsDocument } from "../../lab/review/findings-json";
import { planFingerprint } from "../../lab/review/fingerprint";
import { parsePlanJson } from "../../lab/review/plan-json";
import { redactStackPlan } from "../../lab/review/redact";
import { renderMarkdown } from "../../lab/review/render-markdown";
import { buildReview, type Review } from "../../lab/review/review";
import type { ReviewFixture } from "../../scripts/review-fixtures";

const FIXTURES = join(__dirname, "..", "fixtures", "review");

function reviewOfFixture(scenario: string): { review: Review; fixture: ReviewFixture; text: string } {
  const text = readFileSync(join(FIXTURES, `${scenario}.plans.json`), "utf8");
  const fixture = JSON.parse(text) as ReviewFixture;
  const plans = fixture.plans.map(({ stack, plan }) => redactStackPlan(stack, parsePlanJson(plan, `${scenario}/${stack}`)));
  const fingerprint = planFingerprint(fixture.plans);
  return { review: buildReview({ deployment: fixture.deployment, plans, lookup: fixture.lookup, fingerprint }), fixture, text };
}

/** What each scenario must show, besides matching its Markdown: the rules that fire (id and physical name), and the stacks marked provisional. */
const SCENARIOS: Record<string, { findings: string[]; provisional: string[] }> = {
  "no-change": { findings: [], provisional: [] },
  "new-task": { findings: [], provisional: [] },
  "cluster-replaced": { findings: ["LAB-DATA1 local-source", "LAB-DATA1 local-source-1"], provisional: ["local-migration"] },
  "endpoint-service-replaced": {
    findings: ["LAB-CONN1 local-source-service", "LAB-CONN1 local-source-endpoint"],
    provisional: ["local-migration"],
  },
  "ingress-widened": { findings: ["LAB-SEC1 null"], provisional: [] },
  "construct-moved": {
    findings: ["LAB-DATA1 local-source", "LAB-DATA1 local-source-1", "LAB-MOVE1 local-source"],
    provisional: ["local-migration"],
  },
  "db-url-flip": { findings: ["LAB-CUT1 /local/app/db_url"], provisional: [] },
};

describe.each(Object.keys(SCENARIOS))("the %s plan", (scenario) => {
  const { review, fixture, text } = reviewOfFixture(scenario);

  it("renders as the committed Markdown", () => {
    expect(renderMarkdown(review)).toBe(readFileSync(join(FIXTURES, `${scenario}.md`), "utf8"));
  });

  it("is a real plan of every local stack, kept small", () => {
    expect(fixture.plans.map((plan) => plan.stack)).toEqual(["local-account", "local-lab", "local-migration"]);
    expect(fixture.plans.every(({ plan }) => plan.terraform_version?.startsWith("1.11."))).toBe(true);
    expect(text.length).toBeLessThan(40_000);
  });

  it("fires the expected rules and marks the expected stacks provisional", () => {
    const expected = SCENARIOS[scenario];
    expect(
      findingsDocument(review)
        .findings.map((finding) => `${finding.ruleId} ${finding.resource.physicalName}`)
        .sort(),
    ).toEqual([...expected.findings].sort());
    expect(review.stacks.filter((stack) => stack.provisional.length > 0).map((stack) => stack.stack)).toEqual(expected.provisional);
  });
});

describe("the scenarios' counts", () => {
  const counts = (scenario: string, stack: string) =>
    reviewOfFixture(scenario).review.stacks.find((entry) => entry.stack === stack)?.counts;

  it("show no change when nothing changed", () => {
    for (const stack of ["local-account", "local-lab", "local-migration"]) {
      expect(Object.values(counts("no-change", stack) ?? {}).every((value) => value === 0)).toBe(true);
    }
  });

  it("count the replaced cluster and its instance as replacements, not as adds and destroys", () => {
    expect(counts("cluster-replaced", "local-lab")).toMatchObject({ add: 0, destroy: 0, replace: 2 });
  });

  it("count a new task as adds in the migration stack only", () => {
    expect(counts("new-task", "local-migration")?.add).toBeGreaterThan(0);
    expect(counts("new-task", "local-lab")).toMatchObject({ add: 0, change: 0, replace: 0, destroy: 0 });
  });
});
