// An Aurora PostgreSQL cluster for the lab: encrypted, TLS-only, CDC-ready, password kept by RDS.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Construct } from "constructs";
import type { EncryptionKey } from "../encryption/encryption-key";
import { EnhancedMonitoringRole } from "../monitoring/enhanced-monitoring-role";
import { nameTag } from "../naming";
import { Connections } from "../network/connections";
import type { LabNetwork } from "../network/lab-network";

export const POSTGRES_PORT = 5432;

/** What a deployment chooses for one cluster; the deployment schema holds the defaults. */
export interface AuroraPostgresSettings {
  /**
   * Aurora PostgreSQL 16 minor version the cluster is created with, e.g. `16.8` (the parameter group family is
   * aurora-postgresql16). A floor: the instances upgrade minors automatically and Terraform ignores the difference.
   */
  readonly engineVersion: string;
  /** Instance class of every instance, e.g. `db.t4g.medium`. */
  readonly instanceClass: string;
  /** Number of instances: the first is the intended writer, the others readers and failover targets. */
  readonly instances: number;
  /** Master user name; RDS generates its password and keeps it in Secrets Manager. */
  readonly masterUsername: string;
  /** Database created with the cluster (the one DMS reads or writes). */
  readonly databaseName: string;
  /** Days of automated backups (1-35). */
  readonly backupRetentionDays: number;
  /** UTC backup window, `hh24:mi-hh24:mi`. */
  readonly preferredBackupWindow: string;
  /** UTC maintenance window, `ddd:hh24:mi-ddd:hh24:mi`. */
  readonly preferredMaintenanceWindow: string;
  /** Refuse deletion through the API. */
  readonly deletionProtection: boolean;
  /** Apply modifications at once; false makes them wait for the maintenance window. */
  readonly applyImmediately: boolean;
  /** Take a final snapshot (`<cluster>-final`) on destroy. */
  readonly finalSnapshot: boolean;
  /** Days to keep the PostgreSQL log group. */
  readonly logRetentionDays: number;
  /** Enhanced Monitoring: seconds between OS metrics of each instance (1, 5, 10, 15, 30 or 60). @default 0 (off) */
  readonly monitoringIntervalSeconds?: number;
  /** Performance Insights on each instance, encrypted with the lab key, 7 days (the free tier). @default false */
  readonly performanceInsights?: boolean;
  /** `lifecycle.prevent_destroy` on the cluster: destroy and replacement fail at plan time. @default false */
  readonly preventDestroy?: boolean;
}

export interface AuroraPostgresProps extends AuroraPostgresSettings {
  /** Cluster identifier, e.g. `dev-source`; instances become `dev-source-1`, `dev-source-2`. */
  readonly name: string;
  /** Short role in the lab (`source`, `target`): labels security-group rules. */
  readonly role: string;
  /** The VPC whose private subnets hold the cluster. */
  readonly network: LabNetwork;
  /** Encrypts storage, the master-user secret and the log group. */
  readonly encryptionKey: EncryptionKey;
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
    const { name, network, encryptionKey } = props;
    this.clusterIdentifier = name;
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername;

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
      retentionInDays: props.logRetentionDays,
      kmsKeyId: encryptionKey.keyArn,
    });

    this.cluster = new RdsCluster(this, "Resource", {
      clusterIdentifier: name,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: props.engineVersion,
      databaseName: props.databaseName,
      masterUsername: props.masterUsername,
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
      backupRetentionPeriod: props.backupRetentionDays,
      preferredBackupWindow: props.preferredBackupWindow,
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: !props.finalSnapshot,
      ...(props.finalSnapshot ? { finalSnapshotIdentifier: `${name}-final` } : {}),
      applyImmediately: props.applyImmediately,
      dependsOn: [logGroup],
      // Automatic minor upgrades move the cluster past the configured version; provider 5.100 would then plan a
      // downgrade, which RDS refuses. To upgrade on purpose, raise the version and run modify-db-cluster.
      lifecycle: { ignoreChanges: ["engine_version"], ...(props.preventDestroy ? { preventDestroy: true } : {}) },
      tags: nameTag(name),
    });
    this.writerEndpoint = this.cluster.endpoint;
    this.masterUserSecretArn = this.cluster.masterUserSecret.get(0).secretArn;

    const monitoringInterval = props.monitoringIntervalSeconds ?? 0;
    const monitoringRole =
      monitoringInterval > 0 ? new EnhancedMonitoringRole(this, "MonitoringRole", { name: `${name}-monitoring` }) : undefined;
    // Instance settings, changed in place: turning them on never replaces an instance.
    const monitoring = {
      ...(monitoringRole ? { monitoringInterval, monitoringRoleArn: monitoringRole.roleArn } : {}),
      ...(props.performanceInsights
        ? { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: encryptionKey.keyArn, performanceInsightsRetentionPeriod: 7 }
        : {}),
    };

    this.instances = Array.from({ length: props.instances }, (_, index) => {
      const instanceName = `${name}-${index + 1}`;
      return new RdsClusterInstance(this, `Instance${index + 1}`, {
        identifier: instanceName,
        clusterIdentifier: this.cluster.id,
        engine: "aurora-postgresql",
        // No engine_version: an instance takes its cluster's (the provider cannot upgrade it here anyway).
        instanceClass: props.instanceClass,
        dbSubnetGroupName: subnetGroup.name,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        applyImmediately: props.applyImmediately,
        // Lower tier = preferred failover target; the first instance is the intended writer.
        promotionTier: index,
        ...monitoring,
        tags: nameTag(instanceName),
      });
    });
  }
}
