// The DMS replication instance: private, KMS-encrypted, in the DMS VPC's subnets, behind its own security group.
import { DmsReplicationInstance } from "@cdktf/provider-aws/lib/dms-replication-instance";
import { DmsReplicationSubnetGroup } from "@cdktf/provider-aws/lib/dms-replication-subnet-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { DmsConfig } from "../../variables/schema";
import type { LabKey } from "../encryption/lab-key";
import { nameTag } from "../naming";
import { Connections } from "../network/connections";
import type { LabNetwork } from "../network/lab-network";

export interface ReplicationInstanceProps {
  /** Physical name, e.g. `dev-dms`. */
  readonly name: string;
  /** The DMS VPC. */
  readonly network: LabNetwork;
  /** Encrypts the instance's storage. */
  readonly encryptionKey: LabKey;
  /** Sizing and engine from the deployment file. */
  readonly settings: DmsConfig;
  /** What must exist first: the account-wide DMS service roles. */
  readonly dependsOn: ITerraformDependable[];
}

export class ReplicationInstance extends Construct {
  readonly instance: DmsReplicationInstance;
  readonly subnetGroup: DmsReplicationSubnetGroup;
  readonly instanceArn: string;
  readonly instanceId: string;
  /** Egress to the databases' interface endpoints and the AWS service endpoints is added here. */
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: ReplicationInstanceProps) {
    super(scope, id);
    const { name, network, settings } = props;
    this.connections = new Connections(this, "SecurityGroup", {
      name: `${name}-replication`,
      description: `DMS replication instance ${name}: no ingress, egress to named endpoints only`,
      vpcId: network.vpcId,
      label: "dms",
      defaultPort: 5432,
    });
    this.subnetGroup = new DmsReplicationSubnetGroup(this, "SubnetGroup", {
      replicationSubnetGroupId: name,
      replicationSubnetGroupDescription: `Private subnets of ${network.name}`,
      subnetIds: network.privateSubnetIds,
      dependsOn: props.dependsOn,
      tags: nameTag(name),
    });
    this.instance = new DmsReplicationInstance(this, "Resource", {
      replicationInstanceId: name,
      replicationInstanceClass: settings.instanceClass,
      allocatedStorage: settings.allocatedStorage,
      engineVersion: settings.engineVersion,
      multiAz: settings.multiAz,
      publiclyAccessible: false,
      kmsKeyArn: props.encryptionKey.keyArn,
      replicationSubnetGroupId: this.subnetGroup.replicationSubnetGroupId,
      vpcSecurityGroupIds: [this.connections.securityGroupId],
      preferredMaintenanceWindow: settings.preferredMaintenanceWindow,
      autoMinorVersionUpgrade: true,
      applyImmediately: true,
      dependsOn: props.dependsOn,
      tags: nameTag(name),
    });
    this.instanceArn = this.instance.replicationInstanceArn;
    this.instanceId = this.instance.replicationInstanceId;
  }
}
