// The `<name>-lab` stack: key (unless `<name>-data` holds it), three VPCs, DMS-VPC service endpoints, the source and target sides, DMS and the bastion.
import type { Construct } from "constructs";
import { al2023RepositoryBucket, Bastion } from "../constructs/access/bastion";
import { DatabaseSide } from "../constructs/database/database-side";
import { RdsCaCertificate } from "../constructs/dms/rds-ca-certificate";
import { ReplicationInstance } from "../constructs/dms/replication-instance";
import { SecretsAccessRole } from "../constructs/dms/secrets-access-role";
import { DmsServiceRoleLookup } from "../constructs/dms/service-roles";
import { KeyLookup } from "../constructs/encryption/key-lookup";
import type { LabKey } from "../constructs/encryption/lab-key";
import { AlarmTopic } from "../constructs/monitoring/alarm-topic";
import { SourceDatabaseAlarms } from "../constructs/monitoring/source-database-alarms";
import { FlowLogRole } from "../constructs/network/flow-log-role";
import { LabNetwork } from "../constructs/network/lab-network";
import { flowLogGroupName, VpcFlowLog } from "../constructs/network/vpc-flow-log";
import { DatabaseOperations } from "../constructs/operations/database-operations";
import { BASTION_SESSION_SERVICES, DMS_VPC_INTERFACE_SERVICES, ServiceEndpoints } from "../constructs/network/service-endpoints";
import { migratedSchemas } from "../variables/migrated-schemas";
import type { VpcConfig } from "../variables/schema";
import { DEPLOYMENT_KEY_ID, createDeploymentKey } from "./deployment-key";
import { DeploymentStack, type DeploymentStackProps } from "./deployment-stack";
import { labNames } from "./lab-names";
import { addLabOutputs } from "./lab-outputs";
import { moveFromFlatLayout } from "./legacy-addresses";

export function labStackId(deploymentName: string): string {
  return `${deploymentName}-lab`;
}

/**
 * Rarely changes, holds the data: a destroy here is a destroy of the databases. Tasks, alarms and
 * the cutover switch live in the migration stack, which finds this one by name.
 */
export class LabStack extends DeploymentStack {
  /** The key this stack creates, or (with `encryption.dataKeyStack`) finds by alias in `<name>-data`. */
  readonly encryptionKey: LabKey | KeyLookup;
  readonly onPremNetwork: LabNetwork;
  readonly dmsNetwork: LabNetwork;
  readonly targetNetwork: LabNetwork;
  readonly dmsServiceEndpoints: ServiceEndpoints;
  readonly rdsCaCertificate: RdsCaCertificate;
  readonly flowLogs: VpcFlowLog[];
  readonly source: DatabaseSide;
  readonly target: DatabaseSide;
  readonly replicationInstance: ReplicationInstance;
  readonly databaseOperations: DatabaseOperations;
  readonly bastion?: Bastion;
  readonly alarmTopic: AlarmTopic;
  readonly sourceDatabaseAlarms: SourceDatabaseAlarms;

  constructor(scope: Construct, props: DeploymentStackProps) {
    super(scope, labStackId(props.deployment.name), props);
    const { deployment } = props;
    const names = labNames(deployment.name);

    // With a data stack the key lives there and a lab destroy cannot reach it; the lookup gives the
    // same ARN, so no cluster, secret or log group sees a different key.
    this.encryptionKey = deployment.encryption.dataKeyStack
      ? new KeyLookup(this, DEPLOYMENT_KEY_ID, { aliasName: names.keyAlias })
      : createDeploymentKey(this, deployment);

    const network = (id: string, networkName: string, vpc: VpcConfig) =>
      new LabNetwork(this, id, {
        name: networkName,
        cidr: vpc.cidr,
        availabilityZones: deployment.availabilityZones,
        privateSubnetCidrs: vpc.privateSubnets,
      });
    this.onPremNetwork = network("OnPremNetwork", names.onPremNetwork, deployment.network.onPrem);
    this.dmsNetwork = network("DmsNetwork", names.dmsNetwork, deployment.network.dms);
    this.targetNetwork = network("TargetNetwork", names.targetNetwork, deployment.network.target);
    const networks = [this.onPremNetwork, this.dmsNetwork, this.targetNetwork];
    const flowLogRole = new FlowLogRole(this, "FlowLogRole", { name: names.flowLogRole, logGroupNames: networks.map(flowLogGroupName) });
    this.flowLogs = networks.map(
      (vpcNetwork) =>
        new VpcFlowLog(this, `${vpcNetwork.node.id}FlowLog`, {
          network: vpcNetwork,
          role: flowLogRole,
          encryptionKey: this.encryptionKey,
          retentionDays: deployment.network.flowLogRetentionDays,
        }),
    );
    // The bastion alone needs S3 (its packages) and, for encrypted and logged sessions, KMS and Logs.
    const bastionEnabled = deployment.bastion.enabled;
    this.dmsServiceEndpoints = new ServiceEndpoints(this, "DmsServiceEndpoints", {
      network: this.dmsNetwork,
      interfaceServices: [...DMS_VPC_INTERFACE_SERVICES, ...(bastionEnabled ? BASTION_SESSION_SERVICES : [])],
      s3ReadableBuckets: bastionEnabled ? [al2023RepositoryBucket(deployment.region)] : [],
    });

    // DMS reads each side's endpoint secret through this role; each side grants its own secret.
    const dmsSecretsAccess = new SecretsAccessRole(this, "DmsSecretsAccess", {
      name: names.dmsSecretsRole,
      encryptionKey: this.encryptionKey,
    });
    // Both DMS endpoints verify their server against the RDS CA bundle.
    this.rdsCaCertificate = new RdsCaCertificate(this, "RdsCaCertificate", { name: names.rdsCaCertificate });
    const side = (id: string, role: "source" | "target", databaseNetwork: LabNetwork) =>
      new DatabaseSide(this, id, {
        role,
        names: names[role],
        database: deployment.databases[role],
        network: databaseNetwork,
        consumerNetwork: this.dmsNetwork,
        encryptionKey: this.encryptionKey,
        allowedPrincipals: deployment.privateLink.allowedPrincipals,
        acceptanceRequired: deployment.privateLink.acceptanceRequired,
        secretRecoveryWindowDays: deployment.secrets.recoveryWindowDays,
        dmsSecretsAccess,
        serverCertificate: this.rdsCaCertificate,
      });
    this.source = side("Source", "source", this.onPremNetwork);
    this.target = side("Target", "target", this.targetNetwork);

    this.replicationInstance = new ReplicationInstance(this, "ReplicationInstance", {
      ...deployment.dms,
      name: names.replicationInstance,
      network: this.dmsNetwork,
      encryptionKey: this.encryptionKey,
      dmsServiceRoles: new DmsServiceRoleLookup(this, "DmsServiceRoles"),
    });

    this.databaseOperations = new DatabaseOperations(this, "DatabaseOperations", {
      name: names.databaseOperations,
      network: this.dmsNetwork,
      serviceEndpoints: this.dmsServiceEndpoints,
      source: this.source,
      target: this.target,
      encryptionKey: this.encryptionKey,
      migratedSchemas: migratedSchemas(deployment),
      rotationDays: deployment.secrets.rotationDays,
    });

    if (deployment.bastion.enabled) {
      this.bastion = new Bastion(this, "Bastion", {
        ...deployment.bastion,
        name: names.bastion,
        deploymentName: deployment.name,
        network: this.dmsNetwork,
        encryptionKey: this.encryptionKey,
        readableSecretArns: [this.source.secret.secretArn, this.target.secret.secretArn],
      });
    }

    // Who talks to whom: DMS and the bastion reach both interface endpoints on 5432 and the AWS
    // service endpoints on 443; the bastion also reaches S3 (its packages). PostgreSQL to PostgreSQL
    // DMS uses no S3. Nothing else in or out.
    for (const client of [this.replicationInstance.connections, this.bastion?.connections]) {
      if (!client) continue;
      this.source.connections.allowFrom(client);
      this.target.connections.allowFrom(client);
      client.allowTo(this.dmsServiceEndpoints.connections);
    }
    this.bastion?.connections.allowToPrefixList(
      { prefixListId: this.dmsServiceEndpoints.s3GatewayEndpoint.prefixListId, label: "s3" },
      443,
    );

    // The source's replication slot outlives the migration stack's tasks, so its alarms and their
    // topic live here: destroying the migration stack must not silence a slot left behind. The
    // lab's own failures (writer-sync) go here too.
    const { monitoring } = deployment.migration;
    this.alarmTopic = new AlarmTopic(this, "AlarmTopic", {
      name: names.alarmTopic,
      kmsKeyArn: this.encryptionKey.keyArn,
      email: monitoring.email,
    });
    this.sourceDatabaseAlarms = new SourceDatabaseAlarms(this, "SourceDatabaseAlarms", {
      name: names.source.cluster,
      clusterIdentifier: this.source.database.clusterIdentifier,
      replicationSlotLagThresholdBytes: monitoring.replicationSlotLagThresholdBytes,
      transactionLogsDiskUsageThresholdBytes: monitoring.transactionLogsDiskUsageThresholdBytes,
      replicationSlotDiskUsageThresholdBytes: monitoring.replicationSlotDiskUsageThresholdBytes,
      topic: this.alarmTopic,
    });
    // writer-sync runs asynchronously (EventBridge): its failures go to the same topic.
    for (const { writerSync } of [this.source, this.target]) writerSync.reportFailuresTo(this.alarmTopic, this.encryptionKey);

    moveFromFlatLayout(this.source);
    moveFromFlatLayout(this.target);
    addLabOutputs(this);
  }
}
