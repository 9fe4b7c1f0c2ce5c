// The `<name>-account` stack: the fixed-name DMS service roles, created once and deployed before the lab.
import type { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import type { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { describe, expect, it } from "vitest";
import { AccountStack } from "../../stacks/account-stack";
import {
  buildStacks,
  defined,
  ref,
  resourcesOfType,
  SHIPPED,
  shipped,
  synthesize,
  variantDeployment,
  type SynthesizedStack,
} from "../helpers/synth";

/** The shipped deployments that create the roles: local (a fresh emulator has none) and prod (an account of its own). */
const deployments = SHIPPED.filter((name) => shipped(name).deployment.dms.serviceRoles === "create");

// dev as shipped adopts the roles (the default).
const adoptingStacks = shipped("dev").stacks;
const adoptingLab = shipped("dev").lab;

/** The roles a stack creates, with their trust policy document as synthesized. */
function rolesWithTrust(synth: SynthesizedStack): Array<{ role: Record<string, unknown>; trust: Record<string, unknown> | undefined }> {
  return Object.values(resourcesOfType(synth, "aws_iam_role")).map((role) => ({
    role,
    trust:
      synth.data?.aws_iam_policy_document?.[
        String(role.assume_role_policy).replace(/^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/, "$1")
      ],
  }));
}

/** The AWS managed policy each role needs, by the role's fixed name (AWS's names, not the project's). */
const MANAGED_POLICY_OF_ROLE = {
  "dms-vpc-role": "service-role/AmazonDMSVPCManagementRole",
  "dms-cloudwatch-logs-role": "service-role/AmazonDMSCloudWatchLogsRole",
};

/** Names of the IAM roles a lab looks up (data sources), sorted. */
function lookedUpRoles(lab: SynthesizedStack): unknown[] {
  return Object.values(lab.data?.aws_iam_role ?? {})
    .map((role) => role.name)
    .sort();
}

describe.each(deployments)("%s-account", (name) => {
  const { stacks } = shipped(name);
  const account = defined(stacks.account, `the ${name}-account stack`);
  const synth = defined(shipped(name).account, `the ${name}-account stack's JSON`);

  it("exists for a deployment that creates the service roles and deploys before the lab", () => {
    expect(shipped(name).deployment.dms.serviceRoles).toBe("create");
    expect(account.node.id).toBe(`${name}-account`);
    expect(stacks.lab.dependencies).toContain(account);
    expect(stacks.all.indexOf(account)).toBeGreaterThanOrEqual(0);
    expect(stacks.all.indexOf(account)).toBeLessThan(stacks.all.indexOf(stacks.lab));
  });

  it("creates exactly the two fixed-name roles, trusted by DMS, each with its AWS managed policy", () => {
    const roles = resourcesOfType(synth, "aws_iam_role");
    expect(
      Object.values(roles)
        .map((role) => role.name)
        .sort(),
    ).toEqual(Object.keys(MANAGED_POLICY_OF_ROLE).sort());
    const partition = ref(account, account.node.findChild("Partition") as DataAwsPartition, "data.aws_partition", "partition");
    const attachments = Object.values(resourcesOfType(synth, "aws_iam_role_policy_attachment"));
    expect(attachments).toHaveLength(2);
    for (const [logicalId, role] of Object.entries(roles)) {
      const policyArns = attachments
        .filter((attachment) => attachment.role === `\${aws_iam_role.${logicalId}.name}`)
        .map((attachment) => attachment.policy_arn);
      expect(policyArns).toEqual([
        `arn:${partition}:iam::aws:policy/${MANAGED_POLICY_OF_ROLE[role.name as keyof typeof MANAGED_POLICY_OF_ROLE]}`,
      ]);
    }
  });

  it("trusts DMS only on behalf of this account (confused-deputy condition)", () => {
    const accountId = ref(account, account.node.findChild("Account") as DataAwsCallerIdentity, "data.aws_caller_identity", "account_id");
    for (const { trust } of rolesWithTrust(synth)) {
      expect(trust?.statement).toEqual([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["dms.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ]);
    }
  });

  it("refuses to destroy the roles at plan time on a real account, and lets an emulated account go", () => {
    const expected = !shipped(name).deployment.emulator;
    for (const { role } of rolesWithTrust(synth)) expect(role.lifecycle).toEqual({ prevent_destroy: expected });
  });

  it("holds nothing but those roles, so destroying a lab never touches them", () => {
    expect(Object.keys(synth.resource ?? {}).sort()).toEqual(["aws_iam_role", "aws_iam_role_policy_attachment"]);
    expect(Object.values(resourcesOfType(shipped(name).lab, "aws_iam_role_policy_attachment"))).not.toContainEqual(
      expect.objectContaining({ policy_arn: expect.stringContaining("AmazonDMS") }),
    );
  });

  it("leaves the lab to look the roles up by name", () => {
    expect(lookedUpRoles(shipped(name).lab)).toEqual(Object.keys(MANAGED_POLICY_OF_ROLE).sort());
  });
});

describe("dms.serviceRoles create for a real account", () => {
  const stacks = buildStacks(
    variantDeployment("dev", (file) => {
      file.dms = { serviceRoles: "create" };
    }),
  );
  it("puts prevent_destroy on both roles", () => {
    const roles = rolesWithTrust(synthesize(defined(stacks.account, "the dev-account stack")));
    expect(roles).toHaveLength(2);
    for (const { role } of roles) expect(role.lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe('dms.serviceRoles "adopt" (the default, as dev ships)', () => {
  it("builds no account stack, and the lab depends on none", () => {
    expect(adoptingStacks.account).toBeUndefined();
    expect(adoptingStacks.all.filter((stack) => stack instanceof AccountStack)).toHaveLength(0);
    expect(adoptingStacks.all).toContain(adoptingStacks.lab);
    expect(adoptingStacks.lab.dependencies.filter((stack) => stack instanceof AccountStack)).toHaveLength(0);
  });

  it("still looks both roles up, and the replication instance still waits for them", () => {
    expect(lookedUpRoles(adoptingLab)).toEqual(Object.keys(MANAGED_POLICY_OF_ROLE).sort());
    const lab = adoptingStacks.lab;
    const instance = resourcesOfType(adoptingLab, "aws_dms_replication_instance")[lab.getLogicalId(lab.replicationInstance.instance)];
    const lookups = Object.keys(adoptingLab.data?.aws_iam_role ?? {}).map((logicalId) => `data.aws_iam_role.${logicalId}`);
    expect(lookups).toHaveLength(2);
    expect(instance.depends_on).toEqual(expect.arrayContaining(lookups));
  });
});
