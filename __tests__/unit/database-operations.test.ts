// DatabaseOperations on synthesized JSON: the db-ops function in the DMS VPC, what it may touch, and the DMS secrets' rotation.
import { describe, expect, it } from "vitest";
import { DatabaseOperations, DMS_USERS } from "../../constructs/operations/database-operations";
import { SOURCE_CDC_SETTINGS } from "../../constructs/dms/database-endpoint";
import { migratedSchemas } from "../../variables/migrated-schemas";
import {
  errorOf,
  ref,
  referenced,
  resourcesOfType,
  SHIPPED,
  shipped,
  variantDeployment,
  buildStacks,
  type PolicyStatement,
} from "../helpers/synth";

describe.each(SHIPPED)("database operations of %s-lab", (name) => {
  const { stacks, lab: synth } = shipped(name);
  const lab = stacks.lab;
  const ops = lab.databaseOperations;
  const fn = resourcesOfType(synth, "aws_lambda_function")[lab.getLogicalId(ops.function)];

  it("runs in the DMS VPC's subnets with a security group of its own, reaching both interface endpoints on 5432", () => {
    expect(fn).toMatchObject({ function_name: `${name}-db-ops`, runtime: "nodejs22.x", handler: "index.handler", timeout: 300 });
    expect(fn.vpc_config).toEqual({
      subnet_ids: lab.dmsNetwork.privateSubnets.map((subnet) => ref(lab, subnet, "aws_subnet", "id")),
      security_group_ids: [ref(lab, ops.connections.securityGroup, "aws_security_group", "id")],
    });
    const opsGroup = ref(lab, ops.connections.securityGroup, "aws_security_group", "id");
    const egress = Object.values(resourcesOfType(synth, "aws_vpc_security_group_egress_rule")).filter(
      (rule) => rule.security_group_id === opsGroup,
    );
    const peers = egress.map((rule) => `${String(rule.referenced_security_group_id)}:${String(rule.from_port)}`).sort();
    expect(peers).toEqual(
      [
        `${ref(lab, lab.source.privateLink.connections.securityGroup, "aws_security_group", "id")}:5432`,
        `${ref(lab, lab.target.privateLink.connections.securityGroup, "aws_security_group", "id")}:5432`,
        `${ref(lab, lab.dmsServiceEndpoints.connections.securityGroup, "aws_security_group", "id")}:443`,
      ].sort(),
    );
  });

  it("is configured with the cluster endpoints (the names on the servers' certificates), the secrets' ARNs and the dedicated users, and no credential", () => {
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    expect(variables).toEqual({
      SOURCE_HOST: ref(lab, lab.source.database.cluster, "aws_rds_cluster", "endpoint"),
      TARGET_HOST: ref(lab, lab.target.database.cluster, "aws_rds_cluster", "endpoint"),
      DB_PORT: "5432",
      SOURCE_DATABASE: "demo_db",
      TARGET_DATABASE: "demo_db",
      SOURCE_MASTER_SECRET_ARN: expect.stringContaining("aws_rds_cluster."),
      TARGET_MASTER_SECRET_ARN: expect.stringContaining("aws_rds_cluster."),
      SOURCE_DMS_SECRET_ARN: ref(lab, lab.source.secret.secret, "aws_secretsmanager_secret", "arn"),
      TARGET_DMS_SECRET_ARN: ref(lab, lab.target.secret.secret, "aws_secretsmanager_secret", "arn"),
      SOURCE_DMS_USER: DMS_USERS.source,
      TARGET_DMS_USER: DMS_USERS.target,
      MIGRATED_SCHEMAS: migratedSchemas(stacks.lab.deployment).join(","),
    });
    expect(JSON.stringify(variables)).not.toMatch(/password/i);
  });

  it("may read the master secrets, rotate only the two DMS secrets, and use the key only through Secrets Manager", () => {
    const policy = Object.values(resourcesOfType(synth, "aws_iam_role_policy")).find(
      (p) => p.role === ref(lab, ops.role, "aws_iam_role", "id"),
    );
    const statements = referenced(synth, policy?.policy).statement as PolicyStatement[];
    const bySid = Object.fromEntries(statements.map((statement) => [statement.sid, statement]));
    expect(bySid.ReadMasterSecrets).toMatchObject({ actions: ["secretsmanager:GetSecretValue"] });
    expect(bySid.RotateDmsSecrets.resources).toEqual([
      ref(lab, lab.source.secret.secret, "aws_secretsmanager_secret", "arn"),
      ref(lab, lab.target.secret.secret, "aws_secretsmanager_secret", "arn"),
    ]);
    expect(bySid.RotateDmsSecrets.actions).not.toContain("secretsmanager:*");
    expect(bySid.UseTheLabKeyThroughSecretsManager.condition).toEqual([
      expect.objectContaining({ test: "StringEquals", variable: "kms:ViaService" }),
    ]);
    // Only the actions that support no resource-level permission name "*".
    const wildcards = statements.filter((statement) => statement.resources?.includes("*")).flatMap((statement) => statement.actions ?? []);
    expect(wildcards.sort()).toEqual(
      [
        "ec2:AssignPrivateIpAddresses",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:UnassignPrivateIpAddresses",
        "secretsmanager:GetRandomPassword",
      ].sort(),
    );
  });

  it("rotates each DMS secret on the deployment's schedule, first at deploy once the path to its database is whole", () => {
    const rotations = resourcesOfType(synth, "aws_secretsmanager_secret_rotation");
    expect(Object.keys(rotations)).toHaveLength(2);
    for (const side of [lab.source, lab.target]) {
      const rotation = Object.entries(rotations).find(
        ([, r]) => r.secret_id === ref(lab, side.secret.secret, "aws_secretsmanager_secret", "arn"),
      );
      expect(rotation?.[1]).toMatchObject({
        rotation_lambda_arn: ref(lab, ops.function, "aws_lambda_function", "arn"),
        rotation_rules: { automatically_after_days: stacks.lab.deployment.secrets.rotationDays },
      });
      expect(rotation?.[1].depends_on).toEqual(
        expect.arrayContaining([`aws_lambda_invocation.${lab.getLogicalId(side.writerSync.initialSync)}`]),
      );
    }
    const permission = Object.values(resourcesOfType(synth, "aws_lambda_permission")).find(
      (p) => p.principal === "secretsmanager.amazonaws.com",
    );
    expect(permission).toMatchObject({ action: "lambda:InvokeFunction", source_account: expect.stringContaining("account_id") });
  });

  it("leaves the bastion the DMS secrets to read, and never the master secrets", () => {
    if (!lab.bastion) return;
    const masterArn = ref(lab, lab.source.database.cluster, "aws_rds_cluster", "master_user_secret");
    const bastionPolicy = Object.entries(synth.data?.aws_iam_policy_document ?? {}).find(([id]) =>
      id.includes("Bastion_RunbookPermissions"),
    );
    expect(bastionPolicy).toBeDefined();
    expect(JSON.stringify(bastionPolicy?.[1])).not.toContain(masterArn.replace(/}$/, ""));
    expect(JSON.stringify(bastionPolicy?.[1])).not.toContain("secretsmanager:PutSecretValue");
  });

  it("captures changes on the source with test_decoding and a heartbeat, DDL capture off", () => {
    const endpoints = resourcesOfType(synth, "aws_dms_endpoint");
    expect(endpoints[lab.getLogicalId(lab.source.endpoint.endpoint)].postgres_settings).toEqual({
      plugin_name: SOURCE_CDC_SETTINGS.pluginName,
      heartbeat_enable: true,
      heartbeat_schema: "dms_heartbeat",
      heartbeat_frequency: 5,
      capture_ddls: false,
    });
    expect(endpoints[lab.getLogicalId(lab.target.endpoint.endpoint)]).not.toHaveProperty("postgres_settings");
  });
});

describe("migratedSchemas", () => {
  it("grants the schemas the include rules name, and the demo schema when none does", () => {
    expect(migratedSchemas(shipped("local").stacks.lab.deployment)).toEqual(["demo_schema"]);
    const noTasks = variantDeployment("dev", (file) => {
      file.migration = { tasks: [] };
    });
    expect(migratedSchemas(noTasks)).toEqual(["demo_schema"]);
    const several = variantDeployment("dev", (file) => {
      file.migration = {
        tasks: [
          {
            id: "t",
            migrationType: "full-load",
            tableMappings: [
              { type: "selection", action: "include", schema: "sales", table: "%" },
              { type: "selection", action: "include", schema: "sales_eu", table: "%" },
              { type: "selection", action: "include", schema: "[ab]rchive", table: "%" },
              { type: "selection", action: "include", schema: "hr%", table: "%" },
              { type: "selection", action: "exclude", schema: "audit", table: "%" },
              { type: "selection", action: "explicit", schema: "billing", table: "invoices" },
            ],
          },
        ],
      };
    });
    expect(migratedSchemas(several)).toEqual(["billing", "sales", "sales_eu"]);
  });

  it("refuses to build the function with no schema to grant", () => {
    const lab = buildStacks(shipped("dev").stacks.lab.deployment).lab;
    const props = {
      name: "dev-db-ops-2",
      network: lab.dmsNetwork,
      serviceEndpoints: lab.dmsServiceEndpoints,
      source: lab.source,
      target: lab.target,
      encryptionKey: lab.encryptionKey,
      rotationDays: 30,
    };
    expect(errorOf(() => new DatabaseOperations(lab, "Again", { ...props, migratedSchemas: [] }))).toBe(
      "dev-lab/Again: migratedSchemas is empty; name the schemas the tasks migrate",
    );
  });
});
