// AuroraPostgres on synthesized JSON: encryption, managed password, CDC + TLS parameters, protection per deployment.
import { describe, expect, it } from "vitest";
import { buildStacks, keyArnRef, ref, resourcesOfType, shipped, synthesize, variantDeployment } from "../helpers/synth";

const dev = shipped("dev").stacks.lab;
const devSynth = shipped("dev").lab;
const prod = shipped("prod").stacks.lab;
const prodSynth = shipped("prod").lab;

describe("AuroraPostgres", () => {
  it("creates an encrypted Aurora PostgreSQL 16 cluster with an RDS-managed master password", () => {
    const cluster = resourcesOfType(devSynth, "aws_rds_cluster")[dev.getLogicalId(dev.source.database.cluster)];
    const key = keyArnRef(dev);
    expect(cluster).toMatchObject({
      cluster_identifier: "dev-source",
      engine: "aurora-postgresql",
      engine_mode: "provisioned",
      engine_version: expect.stringMatching(/^16\./),
      manage_master_user_password: true,
      master_user_secret_kms_key_id: key,
      storage_encrypted: true,
      kms_key_id: key,
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ["postgresql"],
      database_name: "demo_db",
      port: 5432,
      vpc_security_group_ids: [ref(dev, dev.source.database.connections.securityGroup, "aws_security_group", "id")],
    });
    expect(cluster).not.toHaveProperty("master_password");
  });

  it("puts the source in the on-prem VPC and the target in the target VPC", () => {
    const groups = resourcesOfType(devSynth, "aws_db_subnet_group");
    const sourceGroup = Object.values(groups).find((group) => group.name === "dev-source");
    const targetGroup = Object.values(groups).find((group) => group.name === "dev-target");
    expect(sourceGroup?.subnet_ids).toEqual(dev.onPremNetwork.privateSubnets.map((subnet) => ref(dev, subnet, "aws_subnet", "id")));
    expect(targetGroup?.subnet_ids).toEqual(dev.targetNetwork.privateSubnets.map((subnet) => ref(dev, subnet, "aws_subnet", "id")));
  });

  it("turns on logical replication (CDC) and forces TLS in the cluster parameter group", () => {
    const groups = Object.values(resourcesOfType(devSynth, "aws_rds_cluster_parameter_group"));
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      expect(group.family).toBe("aurora-postgresql16");
      expect(group.parameter).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: "rds.logical_replication", value: "1" }),
          expect.objectContaining({ name: "rds.force_ssl", value: "1" }),
        ]),
      );
    }
  });

  it("creates the configured number of private instances", () => {
    const devInstances = Object.values(resourcesOfType(devSynth, "aws_rds_cluster_instance"));
    expect(devInstances).toHaveLength(2);
    const prodInstances = Object.values(resourcesOfType(prodSynth, "aws_rds_cluster_instance"));
    expect(prodInstances).toHaveLength(4);
    expect(prodInstances.map((instance) => instance.identifier).sort()).toEqual([
      "prod-source-1",
      "prod-source-2",
      "prod-target-1",
      "prod-target-2",
    ]);
    for (const instance of [...devInstances, ...prodInstances]) expect(instance.publicly_accessible).toBe(false);
  });

  it("treats the engine version as a floor: the cluster ignores later upgrades, instances follow their cluster", () => {
    for (const synth of [devSynth, prodSynth]) {
      for (const cluster of Object.values(resourcesOfType(synth, "aws_rds_cluster"))) {
        expect(cluster.engine_version).toBe("16.8");
        expect((cluster.lifecycle as { ignore_changes?: string[] }).ignore_changes).toEqual(["engine_version"]);
      }
      for (const instance of Object.values(resourcesOfType(synth, "aws_rds_cluster_instance"))) {
        expect(instance).not.toHaveProperty("engine_version");
        expect(instance.auto_minor_version_upgrade).toBe(true);
      }
    }
  });

  it("applies changes at once in dev and in the maintenance window in prod, whatever the deletion protection", () => {
    const applied = (synth: typeof devSynth, type: string) =>
      Object.values(resourcesOfType(synth, type)).map((resource) => resource.apply_immediately);
    expect(applied(devSynth, "aws_rds_cluster")).toEqual([true, true]);
    expect(applied(devSynth, "aws_rds_cluster_instance")).toEqual([true, true]);
    expect(applied(prodSynth, "aws_rds_cluster")).toEqual([false, false]);
    expect(applied(prodSynth, "aws_rds_cluster_instance")).toEqual([false, false, false, false]);
    const protectedButImmediate = buildStacks(
      variantDeployment("dev", (file) => {
        file.databases = { source: { deletionProtection: true }, target: { deletionProtection: true, applyImmediately: false } };
      }),
    ).lab;
    const synth = synthesize(protectedButImmediate);
    const clusters = resourcesOfType(synth, "aws_rds_cluster");
    expect(clusters[protectedButImmediate.getLogicalId(protectedButImmediate.source.database.cluster)]).toMatchObject({
      deletion_protection: true,
      apply_immediately: true,
    });
    expect(clusters[protectedButImmediate.getLogicalId(protectedButImmediate.target.database.cluster)]).toMatchObject({
      deletion_protection: true,
      apply_immediately: false,
    });
  });

  it("keeps nothing on destroy in dev and protects prod", () => {
    const devCluster = resourcesOfType(devSynth, "aws_rds_cluster")[dev.getLogicalId(dev.target.database.cluster)];
    expect(devCluster).toMatchObject({ deletion_protection: false, skip_final_snapshot: true, backup_retention_period: 1 });
    expect(devCluster).not.toHaveProperty("final_snapshot_identifier");
    const prodCluster = resourcesOfType(prodSynth, "aws_rds_cluster")[prod.getLogicalId(prod.target.database.cluster)];
    expect(prodCluster).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "prod-target-final",
      backup_retention_period: 35,
    });
  });

  it("pre-creates the PostgreSQL log group, encrypted, with a retention, before the cluster", () => {
    const logGroup = resourcesOfType(devSynth, "aws_cloudwatch_log_group");
    const source = Object.entries(logGroup).find(([, group]) => group.name === "/aws/rds/cluster/dev-source/postgresql");
    expect(source?.[1]).toMatchObject({ retention_in_days: 7, kms_key_id: keyArnRef(dev) });
    const cluster = resourcesOfType(devSynth, "aws_rds_cluster")[dev.getLogicalId(dev.source.database.cluster)];
    expect(cluster.depends_on).toEqual([`aws_cloudwatch_log_group.${source?.[0]}`]);
  });

  it("admits PostgreSQL only from its own PrivateLink load balancer", () => {
    const rules = Object.values(resourcesOfType(devSynth, "aws_vpc_security_group_ingress_rule"));
    for (const [database, path] of [
      [dev.source.database, dev.source.privateLink],
      [dev.target.database, dev.target.privateLink],
    ] as const) {
      const groupId = ref(dev, database.connections.securityGroup, "aws_security_group", "id");
      expect(rules.filter((rule) => rule.security_group_id === groupId)).toEqual([
        expect.objectContaining({
          referenced_security_group_id: ref(dev, path.loadBalancerConnections.securityGroup, "aws_security_group", "id"),
          ip_protocol: "tcp",
          from_port: 5432,
          to_port: 5432,
          description: expect.stringContaining("nlb"),
        }),
      ]);
    }
  });
});
