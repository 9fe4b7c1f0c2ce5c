// docs/plan-review.md stays true: its example is the renderer's real output for a golden fixture, and its table lists every rule as the code explains it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RISK_RULES } from "../../lab/review/rules";
import { PROJECT_ROOT } from "../../variables/runtime";

const doc = readFileSync(join(PROJECT_ROOT, "docs", "plan-review.md"), "utf8");

describe("docs/plan-review.md", () => {
  it("shows the db-url-flip fixture's rendered Markdown, unedited", () => {
    const example = /<!-- example: db-url-flip -->\n````markdown\n([\s\S]*?)````\n<!-- end of example -->/.exec(doc)?.[1];
    expect(example).toBe(readFileSync(join(PROJECT_ROOT, "__tests__", "fixtures", "review", "db-url-flip.md"), "utf8"));
  });

  it.each(RISK_RULES.map((rule) => [rule.id, rule]))("lists %s with its category, severity and explanation", (_id, rule) => {
    expect(doc).toContain(`| \`${rule.id}\` | ${rule.category} | ${rule.severity} | ${rule.explanation} |`);
  });
});
