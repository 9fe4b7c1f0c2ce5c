// DMS on synthesized JSON: the private replication instance, endpoints that read Secrets Manager, and the access role.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { SecretsAccessRole } from "../../constructs/dms/secrets-access-role";
import { LabKey } from "../../constructs/encryption/lab-key";
import { DMS_SERVICE_ROLES } from "../../constructs/dms/service-roles";
import type { LabStack } from "../../stacks/lab-stack";
import type { Deployment } from "../../variables/schema";
import {
  buildStacks,
  errorOf,
  keyArnRef,
  type PolicyStatement,
  ref,
  referenced,
  resourcesOfType,
  SHIPPED,
  shipped,
  type ShippedName,
  synthesize,
  type SynthesizedStack,
  variantDeployment,
} from "../helpers/synth";

const deployments = SHIPPED;

function synthesizeLab(deployment: Deployment): { deployment: Deployment; lab: LabStack; synth: SynthesizedStack } {
  const lab = buildStacks(deployment).lab;
  return { deployment, lab, synth: synthesize(lab) };
}

const resized = synthesizeLab(
  variantDeployment("dev", (file) => {
    file.dms = { instanceClass: "dms.r5.large", allocatedStorage: 200, engineVersion: "3.5.3", multiAz: true };
  }),
);

/** Secrets stay recoverable in prod only; dev and local free the name at once for destroy-then-deploy. */
const RECOVERY_WINDOW_DAYS: Record<ShippedName, number> = { local: 0, dev: 0, prod: 30 };

/** `${aws_iam_role.X.arn}` → `${aws_iam_role.X.id}` (the same resource, another attribute). */
const sameResource = (reference: unknown, attribute: string) => String(reference).replace(/\.[a-z_]+\}$/, `.${attribute}}`);

function endpointsOf(lab: LabStack) {
  return [
    {
      type: "source",
      endpoint: lab.source.endpoint,
      secret: lab.source.secret,
      database: lab.source.database,
      path: lab.source.privateLink,
      privateName: lab.source.privateName,
    },
    {
      type: "target",
      endpoint: lab.target.endpoint,
      secret: lab.target.secret,
      database: lab.target.database,
      path: lab.target.privateLink,
      privateName: lab.target.privateName,
    },
  ] as const;
}

describe.each(deployments)("DMS in %s-lab", (name) => {
  const { deployment, stacks, lab: synth } = shipped(name);
  const lab = stacks.lab;
  const keyArn = keyArnRef(lab);
  const instance = resourcesOfType(synth, "aws_dms_replication_instance")[lab.getLogicalId(lab.replicationInstance.instance)];

  it("runs one private, KMS-encrypted replication instance in a subnet group over the DMS VPC's subnets", () => {
    expect(Object.keys(resourcesOfType(synth, "aws_dms_replication_instance"))).toHaveLength(1);
    expect(instance).toMatchObject({
      publicly_accessible: false,
      kms_key_arn: keyArn,
      replication_subnet_group_id: ref(
        lab,
        lab.replicationInstance.subnetGroup,
        "aws_dms_replication_subnet_group",
        "replication_subnet_group_id",
      ),
      vpc_security_group_ids: [ref(lab, lab.replicationInstance.connections.securityGroup, "aws_security_group", "id")],
    });
    const subnetGroup = resourcesOfType(synth, "aws_dms_replication_subnet_group")[lab.getLogicalId(lab.replicationInstance.subnetGroup)];
    expect(subnetGroup.subnet_ids).toEqual(lab.dmsNetwork.privateSubnets.map((subnet) => ref(lab, subnet, "aws_subnet", "id")));
  });

  it("sizes the instance from the deployment's dms settings", () => {
    expect(instance).toMatchObject({
      replication_instance_class: deployment.dms.instanceClass,
      allocated_storage: deployment.dms.allocatedStorage,
      engine_version: deployment.dms.engineVersion,
      multi_az: deployment.dms.multiAz,
      auto_minor_version_upgrade: true,
      // DMS upgrades a deprecated engine itself and cannot go back: the configured version is a floor.
      lifecycle: { ignore_changes: ["engine_version"] },
    });
  });

  it("runs prod's CDC on a Multi-AZ, non-burstable instance", () => {
    const prod = shipped("prod");
    const prodInstance = resourcesOfType(prod.lab, "aws_dms_replication_instance")[
      prod.stacks.lab.getLogicalId(prod.stacks.lab.replicationInstance.instance)
    ];
    expect(prodInstance).toMatchObject({ multi_az: true, replication_instance_class: "dms.r6i.large" });
  });

  it("keeps prod's task logs as long as its database logs, and the other deployments' for the default week", () => {
    expect(shipped("prod").deployment.dms.logRetentionDays).toBe(90);
    expect(shipped("dev").deployment.dms.logRetentionDays).toBe(7);
  });

  it("creates the task log group DMS would otherwise create unencrypted and keep forever, before the instance", () => {
    const logGroup = resourcesOfType(synth, "aws_cloudwatch_log_group")[lab.getLogicalId(lab.replicationInstance.taskLogGroup)];
    expect(logGroup).toMatchObject({
      name: `dms-tasks-${instance.replication_instance_id}`,
      kms_key_id: keyArn,
      retention_in_days: deployment.dms.logRetentionDays,
    });
    expect(instance.depends_on).toContain(`aws_cloudwatch_log_group.${lab.getLogicalId(lab.replicationInstance.taskLogGroup)}`);
  });

  it("waits, with its subnet group, for lookups of both account-wide DMS service roles", () => {
    const subnetGroup = resourcesOfType(synth, "aws_dms_replication_subnet_group")[lab.getLogicalId(lab.replicationInstance.subnetGroup)];
    for (const resource of [instance, subnetGroup]) {
      const lookups = (resource.depends_on as string[]).filter((dependency) => dependency.startsWith("data.aws_iam_role."));
      const names = lookups.map((lookup) => synth.data?.aws_iam_role?.[lookup.slice("data.aws_iam_role.".length)]?.name);
      expect(names.sort()).toEqual(
        Object.values(DMS_SERVICE_ROLES)
          .map((role) => role.name)
          .sort(),
      );
    }
  });

  it("points each aurora-postgresql endpoint at its secret and the access role, verifying the server with the RDS CA bundle, no credentials inline", () => {
    const endpoints = resourcesOfType(synth, "aws_dms_endpoint");
    expect(Object.keys(endpoints)).toHaveLength(2);
    const accessRoleArns = new Set<unknown>();
    for (const { type, endpoint, secret, database, path, privateName } of endpointsOf(lab)) {
      const resource = endpoints[lab.getLogicalId(endpoint.endpoint)];
      expect(resource).toMatchObject({
        endpoint_type: type,
        engine_name: "aurora-postgresql",
        ssl_mode: "verify-full",
        certificate_arn: ref(lab, lab.rdsCaCertificate.certificate, "aws_dms_certificate", "certificate_arn"),
        secrets_manager_arn: ref(lab, secret.secret, "aws_secretsmanager_secret", "arn"),
        secrets_manager_access_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.[^.]+\.arn\}$/),
        kms_key_arn: keyArn,
        database_name: resourcesOfType(synth, "aws_rds_cluster")[lab.getLogicalId(database.cluster)].database_name,
      });
      for (const inline of ["password", "username", "server_name", "port"]) expect(resource).not.toHaveProperty(inline);
      expect(resource.depends_on).toContain(`aws_vpc_endpoint.${lab.getLogicalId(path.interfaceEndpoint)}`);
      expect(resource.depends_on).toContain(`aws_route53_record.${lab.getLogicalId(privateName.record)}`);
      accessRoleArns.add(resource.secrets_manager_access_role_arn);
    }
    expect(accessRoleArns.size).toBe(1);
  });

  it("keeps endpoint credentials in two KMS-encrypted secrets created without a value", () => {
    const secrets = resourcesOfType(synth, "aws_secretsmanager_secret");
    expect(Object.keys(secrets)).toHaveLength(2);
    for (const { secret } of endpointsOf(lab)) {
      expect(secrets[lab.getLogicalId(secret.secret)]).toMatchObject({
        kms_key_id: keyArn,
        recovery_window_in_days: RECOVERY_WINDOW_DAYS[name],
      });
    }
    expect(resourcesOfType(synth, "aws_secretsmanager_secret_version")).toEqual({});
  });

  it("lets the regional DMS principal assume the access role, which reads exactly the two endpoint secrets", () => {
    const roleArn = resourcesOfType(synth, "aws_dms_endpoint")[lab.getLogicalId(lab.source.endpoint.endpoint)]
      .secrets_manager_access_role_arn;
    const role = referenced(synth, roleArn);
    const trust = referenced(synth, role.assume_role_policy).statement as PolicyStatement[];
    expect(trust).toEqual([
      expect.objectContaining({
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [`dms.${deployment.region}.amazonaws.com`] }],
      }),
    ]);

    const policies = Object.values(resourcesOfType(synth, "aws_iam_role_policy")).filter(
      (policy) => policy.role === sameResource(roleArn, "id"),
    );
    const statements = policies.flatMap((policy) => referenced(synth, policy.policy).statement as PolicyStatement[]);
    const readable = statements
      .filter((statement) => statement.actions?.includes("secretsmanager:GetSecretValue"))
      .flatMap((statement) => statement.resources);
    const secretArns = endpointsOf(lab).map(({ secret }) => ref(lab, secret.secret, "aws_secretsmanager_secret", "arn"));
    expect(readable.sort()).toEqual(secretArns.sort());
  });

  it("outputs the replication instance and endpoint ARNs", () => {
    expect(synth.output?.replication_instance_arn?.value).toBe(
      ref(lab, lab.replicationInstance.instance, "aws_dms_replication_instance", "replication_instance_arn"),
    );
    expect(synth.output?.source_endpoint_arn?.value).toBe(ref(lab, lab.source.endpoint.endpoint, "aws_dms_endpoint", "endpoint_arn"));
    expect(synth.output?.target_endpoint_arn?.value).toBe(ref(lab, lab.target.endpoint.endpoint, "aws_dms_endpoint", "endpoint_arn"));
  });
});

describe("DMS settings of a deployment", () => {
  it("change the replication instance's class, storage, engine and standby", () => {
    const { lab, synth } = resized;
    const instance = resourcesOfType(synth, "aws_dms_replication_instance")[lab.getLogicalId(lab.replicationInstance.instance)];
    expect(instance).toMatchObject({
      replication_instance_class: "dms.r5.large",
      allocated_storage: 200,
      engine_version: "3.5.3",
      multi_az: true,
    });
  });
});

describe("SecretsAccessRole", () => {
  it("fails the synth when no secret was granted (a role DMS could read nothing with)", () => {
    const stack = new TerraformStack(Testing.app(), "grants");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new SecretsAccessRole(stack, "Role", { name: "role", encryptionKey: new LabKey(stack, "Key", { name: "key" }) });
    expect(errorOf(() => Testing.fullSynth(stack))).toContain(
      "grants/Role: no secret was granted; call allowRead for each endpoint secret",
    );
  });
});
