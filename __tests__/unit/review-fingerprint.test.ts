// The reviewed plans' fingerprint: the same for the same changes planned again, different when anything the apply would do differs.
import { describe, expect, it } from "vitest";
import { planFingerprint } from "../../lab/review/fingerprint";
import { planOf, resourceChange } from "../fixtures/review/synthetic-plan";

const secret = (value: string) =>
  resourceChange(
    "aws_secretsmanager_secret_version.S",
    ["update"],
    { secret_string: "a" },
    { secret_string: value },
    {
      change: { before_sensitive: { secret_string: true }, after_sensitive: { secret_string: true } },
    },
  );
const cluster = (actions: string[]) =>
  resourceChange("aws_rds_cluster.C", actions, { cluster_identifier: "c" }, { cluster_identifier: "c" });
const fingerprint = (...changes: Parameters<typeof planOf>[0]) => planFingerprint([{ stack: "local-lab", plan: planOf(changes) }]);

describe("planFingerprint", () => {
  it("is a SHA-256 digest and nothing else", () => {
    expect(fingerprint(secret("CANARY-value"))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("ignores no-ops, drift and the Terraform version: planning the same change again gives the same fingerprint", () => {
    const unchanged = resourceChange("aws_s3_bucket.B", ["no-op"], { bucket: "b" }, { bucket: "b" });
    const again = planFingerprint([
      {
        stack: "local-lab",
        plan: planOf([cluster(["update"]), unchanged], { terraform_version: "1.11.5", resource_drift: [cluster(["update"])] }),
      },
    ]);
    expect(again).toBe(fingerprint(cluster(["update"])));
  });

  it("changes with an action, a sensitive value or the stack", () => {
    const base = fingerprint(cluster(["update"]), secret("one"));
    expect(fingerprint(cluster(["delete", "create"]), secret("one"))).not.toBe(base);
    expect(fingerprint(cluster(["update"]), secret("two"))).not.toBe(base);
    expect(planFingerprint([{ stack: "local-migration", plan: planOf([cluster(["update"]), secret("one")]) }])).not.toBe(base);
  });
});
