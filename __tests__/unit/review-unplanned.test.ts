// A new deployment: a stack that looks up what an earlier stack only plans to create is reported as not planned yet.
import { describe, expect, it } from "vitest";
import { redactStackPlan } from "../../lab/review/redact";
import { renderMarkdown } from "../../lab/review/render-markdown";
import { buildReview } from "../../lab/review/review";
import { unplannedBecauseOfEarlier } from "../../lab/review/unplanned";
import { planOf, resourceChange } from "../fixtures/review/synthetic-plan";

const key = { description: "prod data key" };
const creatingData = { stack: "prod-data", plan: planOf([resourceChange("aws_kms_key.EncryptionKey", ["create"], null, key)]) };
const failure = new Error(
  "terraform plan of prod-lab failed (exit 1):\n╷\n│ Error: reading KMS Alias (alias/prod-lab): couldn't find resource\n│\n│   with data.aws_kms_alias.Key,",
);

describe("a stack that cannot be planned before an earlier one is applied", () => {
  it("is explained by the earlier stack that creates, with Terraform's error line and nothing else", () => {
    expect(unplannedBecauseOfEarlier("prod-lab", [creatingData], failure)).toEqual({
      stack: "prod-lab",
      reason: "cannot be planned before prod-data is applied (Error: reading KMS Alias (alias/prod-lab): couldn't find resource)",
    });
  });

  it("is a real error when no earlier stack creates anything", () => {
    const unchanged = { stack: "prod-data", plan: planOf([resourceChange("aws_kms_key.EncryptionKey", ["no-op"], key, key)]) };
    expect(unplannedBecauseOfEarlier("prod-lab", [unchanged], failure)).toBeUndefined();
    expect(unplannedBecauseOfEarlier("prod-account", [], failure)).toBeUndefined();
  });

  it("shows in the header and in a section of its own", () => {
    const review = buildReview({
      deployment: "prod",
      plans: [redactStackPlan(creatingData.stack, creatingData.plan)],
      unplanned: [
        { stack: "prod-lab", reason: "cannot be planned before prod-data is applied (Error: not found)" },
        { stack: "prod-migration", reason: "waits for prod-lab too" },
      ],
    });
    const markdown = renderMarkdown(review);
    expect(markdown).toContain("| `prod-lab` | not planned: cannot be planned before prod-data is applied (Error: not found) |");
    expect(markdown).toContain("**2 stacks were not planned yet** and are not in it (below).");
    expect(markdown).toContain("### Not planned yet");
    expect(markdown).toContain("- `prod-migration` waits for prod-lab too");
  });
});
