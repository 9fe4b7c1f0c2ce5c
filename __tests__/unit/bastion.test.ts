// The SSM-only bastion on synthesized JSON: no way in but Session Manager, a narrow runbook role, psql 16.
import type { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { describe, expect, it } from "vitest";
import { architectureOf } from "../../constructs/access/bastion";
import type { LabStack } from "../../stacks/lab-stack";
import type { Deployment } from "../../variables/schema";
import {
  buildStacks,
  defined,
  keyArnRef,
  type PolicyStatement,
  ref,
  referenced,
  resourcesOfType,
  SHIPPED,
  shipped,
  synthesize,
  type SynthesizedStack,
  variantDeployment,
} from "../helpers/synth";

const deployments = SHIPPED;

function synthesizeLab(deployment: Deployment): { deployment: Deployment; lab: LabStack; synth: SynthesizedStack } {
  const lab = buildStacks(deployment).lab;
  return { deployment, lab, synth: synthesize(lab) };
}

const x86 = synthesizeLab(
  variantDeployment("dev", (file) => {
    file.bastion = { instanceType: "t3.small", rootVolumeGiB: 20 };
  }),
);
const withoutBastion = synthesizeLab(
  variantDeployment("dev", (file) => {
    file.bastion = { enabled: false };
  }),
);

describe.each(deployments)("bastion of %s-lab", (name) => {
  const { deployment, stacks, lab: synth } = shipped(name);
  const lab = stacks.lab;
  const bastion = defined(lab.bastion, "the bastion");
  const instance = resourcesOfType(synth, "aws_instance")[lab.getLogicalId(bastion.instance)];
  const bastionGroup = ref(lab, bastion.connections.securityGroup, "aws_security_group", "id");

  it("is one instance with IMDSv2 only, no public address and no SSH key", () => {
    expect(Object.keys(resourcesOfType(synth, "aws_instance"))).toHaveLength(1);
    expect(instance.metadata_options).toMatchObject({ http_tokens: "required" });
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance).not.toHaveProperty("key_name");
  });

  it("sits in a private subnet of the DMS VPC, behind its own security group, with a root volume encrypted by the lab key", () => {
    const dmsSubnets = lab.dmsNetwork.privateSubnets.map((subnet) => ref(lab, subnet, "aws_subnet", "id"));
    expect(dmsSubnets).toContain(instance.subnet_id);
    expect(instance.vpc_security_group_ids).toEqual([bastionGroup]);
    expect(instance.root_block_device).toMatchObject({
      encrypted: true,
      kms_key_id: keyArnRef(lab),
    });
  });

  it("has no ingress rule at all, only egress", () => {
    const ingress = Object.values(resourcesOfType(synth, "aws_vpc_security_group_ingress_rule"));
    expect(ingress.filter((rule) => rule.security_group_id === bastionGroup)).toEqual([]);
    expect(resourcesOfType(synth, "aws_security_group")[lab.getLogicalId(bastion.connections.securityGroup)]).not.toHaveProperty("ingress");
  });

  it("gets Session Manager through AmazonSSMManagedInstanceCore on its instance profile's role", () => {
    const profile = referenced(synth, instance.iam_instance_profile);
    expect(profile.role).toBe(ref(lab, bastion.role, "aws_iam_role", "name"));
    const partition = ref(lab, lab.node.findChild("Partition") as DataAwsPartition, "data.aws_partition", "partition");
    const attachments = Object.values(resourcesOfType(synth, "aws_iam_role_policy_attachment")).filter(
      (attachment) => attachment.role === profile.role,
    );
    expect(attachments.map((attachment) => attachment.policy_arn)).toEqual([
      `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    ]);
  });

  it("may run the runbook without any wildcard action", () => {
    const policies = Object.values(resourcesOfType(synth, "aws_iam_role_policy")).filter(
      (policy) => policy.role === ref(lab, bastion.role, "aws_iam_role", "id"),
    );
    expect(policies.map((policy) => policy.name).sort()).toEqual(["runbook", "session-logging"]);
    const runbook = policies.find((policy) => policy.name === "runbook");
    const actions = (referenced(synth, runbook?.policy).statement as PolicyStatement[]).flatMap((statement) => statement.actions ?? []);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions).not.toContain("*");
    expect(actions).not.toContain("dms:*");
    expect(actions.filter((action) => action.endsWith(":*"))).toEqual([]);
  });

  it("boots the latest Amazon Linux 2023 for its architecture from the public SSM parameter and installs psql 16", () => {
    expect(instance.instance_type).toBe(deployment.bastion.instanceType);
    const parameter = referenced(synth, instance.ami);
    expect(parameter.name).toBe("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
    expect(instance.user_data).toMatch(/^\s*dnf install -y .*\bpostgresql16\b/m);
  });

  it("retries the package install with a growing pause, so a boot before the network is ready still ends with psql", () => {
    const userData = String(instance.user_data);
    expect(userData).toMatch(/^for attempt in \$\(seq 1 10\); do$/m);
    expect(userData).toMatch(/^ {2}dnf install -y postgresql16 jq && exit 0$/m);
    expect(userData).toMatch(/^ {2}sleep \$\(\(attempt \* 5\)\)$/m);
    expect(userData.trimEnd().split("\n").pop()).toBe("exit 1");
  });

  it("outputs its id and the port-forwarding commands to both clusters' names, with a psql hint that verifies the server", () => {
    const instanceId = ref(lab, bastion.instance, "aws_instance", "id");
    expect(synth.output?.bastion_id?.value).toBe(instanceId);
    for (const [output, side] of [
      ["source_port_forward_command", lab.source],
      ["target_port_forward_command", lab.target],
    ] as const) {
      const command = String(synth.output?.[output]?.value);
      const clusterEndpoint = ref(lab, side.database.cluster, "aws_rds_cluster", "endpoint");
      expect(command).toMatch(/^aws ssm start-session /);
      expect(command).toContain(`--target ${instanceId}`);
      expect(command).toContain("--document-name AWS-StartPortForwardingSessionToRemoteHost");
      // The bastion resolves the cluster's name in the DMS VPC, where its private zone answers with the interface endpoint.
      expect(command).toContain(`host=${clusterEndpoint},portNumber=5432`);
      expect(synth.output?.[output]?.description).toContain(
        `psql "host=${clusterEndpoint} hostaddr=127.0.0.1 port=${side.role === "source" ? 15432 : 25432} sslmode=verify-full sslrootcert=certificates/rds-global-bundle.pem`,
      );
    }
  });
});

describe("bastion settings of a deployment", () => {
  it("an x86 instance type gets the x86_64 image and the configured root volume size", () => {
    const { lab, synth } = x86;
    const instance = resourcesOfType(synth, "aws_instance")[lab.getLogicalId(defined(lab.bastion, "the bastion").instance)];
    expect(instance).toMatchObject({ instance_type: "t3.small", root_block_device: expect.objectContaining({ volume_size: 20 }) });
    expect(referenced(synth, instance.ami).name).toBe("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
  });

  it("enabled: false leaves no instance, no bastion outputs, and only DMS and db-ops admitted to the interface endpoints", () => {
    const { lab, synth } = withoutBastion;
    expect(lab.bastion).toBeUndefined();
    expect(resourcesOfType(synth, "aws_instance")).toEqual({});
    expect(resourcesOfType(synth, "aws_iam_instance_profile")).toEqual({});
    for (const output of ["bastion_id", "bastion_session_command", "source_port_forward_command", "target_port_forward_command"]) {
      expect(synth.output).not.toHaveProperty(output);
    }
    const ingress = Object.values(resourcesOfType(synth, "aws_vpc_security_group_ingress_rule"));
    const dmsGroup = ref(lab, lab.replicationInstance.connections.securityGroup, "aws_security_group", "id");
    for (const path of [lab.source.privateLink, lab.target.privateLink]) {
      const endpointGroup = ref(lab, path.connections.securityGroup, "aws_security_group", "id");
      const dbOpsGroup = ref(lab, lab.databaseOperations.connections.securityGroup, "aws_security_group", "id");
      expect(
        ingress
          .filter((rule) => rule.security_group_id === endpointGroup)
          .map((rule) => rule.referenced_security_group_id)
          .sort(),
      ).toEqual([dmsGroup, dbOpsGroup].sort());
    }
  });
});

describe("architectureOf", () => {
  it.each([
    ["t4g.micro", "arm64"],
    ["m7g.large", "arm64"],
    ["c6gn.xlarge", "arm64"],
    ["r7gd.large", "arm64"],
    ["a1.medium", "arm64"],
    ["t3.micro", "x86_64"],
    ["m7i-flex.large", "x86_64"],
    ["g5.xlarge", "x86_64"],
  ] as const)("%s → %s", (instanceType, architecture) => {
    expect(architectureOf(instanceType)).toBe(architecture);
  });
});

describe.each(SHIPPED)("session preferences of %s-lab's bastion", (name) => {
  const { stacks, lab: synth, deployment } = shipped(name);
  const lab = stacks.lab;
  const bastion = defined(lab.bastion, "the bastion");
  const preferences = bastion.sessionPreferences;
  const keyArn = keyArnRef(lab);

  it("is a Session document of its own name that encrypts with the lab key and streams to an encrypted log group", () => {
    const document = resourcesOfType(synth, "aws_ssm_document")[lab.getLogicalId(preferences.document)];
    expect(document).toMatchObject({ name: `${name}-bastion-shell`, document_type: "Session", document_format: "JSON" });
    const content = String(document.content);
    expect(content).toContain('"sessionType" = "Standard_Stream"');
    expect(content).toContain(`"kmsKeyId" = ${keyArn.slice(2, -1)}`);
    expect(content).toContain(
      `"cloudWatchLogGroupName" = ${ref(lab, preferences.logGroup, "aws_cloudwatch_log_group", "name").slice(2, -1)}`,
    );
    expect(content).toContain('"cloudWatchEncryptionEnabled" = true');
    expect(content).toContain('"cloudWatchStreamingEnabled" = true');
    expect(resourcesOfType(synth, "aws_cloudwatch_log_group")[lab.getLogicalId(preferences.logGroup)]).toMatchObject({
      name: `${name}-bastion-sessions`,
      kms_key_id: keyArn,
      retention_in_days: deployment.bastion.sessionLogRetentionDays,
    });
  });

  it("lets the bastion's agent decrypt session data and write only that log group", () => {
    const policy = Object.values(resourcesOfType(synth, "aws_iam_role_policy")).find((each) => each.name === "session-logging");
    expect(policy?.role).toBe(ref(lab, bastion.role, "aws_iam_role", "id"));
    const logGroupArn = ref(lab, preferences.logGroup, "aws_cloudwatch_log_group", "arn");
    expect(referenced(synth, policy?.policy).statement).toEqual([
      { sid: "DecryptSessionData", actions: ["kms:Decrypt"], resources: [keyArn] },
      {
        sid: "WriteSessionLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [logGroupArn, `${logGroupArn}:*`],
      },
      {
        sid: "FindSessionLogGroup",
        actions: ["logs:DescribeLogGroups"],
        resources: [
          expect.stringMatching(/^arn:\$\{data\.aws_partition\.\S+\}:logs:[a-z0-9-]+:\$\{data\.aws_caller_identity\.\S+\}:log-group:\*$/),
        ],
      },
    ]);
  });

  it("is named in the session command the lab prints", () => {
    expect(String(synth.output?.bastion_session_command?.value)).toContain(`--document-name ${name}-bastion-shell`);
  });
});
