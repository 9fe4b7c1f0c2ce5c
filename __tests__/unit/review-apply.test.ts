// `lab apply --reviewed`: applies only the plan a review approved.
import { describe, expect, it } from "vitest";
import { parseApplyArguments } from "../../lab/review/apply-command";
import { decideApply } from "../../lab/review/apply-decision";
import { UsageError } from "../../lab/runbook/context";

const REVIEWED = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;

describe("decideApply", () => {
  it("applies the stacks that change when the plans are exactly the reviewed ones", () => {
    expect(decideApply(REVIEWED, REVIEWED, [], ["local-migration"])).toEqual({ apply: true, stacks: ["local-migration"] });
  });

  it("refuses plans that differ from the reviewed ones, naming both fingerprints", () => {
    const decision = decideApply(REVIEWED, OTHER, [], ["local-lab"]);
    expect(decision).toMatchObject({ apply: false, exitCode: 1 });
    expect(decision.apply === false && decision.reason).toContain(`reviewed ${REVIEWED}, now ${OTHER}`);
  });

  it("refuses a provisional migration plan even when it is the reviewed one", () => {
    expect(decideApply(REVIEWED, REVIEWED, ["local-lab replaces local-source-endpoint"], ["local-lab", "local-migration"])).toMatchObject({
      apply: false,
      exitCode: 1,
      reason: expect.stringContaining("provisional (local-lab replaces local-source-endpoint)"),
    });
  });

  it("has nothing to do when the reviewed plans change nothing", () => {
    expect(decideApply(REVIEWED, REVIEWED, [], [])).toMatchObject({ apply: false, exitCode: 0 });
  });
});

describe("parseApplyArguments", () => {
  it("needs the reviewed fingerprint, in the form the report prints it", () => {
    expect(parseApplyArguments(["--reviewed", REVIEWED, "--deployment=dev"])).toEqual({ deployment: "dev", reviewed: REVIEWED });
    expect(() => parseApplyArguments([])).toThrow(UsageError);
    expect(() => parseApplyArguments(["--reviewed", "sha256:abc"])).toThrow(/apply needs --reviewed sha256:<64 hex digits>/);
    expect(() => parseApplyArguments(["--reviewed", REVIEWED, "--force"])).toThrow('unknown option "--force" for apply');
  });
});
