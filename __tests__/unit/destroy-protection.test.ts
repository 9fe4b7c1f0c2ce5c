// prod's data refuses destroy at plan time: its clusters and the key that encrypts their snapshots and secrets carry prevent_destroy.
import { describe, expect, it } from "vitest";
import { resourcesOfType, shipped } from "../helpers/synth";

describe("prod-lab", () => {
  const { stacks, lab: synth, deployment } = shipped("prod");
  const lab = stacks.lab;

  it("is configured to protect its data (encryption and both databases)", () => {
    expect([
      deployment.encryption.preventDestroy,
      deployment.databases.source.preventDestroy,
      deployment.databases.target.preventDestroy,
    ]).toEqual([true, true, true]);
  });

  it("gives both clusters prevent_destroy next to their engine-version floor", () => {
    for (const side of [lab.source, lab.target]) {
      const cluster = resourcesOfType(synth, "aws_rds_cluster")[lab.getLogicalId(side.database.cluster)];
      expect(cluster.lifecycle).toEqual({ ignore_changes: ["engine_version"], prevent_destroy: true });
      // Deletion protection stays too: it also guards against a delete outside Terraform.
      expect(cluster.deletion_protection).toBe(true);
    }
  });

  it("gives the key that encrypts storage, final snapshots and secrets prevent_destroy", () => {
    const key = resourcesOfType(synth, "aws_kms_key")[lab.getLogicalId(lab.encryptionKey.key)];
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(key.deletion_window_in_days).toBe(30);
  });
});

describe.each(["local", "dev"] as const)("%s-lab", (name) => {
  it("can be destroyed: neither its clusters nor its key carry prevent_destroy", () => {
    const synth = shipped(name).lab;
    for (const cluster of Object.values(resourcesOfType(synth, "aws_rds_cluster")))
      expect(cluster.lifecycle).not.toHaveProperty("prevent_destroy");
    for (const key of Object.values(resourcesOfType(synth, "aws_kms_key"))) expect(key).not.toHaveProperty("lifecycle");
  });
});
