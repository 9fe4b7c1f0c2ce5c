// The DMS replication instance: private, KMS-encrypted, in the DMS VPC's subnets, behind its own security group.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DmsReplicationInstance } from "@cdktf/provider-aws/lib/dms-replication-instance";
import { DmsReplicationSubnetGroup } from "@cdktf/provider-aws/lib/dms-replication-subnet-group";
import { Construct } from "constructs";
import type { EncryptionKey } from "../encryption/encryption-key";
import { nameTag } from "../naming";
import { Connections } from "../network/connections";
import type { LabNetwork } from "../network/lab-network";
import type { DmsServiceRoleLookup } from "./service-roles";

/** What a deployment chooses for the replication instance; the deployment schema holds the defaults. */
export interface ReplicationInstanceSettings {
  /** Replication instance class, e.g. `dms.t3.medium`. */
  readonly instanceClass: string;
  /** Storage in GiB. */
  readonly allocatedStorage: number;
  /** DMS engine version the instance is created with, e.g. `3.5.4`; automatic upgrades may pass it. */
  readonly engineVersion: string;
  /** A standby in a second zone. */
  readonly multiAz: boolean;
  /** UTC maintenance window, `ddd:hh24:mi-ddd:hh24:mi`. */
  readonly preferredMaintenanceWindow: string;
  /** Days to keep the task logs (the `dms-tasks-<instance id>` log group). */
  readonly logRetentionDays: number;
}

export interface ReplicationInstanceProps extends ReplicationInstanceSettings {
  /** Physical name, e.g. `dev-dms`. */
  readonly name: string;
  /** The DMS VPC. */
  readonly network: LabNetwork;
  /** Encrypts the instance's storage. */
  readonly encryptionKey: EncryptionKey;
  /**
   * The account-wide roles DMS needs before its first subnet group (`dms-vpc-role`): the subnet
   * group and the instance wait for their lookup.
   */
  readonly dmsServiceRoles: DmsServiceRoleLookup;
}

export class ReplicationInstance extends Construct {
  readonly instance: DmsReplicationInstance;
  readonly subnetGroup: DmsReplicationSubnetGroup;
  /** Where DMS writes the logs of every task on this instance. */
  readonly taskLogGroup: CloudwatchLogGroup;
  readonly instanceArn: string;
  readonly instanceId: string;
  /** Egress to the databases' interface endpoints and the AWS service endpoints is added here. */
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: ReplicationInstanceProps) {
    super(scope, id);
    const { name, network } = props;
    this.connections = new Connections(this, "SecurityGroup", {
      name: `${name}-replication`,
      description: `DMS replication instance ${name}: no ingress, egress to named endpoints only`,
      vpcId: network.vpcId,
      label: "dms",
    });
    this.subnetGroup = new DmsReplicationSubnetGroup(this, "SubnetGroup", {
      replicationSubnetGroupId: name,
      replicationSubnetGroupDescription: `Private subnets of ${network.name}`,
      subnetIds: network.privateSubnetIds,
      dependsOn: props.dmsServiceRoles.roles,
      tags: nameTag(name),
    });
    // DMS writes task logs to `dms-tasks-<instance id>` and creates the group itself when it is
    // missing (its dms-cloudwatch-logs-role may CreateLogGroup on dms-tasks-*): unencrypted, kept
    // forever, and outside what a destroy removes. Created first, it has the lab key and a retention.
    this.taskLogGroup = new CloudwatchLogGroup(this, "TaskLogGroup", {
      name: `dms-tasks-${name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.encryptionKey.keyArn,
      tags: nameTag(`dms-tasks-${name}`),
    });
    this.instance = new DmsReplicationInstance(this, "Resource", {
      replicationInstanceId: name,
      replicationInstanceClass: props.instanceClass,
      allocatedStorage: props.allocatedStorage,
      engineVersion: props.engineVersion,
      multiAz: props.multiAz,
      publiclyAccessible: false,
      kmsKeyArn: props.encryptionKey.keyArn,
      replicationSubnetGroupId: this.subnetGroup.replicationSubnetGroupId,
      vpcSecurityGroupIds: [this.connections.securityGroupId],
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      autoMinorVersionUpgrade: true,
      applyImmediately: true,
      dependsOn: [...props.dmsServiceRoles.roles, this.taskLogGroup],
      // DMS upgrades a deprecated version itself and cannot downgrade; provider 5.100 has no diff suppression here.
      lifecycle: { ignoreChanges: ["engine_version"] },
      tags: nameTag(name),
    });
    this.instanceArn = this.instance.replicationInstanceArn;
    this.instanceId = this.instance.replicationInstanceId;
  }
}
