// The migration workstation: Amazon Linux 2023 in a private subnet, reachable only through SSM Session Manager.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import type { EncryptionKey } from "../encryption/encryption-key";
import { nameTag } from "../naming";
import { Connections } from "../network/connections";
import type { LabNetwork } from "../network/lab-network";
import { SessionPreferences } from "./session-preferences";

export interface BastionProps {
  /** Physical name, e.g. `dev-bastion`. */
  readonly name: string;
  /** Deployment name: the bastion may start and stop only DMS tasks tagged with it. */
  readonly deploymentName: string;
  /** The DMS VPC; the bastion sits in its first private subnet. */
  readonly network: LabNetwork;
  /** Encrypts the root volume; the runbook decrypts the lab's secrets with it. */
  readonly encryptionKey: EncryptionKey;
  /** Secrets a person on the bastion may read: the DMS endpoint secrets (never the RDS master secrets). */
  readonly readableSecretArns: readonly string[];
  /** EC2 instance type; Graviton types (t4g, m7g...) get the arm64 image. */
  readonly instanceType: string;
  /** Root volume size in GiB (the AL2023 image needs 8 at least). */
  readonly rootVolumeGiB: number;
  /** Days to keep Session Manager session logs. @default 90 */
  readonly sessionLogRetentionDays?: number;
}

/**
 * The S3 bucket dnf reads Amazon Linux 2023 packages from in `region`. No AWS page names it: the name
 * comes from community sources (AL2023's repository URLs, e.g. in mirror and proxy setups), so the
 * first real apply checks it (docs/real-account-review.md, finding 9).
 */
export function al2023RepositoryBucket(region: string): string {
  return `al2023-repos-${region}-de612dc2`;
}

/**
 * PostgreSQL 16 client: the original's psql 9.2 cannot authenticate with SCRAM. Packages come from S3
 * via the gateway endpoint. User data may run before the network (or the endpoint's route) is ready,
 * so the install is retried with a growing pause (10 tries, about 4.5 minutes in all).
 */
const USER_DATA = `#!/bin/bash
set -euo pipefail
for attempt in $(seq 1 10); do
  dnf install -y postgresql16 jq && exit 0
  echo "dnf install failed (attempt $attempt of 10); retrying in $((attempt * 5))s" >&2
  sleep $((attempt * 5))
done
exit 1
`;

/** Graviton families (t4g, m7g, c6gn...) and the first-generation Graviton a1 need the arm64 image. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
  return /^(a1|[a-z]+\d+g[a-z]*)\./.test(instanceType) ? "arm64" : "x86_64";
}

export class Bastion extends Construct {
  readonly instance: Instance;
  readonly instanceId: string;
  readonly role: IamRole;
  /** No ingress ever; egress is added for the endpoints it uses. */
  readonly connections: Connections;
  /** Session encryption and logging; the SSM agent then calls KMS and CloudWatch Logs. */
  readonly sessionPreferences: SessionPreferences;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    const { name, network } = props;
    const environment = AwsEnvironment.of(this);
    this.connections = new Connections(this, "SecurityGroup", {
      name,
      description: `Bastion ${name}: no ingress (SSM only), egress to named endpoints only`,
      vpcId: network.vpcId,
      label: "bastion",
    });

    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
    });
    this.role = new IamRole(this, "Role", {
      name,
      description: "Migration workstation: SSM Session Manager plus the runbook's few calls",
      assumeRolePolicy: trust.json,
      tags: nameTag(name),
    });
    new IamRolePolicyAttachment(this, "SsmCore", {
      role: this.role.name,
      policyArn: environment.managedPolicyArn("AmazonSSMManagedInstanceCore"),
    });
    const dmsArn = (kind: string) => environment.arn({ service: "dms", resource: `${kind}:*` });
    const runbook = new DataAwsIamPolicyDocument(this, "RunbookPermissions", {
      statement: [
        {
          sid: "ReadLabSecrets",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
          resources: [...props.readableSecretArns],
        },
        {
          sid: "UseTheLabKeyThroughSecretsManager",
          actions: ["kms:Decrypt"],
          resources: [props.encryptionKey.keyArn],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${environment.region}.amazonaws.com`] }],
        },
        // DMS describe calls support no resource-level permissions.
        {
          sid: "DescribeDms",
          actions: ["dms:DescribeReplicationTasks", "dms:DescribeReplicationInstances", "dms:DescribeEndpoints", "dms:DescribeConnections"],
          resources: ["*"],
        },
        // Unlike the calls above, DescribeTableStatistics takes a task ARN (resource type ReplicationTask).
        { sid: "ReadTaskStatistics", actions: ["dms:DescribeTableStatistics"], resources: [dmsArn("task")] },
        {
          sid: "RunOnlyThisLabsTasks",
          actions: ["dms:StartReplicationTask", "dms:StopReplicationTask", "dms:ReloadTables"],
          resources: [dmsArn("task")],
          condition: [{ test: "StringEquals", variable: "aws:ResourceTag/Deployment", values: [props.deploymentName] }],
        },
        {
          sid: "TestThisLabsEndpoints",
          actions: ["dms:TestConnection"],
          resources: [dmsArn("rep"), dmsArn("endpoint")],
          condition: [{ test: "StringEquals", variable: "aws:ResourceTag/Deployment", values: [props.deploymentName] }],
        },
      ],
    });
    new IamRolePolicy(this, "Runbook", { name: "runbook", role: this.role.id, policy: runbook.json });

    this.sessionPreferences = new SessionPreferences(this, "SessionPreferences", {
      name,
      encryptionKey: props.encryptionKey,
      logRetentionDays: props.sessionLogRetentionDays ?? 90,
    });
    const sessionLogGroupArn = this.sessionPreferences.logGroup.arn;
    // What the SSM agent needs for an encrypted, logged session (Session Manager's instance-profile guidance).
    const sessionPermissions = new DataAwsIamPolicyDocument(this, "SessionPermissions", {
      statement: [
        { sid: "DecryptSessionData", actions: ["kms:Decrypt"], resources: [props.encryptionKey.keyArn] },
        {
          sid: "WriteSessionLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [sessionLogGroupArn, `${sessionLogGroupArn}:*`],
        },
        // The agent checks that the group exists and is encrypted; DescribeLogGroups takes a log-group resource, so the
        // region's groups of this account (it lists, it cannot name one group).
        {
          sid: "FindSessionLogGroup",
          actions: ["logs:DescribeLogGroups"],
          resources: [AwsEnvironment.of(this).arn({ service: "logs", resource: "log-group:*" })],
        },
      ],
    });
    new IamRolePolicy(this, "SessionLogging", { name: "session-logging", role: this.role.id, policy: sessionPermissions.json });
    const profile = new IamInstanceProfile(this, "InstanceProfile", { name, role: this.role.name, tags: nameTag(name) });

    const image = new DataAwsSsmParameter(this, "Image", {
      name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architectureOf(props.instanceType)}`,
    });
    this.instance = new Instance(this, "Resource", {
      ami: image.value,
      instanceType: props.instanceType,
      subnetId: network.privateSubnetIds[0],
      vpcSecurityGroupIds: [this.connections.securityGroupId],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      rootBlockDevice: {
        encrypted: true,
        kmsKeyId: props.encryptionKey.keyArn,
        volumeType: "gp3",
        volumeSize: props.rootVolumeGiB,
        deleteOnTermination: true,
      },
      userData: USER_DATA,
      userDataReplaceOnChange: true,
      monitoring: false,
      // A new AMI in the public parameter must not replace the workstation on every plan.
      lifecycle: { ignoreChanges: ["ami"] },
      tags: nameTag(name),
    });
    this.instanceId = this.instance.id;
  }
}
