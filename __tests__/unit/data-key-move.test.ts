// What scripts/move-data-key.ts does for each combination of the two states: move, nothing, or refuse with a reason.
import { describe, expect, it } from "vitest";
import { decideDataKeyMove } from "../../stacks/data-key-move";

const KEY = "aws_kms_key.EncryptionKey_1B843E66";
const ALIAS = "aws_kms_alias.EncryptionKey_Alias_9AFEB935";
const CLUSTER = "aws_rds_cluster.Source_Database_53862EF5";

describe("moving prod's key from prod-lab's state to prod-data's", () => {
  it("moves the key and alias when only the lab's state holds them", () => {
    expect(decideDataKeyMove("prod", [KEY, ALIAS], [CLUSTER, KEY, ALIAS], [])).toEqual({ kind: "move", addresses: [KEY, ALIAS] });
  });

  it("does nothing the second time: the data stack's state holds both and the lab's neither", () => {
    expect(decideDataKeyMove("prod", [KEY, ALIAS], [CLUSTER], [KEY, ALIAS, "data.aws_iam_policy_document.EncryptionKey_Policy_1"])).toEqual(
      {
        kind: "done",
        addresses: [KEY, ALIAS],
      },
    );
  });

  it("does nothing for a deployment that never held a key (the data stack creates it)", () => {
    expect(decideDataKeyMove("prod", [KEY, ALIAS], [], [])).toEqual({ kind: "nothing", addresses: [KEY, ALIAS] });
  });

  it("refuses when both states hold part of the key: the data stack may have created a second one", () => {
    const decision = decideDataKeyMove("prod", [KEY, ALIAS], [CLUSTER, KEY, ALIAS], [KEY]);
    expect(decision).toEqual({ kind: "refuse", reason: expect.stringContaining("both states hold part of the key") });
  });

  it("refuses when the data stack's state holds something it does not manage", () => {
    const decision = decideDataKeyMove("prod", [KEY, ALIAS], [KEY, ALIAS], [CLUSTER]);
    expect(decision).toEqual({ kind: "refuse", reason: `prod-data's state holds ${CLUSTER}, which prod-data does not manage` });
  });

  it("refuses when part of the key is in neither state", () => {
    const decision = decideDataKeyMove("prod", [KEY, ALIAS], [KEY], []);
    expect(decision).toEqual({ kind: "refuse", reason: expect.stringContaining(`${ALIAS} is in neither state`) });
  });

  it("refuses when the data stack synthesizes nothing", () => {
    expect(decideDataKeyMove("prod", [], [KEY], [])).toEqual({
      kind: "refuse",
      reason: "prod-data synthesizes no resource, so there is nothing to move",
    });
  });
});
