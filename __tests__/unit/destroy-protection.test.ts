// prod's data refuses destroy at plan time, and its key lives in prod-data, which a lab destroy never touches.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KeyLookup } from "../../constructs/encryption/key-lookup";
import { LabKey } from "../../constructs/encryption/lab-key";
import { stackFindings } from "../../constructs/policy/policy-aspect";
import { productionRefusesDestroy } from "../../constructs/policy/rules/production-refuses-destroy";
import { labNames } from "../../stacks/lab-names";
import { buildStacks, defined, keyArnRef, ref, resourcesOfType, shipped, variantDeployment } from "../helpers/synth";

/** Addresses of the first release's lab stacks (see state-addresses.test.ts). */
const RELEASED: Record<string, string[]> = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "lab-addresses-0.1.json"), "utf8"));

describe("prod-lab", () => {
  const { stacks, lab: synth, data: dataSynth, deployment } = shipped("prod");
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

  it("keeps no key of its own: a lab destroy cannot schedule the key's deletion", () => {
    expect(resourcesOfType(synth, "aws_kms_key")).toEqual({});
    expect(resourcesOfType(synth, "aws_kms_alias")).toEqual({});
  });

  it("finds the key by its alias, and every cluster encrypts storage and master secret with what the alias names", () => {
    const lookup = lab.encryptionKey;
    if (!(lookup instanceof KeyLookup)) throw new Error("prod-lab should look its key up by alias");
    expect(synth.data?.aws_kms_alias?.[lab.getLogicalId(lookup.alias)]).toMatchObject({ name: "alias/prod-lab" });
    for (const cluster of Object.values(resourcesOfType(synth, "aws_rds_cluster"))) {
      expect(cluster.kms_key_id).toBe(keyArnRef(lab));
      expect(cluster.master_user_secret_kms_key_id).toBe(keyArnRef(lab));
    }
  });

  it("deploys after prod-data, with no output or reference between the two", () => {
    const data = defined(stacks.data, "prod-data");
    expect(lab.dependencies).toContain(data);
    expect(stacks.all.indexOf(data)).toBeLessThan(stacks.all.indexOf(lab));
    expect(JSON.stringify(synth)).not.toContain("terraform_remote_state");
    expect(defined(dataSynth, "prod-data's JSON")).not.toHaveProperty("output");
  });
});

describe("prod-data", () => {
  const { stacks, data: dataSynth } = shipped("prod");
  const data = defined(stacks.data, "prod-data");
  const synth = defined(dataSynth, "prod-data's JSON");

  it("holds the key and its alias and nothing else", () => {
    expect(Object.keys(synth.resource ?? {}).sort()).toEqual(["aws_kms_alias", "aws_kms_key"]);
    expect(Object.keys(resourcesOfType(synth, "aws_kms_key"))).toHaveLength(1);
    expect(Object.keys(resourcesOfType(synth, "aws_kms_alias"))).toHaveLength(1);
  });

  it("gives the key prevent_destroy and the longest deletion window", () => {
    const key = resourcesOfType(synth, "aws_kms_key")[data.getLogicalId(data.encryptionKey.key)];
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.enable_key_rotation).toBe(true);
  });

  it("names the key by the alias prod-lab looks up", () => {
    const alias = resourcesOfType(synth, "aws_kms_alias")[data.getLogicalId(data.encryptionKey.alias)];
    expect(alias).toEqual(
      expect.objectContaining({
        name: labNames("prod").keyAlias,
        target_key_id: ref(data, data.encryptionKey.key, "aws_kms_key", "key_id"),
      }),
    );
  });

  it("keeps the addresses the key and alias had in prod-lab, so the move is a state mv of each address to itself", () => {
    const devLab = shipped("dev").stacks.lab;
    const devKey = devLab.encryptionKey;
    if (!(devKey instanceof LabKey)) throw new Error("dev-lab should create its key");
    expect(data.getLogicalId(data.encryptionKey.key)).toBe(devLab.getLogicalId(devKey.key));
    expect(data.getLogicalId(data.encryptionKey.alias)).toBe(devLab.getLogicalId(devKey.alias));
    // The addresses a prod deployed before the data stack holds in prod-lab's state.
    const addresses = Object.entries(synth.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    expect(RELEASED["prod-lab"]).toEqual(expect.arrayContaining(addresses));
  });
});

describe.each(["local", "dev"] as const)("%s-lab", (name) => {
  it("can be destroyed: neither its clusters nor its key carry prevent_destroy", () => {
    const synth = shipped(name).lab;
    for (const cluster of Object.values(resourcesOfType(synth, "aws_rds_cluster")))
      expect(cluster.lifecycle).not.toHaveProperty("prevent_destroy");
    for (const key of Object.values(resourcesOfType(synth, "aws_kms_key"))) expect(key).not.toHaveProperty("lifecycle");
  });

  it("keeps its key in the lab stack, with no data stack", () => {
    const { stacks, lab: synth } = shipped(name);
    expect(stacks.data).toBeUndefined();
    expect(stacks.all.map((stack) => stack.node.id)).not.toContain(`${name}-data`);
    expect(Object.keys(resourcesOfType(synth, "aws_kms_key"))).toEqual([stacks.lab.getLogicalId((stacks.lab.encryptionKey as LabKey).key)]);
    expect(synth.data?.aws_kms_alias).toBeUndefined();
  });
});

describe("the policy pack on prod's stacks (LAB-PROD3 across prod-lab and prod-data)", () => {
  const prod3 = (stacks: ReturnType<typeof buildStacks>) =>
    stacks.all.flatMap((stack) => stackFindings(stack, [productionRefusesDestroy]).map((finding) => `${finding.stack}: ${finding.path}`));

  it("finds nothing in prod as shipped", () => {
    expect(prod3(shipped("prod").stacks)).toEqual([]);
  });

  it("follows prod-lab's alias lookup to the key in prod-data when that key loses prevent_destroy", () => {
    const stacks = buildStacks(
      variantDeployment("prod", (file) => {
        file.encryption = { ...file.encryption, preventDestroy: false };
      }),
    );
    expect(prod3(stacks)).toEqual(["prod-data: prod-data/EncryptionKey/Resource"]);
  });
});
