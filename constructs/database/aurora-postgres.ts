// An Aurora PostgreSQL cluster for the lab: encrypted, TLS-only, CDC-ready, password kept by RDS.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Construct } from "constructs";
import type { DatabaseConfig } from "../../variables/schema";
import type { LabKey } from "../encryption/lab-key";
import { nameTag } from "../naming";
import { Connections } from "../network/connections";
import type { LabNetwork } from "../network/lab-network";

export const POSTGRES_PORT = 5432;

export interface AuroraPostgresProps {
  /** Cluster identifier, e.g. `dev-source`; instances become `dev-source-1`, `dev-source-2`. */
  readonly name: string;
  /** Short role in the lab (`source`, `target`): labels security-group rules. */
  readonly role: string;
  /** The VPC whose private subnets hold the cluster. */
  readonly network: LabNetwork;
  /** Encrypts storage, the master-user secret and the log group. */
  readonly encryptionKey: LabKey;
  /** Sizing, engine, backups and protection from the deployment file. */
  readonly settings: DatabaseConfig;
}

/**
 * Aurora PostgreSQL 16 with `rds.force_ssl=1` (TLS on every hop) and `rds.logical_replication=1`
 * (DMS CDC). `manage_master_user_password` keeps the password out of config and state.
 */
export class AuroraPostgres extends Construct {
  readonly cluster: RdsCluster;
  readonly instances: RdsClusterInstance[];
  readonly clusterIdentifier: string;
  /** Writer endpoint DNS name (resolves to the writer's private IP inside its VPC). */
  readonly writerEndpoint: string;
  readonly port = POSTGRES_PORT;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** ARN of the RDS-managed master secret (username + password only: no host, so not for DMS). */
  readonly masterUserSecretArn: string;
  /** The cluster's security group; PrivateLink adds its load balancer here. */
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: AuroraPostgresProps) {
    super(scope, id);
    const { name, settings, network, encryptionKey } = props;
    this.clusterIdentifier = name;
    this.databaseName = settings.databaseName;
    this.masterUsername = settings.masterUsername;

    this.connections = new Connections(this, "SecurityGroup", {
      name: `${name}-db`,
      description: `Aurora PostgreSQL ${name}: PostgreSQL from named peers only`,
      vpcId: network.vpcId,
      label: `${props.role}-db`,
      defaultPort: POSTGRES_PORT,
    });

    const subnetGroup = new DbSubnetGroup(this, "SubnetGroup", {
      name,
      description: `Private subnets of ${network.name} for ${name}`,
      subnetIds: network.privateSubnetIds,
      tags: nameTag(name),
    });

    const parameterGroup = new RdsClusterParameterGroup(this, "ParameterGroup", {
      name: `${name}-pg16`,
      family: "aurora-postgresql16",
      description: `${name}: TLS only, logical replication for DMS CDC`,
      parameter: [
        { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
        // Static parameter: takes effect at creation, or at the next reboot when changed later.
        { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
      ],
      tags: nameTag(`${name}-pg16`),
    });

    // Created before the cluster so RDS writes into a KMS-encrypted group with a retention, not its own.
    const logGroup = new CloudwatchLogGroup(this, "PostgresqlLogGroup", {
      name: `/aws/rds/cluster/${name}/postgresql`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: encryptionKey.keyArn,
    });

    this.cluster = new RdsCluster(this, "Resource", {
      clusterIdentifier: name,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: settings.engineVersion,
      databaseName: settings.databaseName,
      masterUsername: settings.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: encryptionKey.keyArn,
      port: POSTGRES_PORT,
      dbSubnetGroupName: subnetGroup.name,
      dbClusterParameterGroupName: parameterGroup.name,
      vpcSecurityGroupIds: [this.connections.securityGroupId],
      storageEncrypted: true,
      kmsKeyId: encryptionKey.keyArn,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ["postgresql"],
      backupRetentionPeriod: settings.backupRetentionDays,
      preferredBackupWindow: settings.preferredBackupWindow,
      preferredMaintenanceWindow: settings.preferredMaintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: settings.deletionProtection,
      skipFinalSnapshot: !settings.finalSnapshot,
      ...(settings.finalSnapshot ? { finalSnapshotIdentifier: `${name}-final` } : {}),
      applyImmediately: !settings.deletionProtection,
      dependsOn: [logGroup],
      tags: nameTag(name),
    });
    this.writerEndpoint = this.cluster.endpoint;
    this.masterUserSecretArn = this.cluster.masterUserSecret.get(0).secretArn;

    this.instances = Array.from({ length: settings.instances }, (_, index) => {
      const instanceName = `${name}-${index + 1}`;
      return new RdsClusterInstance(this, `Instance${index + 1}`, {
        identifier: instanceName,
        clusterIdentifier: this.cluster.id,
        engine: "aurora-postgresql",
        engineVersion: settings.engineVersion,
        instanceClass: settings.instanceClass,
        dbSubnetGroupName: subnetGroup.name,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        // Lower tier = preferred failover target; the first instance is the intended writer.
        promotionTier: index,
        tags: nameTag(instanceName),
      });
    });
  }
}
