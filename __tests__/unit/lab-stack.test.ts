// The `<name>-lab` stack of every shipped deployment: what each must hold, and what none may hold.
import { describe, expect, it } from "vitest";
import {
  buildStacks,
  resourcesOfType,
  SHIPPED,
  shipped,
  shippedDeployment,
  synthesize,
  TEST_RUNTIME,
  type ShippedName,
  type SynthesizedStack,
} from "../helpers/synth";

const deployments = SHIPPED;
const synthesized = (name: ShippedName) => ({ stack: shipped(name).stacks.lab, synth: shipped(name).lab });

/** What each shipped file should put on every resource: the lab's own tags plus the file's `tags`. */
const EXPECTED_PROVIDER: Record<ShippedName, { region: string; tags: Record<string, string> }> = {
  local: { region: "us-east-1", tags: { Project: "dms-privatelink-lab", Deployment: "local", ManagedBy: "cdktf", Environment: "local" } },
  dev: { region: "us-east-1", tags: { Project: "dms-privatelink-lab", Deployment: "dev", ManagedBy: "cdktf", Environment: "dev" } },
  prod: {
    region: "eu-west-1",
    tags: {
      Project: "dms-privatelink-lab",
      Deployment: "prod",
      ManagedBy: "cdktf",
      Environment: "prod",
      DataClassification: "confidential",
    },
  },
};

/** Every physical name a resource declares (name, identifier, cluster_identifier, Name tag...). */
function physicalNames(synth: SynthesizedStack): string[] {
  const names: string[] = [];
  for (const [type, resources] of Object.entries(synth.resource ?? {})) {
    // Inline policy names live inside their role, not in the account.
    if (type === "aws_iam_role_policy") continue;
    for (const resource of Object.values(resources)) {
      for (const key of ["name", "identifier", "cluster_identifier", "replication_instance_id", "endpoint_id"]) {
        if (typeof resource[key] === "string" && !(resource[key] as string).startsWith("${")) names.push(resource[key] as string);
      }
      const tags = resource.tags as Record<string, string> | undefined;
      if (tags?.Name) names.push(tags.Name);
    }
  }
  return names;
}

describe.each(deployments)("%s-lab", (name) => {
  const { stack, synth } = synthesized(name);

  it("is named after its deployment", () => {
    expect(stack.node.id).toBe(`${name}-lab`);
  });

  it("has three VPCs and two encrypted Aurora PostgreSQL clusters with managed passwords", () => {
    expect(Object.keys(resourcesOfType(synth, "aws_vpc"))).toHaveLength(3);
    const clusters = Object.values(resourcesOfType(synth, "aws_rds_cluster"));
    expect(clusters).toHaveLength(2);
    for (const cluster of clusters) {
      expect(cluster).toMatchObject({ engine: "aurora-postgresql", storage_encrypted: true, manage_master_user_password: true });
    }
  });

  it("has the DMS VPC's interface endpoints", () => {
    const interfaces = Object.values(resourcesOfType(synth, "aws_vpc_endpoint")).filter(
      (endpoint) => endpoint.vpc_endpoint_type === "Interface" && String(endpoint.service_name).startsWith("com.amazonaws."),
    );
    // kms and logs serve the bastion's encrypted, logged sessions; every shipped deployment has a bastion.
    expect(interfaces.map((endpoint) => String(endpoint.service_name).split(".").pop()).sort()).toEqual([
      "dms",
      "kms",
      "logs",
      "secretsmanager",
      "ssm",
      "ssmmessages",
    ]);
  });

  it("admits no ingress from 0.0.0.0/0 or ::/0", () => {
    for (const rule of Object.values(resourcesOfType(synth, "aws_vpc_security_group_ingress_rule"))) {
      expect(rule.cidr_ipv4).not.toBe("0.0.0.0/0");
      expect(rule.cidr_ipv6).toBeUndefined();
    }
    for (const group of Object.values(resourcesOfType(synth, "aws_security_group"))) {
      expect(group.ingress).toBeUndefined();
    }
  });

  it("writes no password anywhere in the configuration", () => {
    const text = JSON.stringify(synth);
    expect(text).not.toMatch(/"(master_)?password"\s*:/);
    expect(text).not.toMatch(/"secret_string"\s*:/);
  });

  it("gives the deployment's KMS key rotation and an alias (in the lab, or in <name>-data when the deployment keeps it there)", () => {
    const keySynth = shipped(name).data ?? synth;
    expect(Object.values(resourcesOfType(keySynth, "aws_kms_key"))).toEqual([expect.objectContaining({ enable_key_rotation: true })]);
    expect(Object.values(resourcesOfType(keySynth, "aws_kms_alias"))).toEqual([expect.objectContaining({ name: `alias/${name}-lab` })]);
  });

  it("prefixes every physical name with the deployment name", () => {
    // Prefixes AWS fixes: aliases, the log groups RDS, Lambda and DMS (`dms-tasks-<instance id>`) write to.
    for (const physical of physicalNames(synth)) {
      expect(physical.replace(/^(alias\/|\/aws\/rds\/cluster\/|\/aws\/lambda\/|dms-tasks-)/, "")).toMatch(new RegExp(`^${name}[-/]`));
    }
  });

  it("configures the provider's region and default tags from the deployment", () => {
    const [provider] = synth.provider?.aws ?? [];
    expect(provider).toMatchObject({ region: EXPECTED_PROVIDER[name].region, default_tags: [{ tags: EXPECTED_PROVIDER[name].tags }] });
  });

  it("points the provider at the emulator only when the deployment names one", () => {
    const [provider] = synth.provider?.aws ?? [];
    if (name === "local") {
      const [endpoints] = provider.endpoints as Array<Record<string, string>>;
      expect(Object.values(endpoints).every((url) => url === "http://127.0.0.1:4566")).toBe(true);
      expect(endpoints).toHaveProperty("rds");
      expect(provider).toMatchObject({ skip_credentials_validation: true, access_key: "test" });
    } else {
      expect(provider).not.toHaveProperty("endpoints");
      expect(provider).not.toHaveProperty("access_key");
      expect(provider).not.toHaveProperty("secret_key");
    }
  });
});

describe("deployments side by side", () => {
  it("dev and prod share no physical name, so both fit in one account and region", () => {
    const devNames = new Set(physicalNames(synthesized("dev").synth));
    const shared = physicalNames(synthesized("prod").synth).filter((physical) => devNames.has(physical));
    expect(shared).toEqual([]);
  });

  it("dev and local keep state in a local file, prod in S3 with locking", () => {
    expect(synthesized("dev").synth.terraform?.backend).toEqual({ local: { path: `${TEST_RUNTIME.stateDir}/dev-lab.tfstate` } });
    expect(synthesized("prod").synth.terraform?.backend).toEqual({
      s3: {
        bucket: "dms-privatelink-lab-prod-tfstate",
        key: "dms-privatelink-lab/prod-lab.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it("LAB_EMULATOR_URL moves an emulator deployment, and only that", () => {
    const runtime = { ...TEST_RUNTIME, emulatorUrl: "http://127.0.0.1:50123" };
    const local = synthesize(buildStacks(shippedDeployment("local"), runtime).lab);
    expect(JSON.stringify(local.provider)).toContain("http://127.0.0.1:50123");
    const dev = synthesize(buildStacks(shippedDeployment("dev"), runtime).lab);
    expect(JSON.stringify(dev.provider)).not.toContain("127.0.0.1");
  });
});
