// WriterTargetSync on synthesized JSON: the function that keeps each NLB target group on its cluster's writer.
import type { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import type { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { Testing } from "cdktf";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabStack } from "../../stacks/lab-stack";
import {
  keyArnRef,
  type PolicyStatement,
  ref,
  referenced,
  resourcesOfType,
  SHIPPED,
  shipped,
  type SynthesizedStack,
} from "../helpers/synth";

const deployments = SHIPPED;
/** The region each shipped file names (literal: the expectation must not come from the code under test). */
const REGION = { local: "us-east-1", dev: "us-east-1", prod: "eu-west-1" } as const;

/** Statements of the inline policy attached to a role, read from its policy-document data source. */
function inlineStatements(synth: SynthesizedStack, roleId: string): PolicyStatement[] {
  const policies = Object.values(resourcesOfType(synth, "aws_iam_role_policy")).filter((policy) => policy.role === roleId);
  return policies.flatMap((policy) => referenced(synth, policy.policy).statement as PolicyStatement[]);
}

function dataRef(lab: LabStack) {
  const account = lab.node.findChild("Account") as DataAwsCallerIdentity;
  const partition = lab.node.findChild("Partition") as DataAwsPartition;
  return {
    accountId: ref(lab, account, "data.aws_caller_identity", "account_id"),
    partition: ref(lab, partition, "data.aws_partition", "partition"),
  };
}

function syncsOf(lab: LabStack) {
  return [
    { role: "source", sync: lab.source.writerSync, database: lab.source.database, path: lab.source.privateLink },
    { role: "target", sync: lab.target.writerSync, database: lab.target.database, path: lab.target.privateLink },
  ] as const;
}

describe.each(deployments)("writer-target sync of %s-lab", (name) => {
  const { stacks, lab: synth } = shipped(name);
  const lab = stacks.lab;
  const region = REGION[name];
  const functions = resourcesOfType(synth, "aws_lambda_function");
  const clusters = resourcesOfType(synth, "aws_rds_cluster");

  it("runs one nodejs22.x function per path, configured with its cluster, target group and port", () => {
    const writerSyncs = Object.values(functions).filter((fn) => String(fn.function_name).endsWith("-writer-sync"));
    expect(writerSyncs).toHaveLength(2);
    for (const { sync, database, path } of syncsOf(lab)) {
      const fn = functions[lab.getLogicalId(sync.function)];
      expect(fn).toMatchObject({
        runtime: "nodejs22.x",
        handler: "index.handler",
        role: ref(lab, sync.role, "aws_iam_role", "arn"),
      });
      const variables = (fn.environment as { variables: Record<string, string> }).variables;
      expect(variables).toMatchObject({
        CLUSTER_IDENTIFIER: clusters[lab.getLogicalId(database.cluster)].cluster_identifier,
        TARGET_GROUP_ARN: ref(lab, path.targetGroup, "aws_lb_target_group", "arn"),
        DB_PORT: "5432",
      });
      for (const instance of database.instances) {
        expect(variables.INSTANCE_IDENTIFIERS).toContain(`aws_rds_cluster_instance.${lab.getLogicalId(instance)}.identifier`);
      }
    }
  });

  it("logs to a KMS-encrypted log group with a retention, created before the function", () => {
    for (const { sync } of syncsOf(lab)) {
      const fn = functions[lab.getLogicalId(sync.function)];
      const logGroupName = (fn.logging_config as { log_group: string }).log_group;
      const logGroup = referenced(synth, logGroupName);
      expect(logGroup).toMatchObject({
        kms_key_id: keyArnRef(lab),
        retention_in_days: expect.any(Number),
      });
      expect(fn.depends_on).toEqual([logGroupName.replace(/^\$\{(.*)\.name\}$/, "$1")]);
    }
  });

  it("is triggered by its cluster's RDS events and a schedule, each rule with a target and a permission scoped to it", () => {
    const targets = Object.values(resourcesOfType(synth, "aws_cloudwatch_event_target"));
    const permissions = Object.values(resourcesOfType(synth, "aws_lambda_permission"));
    for (const { sync, database } of syncsOf(lab)) {
      const functionArn = ref(lab, sync.function, "aws_lambda_function", "arn");
      const functionName = ref(lab, sync.function, "aws_lambda_function", "function_name");
      const ownTargets = targets.filter((target) => target.arn === functionArn);
      expect(ownTargets).toHaveLength(2);
      const rules = ownTargets.map((target) => referenced(synth, target.rule));

      const eventRule = rules.find((rule) => rule.event_pattern !== undefined);
      const pattern = String(eventRule?.event_pattern);
      expect(pattern).toContain('"source" = ["aws.rds"]');
      expect(pattern).toContain('"detail-type" = ["RDS DB Cluster Event", "RDS DB Instance Event"]');
      const sourceArns = [
        `aws_rds_cluster.${lab.getLogicalId(database.cluster)}.arn`,
        ...database.instances.map((instance) => `aws_rds_cluster_instance.${lab.getLogicalId(instance)}.arn`),
      ];
      expect(pattern).toContain(`"resources" = [${sourceArns.join(", ")}]`);
      expect(rules.find((rule) => rule.schedule_expression !== undefined)?.schedule_expression).toMatch(/^rate\(\d+ minutes?\)$/);

      const ruleArns = ownTargets.map((target) => String(target.rule).replace(/\.name\}$/, ".arn}"));
      const ownPermissions = permissions.filter((permission) => permission.function_name === functionName);
      expect(ownPermissions.map((permission) => permission.source_arn).sort()).toEqual(ruleArns.sort());
      for (const permission of ownPermissions) {
        expect(permission).toMatchObject({ action: "lambda:InvokeFunction", principal: "events.amazonaws.com" });
      }
    }
  });

  it("is invoked once per deploy, after the cluster's instances and the listener exist", () => {
    const invocations = Object.values(resourcesOfType(synth, "aws_lambda_invocation"));
    expect(invocations).toHaveLength(2);
    for (const { sync, database, path } of syncsOf(lab)) {
      const invocation = invocations.find(
        (candidate) => candidate.function_name === ref(lab, sync.function, "aws_lambda_function", "function_name"),
      );
      expect(invocation?.depends_on).toEqual(
        expect.arrayContaining([
          ...database.instances.map((instance) => `aws_rds_cluster_instance.${lab.getLogicalId(instance)}`),
          `aws_lb_listener.${lab.getLogicalId(path.listener)}`,
        ]),
      );
    }
  });

  it("may change only its own target group and read only its own cluster", () => {
    const { accountId, partition } = dataRef(lab);
    for (const { sync, database, path } of syncsOf(lab)) {
      const statements = inlineStatements(synth, ref(lab, sync.role, "aws_iam_role", "id"));
      const granting = (action: string) => statements.filter((statement) => statement.actions?.includes(action));

      const targetGroupArn = ref(lab, path.targetGroup, "aws_lb_target_group", "arn");
      for (const action of ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]) {
        expect(granting(action).flatMap((statement) => statement.resources)).toEqual([targetGroupArn]);
      }
      const clusterIdentifier = clusters[lab.getLogicalId(database.cluster)].cluster_identifier;
      expect(granting("rds:DescribeDBClusters").flatMap((statement) => statement.resources)).toEqual([
        `arn:${partition}:rds:${region}:${accountId}:cluster:${clusterIdentifier}`,
      ]);
      expect(statements.flatMap((statement) => statement.actions)).not.toContain("*");
    }
  });

  it("is assumed by Lambda only, acting for this account", () => {
    const roles = resourcesOfType(synth, "aws_iam_role");
    const { accountId } = dataRef(lab);
    for (const { sync } of syncsOf(lab)) {
      const trust = referenced(synth, roles[lab.getLogicalId(sync.role)].assume_role_policy);
      expect(trust.statement).toEqual([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ]);
    }
  });

  it("ships its code as a zip asset both functions share, written next to the stack on synthesis", () => {
    const [source, target] = syncsOf(lab).map(({ sync }) => functions[lab.getLogicalId(sync.function)]);
    expect(source.filename).toBe(target.filename);
    expect(source.source_code_hash).toBe(target.source_code_hash);

    const outdir = Testing.fullSynth(lab);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    const stackDir = join(outdir, manifest.stacks[lab.node.id].synthesizedStackPath, "..");
    const archive = join(stackDir, String(source.filename));
    expect(existsSync(archive)).toBe(true);
    const bytes = readFileSync(archive);
    // A zip starts with a local file header (PK\3\4) and names its entries in clear text.
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(bytes.includes("index.js")).toBe(true);
  });
});
