// The review's change counts and action kinds: a replacement is one replacement, in either order Terraform writes it.
import { describe, expect, it } from "vitest";
import { changeKind } from "../../lab/review/change-kind";
import { countChanges, countsLine } from "../../lab/review/counts";
import { redactStackPlan } from "../../lab/review/redact";
import { planOf, resourceChange } from "../fixtures/review/synthetic-plan";

const counted = (...changes: Parameters<typeof planOf>[0]) => countChanges(redactStackPlan("local-lab", planOf(changes)).changes);

describe("changeKind", () => {
  it.each([
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["no-op"], "no-op"],
    [["read"], "read"],
  ])("%j is %s", (actions, kind) => {
    expect(changeKind(actions)).toBe(kind);
  });

  it("refuses an action list it does not know instead of guessing from the first action", () => {
    expect(() => changeKind(["delete", "update"])).toThrow(/unknown Terraform action list \[delete, update\]/);
  });
});

describe("countChanges", () => {
  it("counts a destroy-then-create and a create-before-destroy as one replacement each, never as an add or a destroy", () => {
    const counts = counted(
      resourceChange("aws_rds_cluster.a", ["delete", "create"], { cluster_identifier: "a" }, { cluster_identifier: "a" }),
      resourceChange("aws_lb_target_group.b", ["create", "delete"], { name: "b" }, { name: "b" }),
    );
    expect(counts).toMatchObject({ add: 0, destroy: 0, replace: 2 });
  });

  it("counts adds, changes, destroys, moves and imports apart, and ignores data sources and no-ops", () => {
    const counts = counted(
      resourceChange("aws_s3_bucket.new", ["create"], null, { bucket: "n" }),
      resourceChange("aws_s3_bucket.changed", ["update"], { bucket: "c", tags: {} }, { bucket: "c", tags: { a: "b" } }),
      resourceChange("aws_s3_bucket.gone", ["delete"], { bucket: "g" }, null),
      resourceChange(
        "aws_s3_bucket.moved",
        ["no-op"],
        { bucket: "m" },
        { bucket: "m" },
        { entry: { previous_address: "aws_s3_bucket.old" } },
      ),
      resourceChange("aws_s3_bucket.imported", ["no-op"], { bucket: "i" }, { bucket: "i" }, { change: { importing: { id: "i" } } }),
      resourceChange("aws_s3_bucket.same", ["no-op"], { bucket: "s" }, { bucket: "s" }),
      { ...resourceChange("data.aws_vpc.x", ["read"], null, {}), mode: "data" as const, type: "aws_vpc" },
    );
    expect(counts).toEqual({ add: 1, change: 1, replace: 0, destroy: 1, move: 1, import: 1, forget: 0 });
    expect(countsLine(counts)).toBe("1 to add, 1 to change, 0 to replace, 1 to destroy, 1 moved, 1 imported");
  });
});
