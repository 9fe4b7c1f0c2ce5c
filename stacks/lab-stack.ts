// The `<name>-lab` stack: key, three VPCs, DMS-VPC service endpoints and the Aurora PostgreSQL pair.
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Bastion } from "../constructs/access/bastion";
import { PrivateLinkPath } from "../constructs/connectivity/private-link";
import { WriterTargetSync } from "../constructs/connectivity/writer-target-sync";
import { AuroraPostgres } from "../constructs/database/aurora-postgres";
import { DatabaseEndpoint } from "../constructs/dms/database-endpoint";
import { EndpointSecret } from "../constructs/dms/endpoint-secret";
import { ReplicationInstance } from "../constructs/dms/replication-instance";
import { SecretsAccessRole } from "../constructs/dms/secrets-access-role";
import { DmsServiceRoleLookup } from "../constructs/dms/service-roles";
import { LabKey } from "../constructs/encryption/lab-key";
import { ALARM_TOPIC_PUBLISHERS } from "../constructs/monitoring/alarm-topic";
import { LabNetwork } from "../constructs/network/lab-network";
import { ServiceEndpoints } from "../constructs/network/service-endpoints";
import type { RuntimeSettings } from "../variables/runtime";
import type { Deployment, VpcConfig } from "../variables/schema";
import { createAwsProvider } from "./aws-provider";
import { configureBackend } from "./backend";
import { labNames, type LabSideNames } from "./lab-names";

export interface LabStackProps {
  readonly deployment: Deployment;
  readonly runtime: RuntimeSettings;
}

/** The port-forwarding command a user runs on their machine to reach a database through the bastion. */
function forwardCommand(region: string, bastionId: string, host: string, localPort: number): string {
  return `aws ssm start-session --region ${region} --target ${bastionId} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${host},portNumber=5432,localPortNumber=${localPort}`;
}

function psqlHint(localPort: number, database: AuroraPostgres): string {
  return `Then, in another terminal: psql "host=localhost port=${localPort} sslmode=require dbname=${database.databaseName} user=${database.masterUsername}"`;
}

export function labStackId(deploymentName: string): string {
  return `${deploymentName}-lab`;
}

export class LabStack extends TerraformStack {
  readonly deployment: Deployment;
  readonly encryptionKey: LabKey;
  readonly onPremNetwork: LabNetwork;
  readonly dmsNetwork: LabNetwork;
  readonly targetNetwork: LabNetwork;
  readonly dmsServiceEndpoints: ServiceEndpoints;
  readonly sourceDatabase: AuroraPostgres;
  readonly targetDatabase: AuroraPostgres;
  readonly sourcePath: PrivateLinkPath;
  readonly targetPath: PrivateLinkPath;
  readonly sourceWriterSync: WriterTargetSync;
  readonly targetWriterSync: WriterTargetSync;
  readonly replicationInstance: ReplicationInstance;
  readonly sourceSecret: EndpointSecret;
  readonly targetSecret: EndpointSecret;
  readonly sourceEndpoint: DatabaseEndpoint;
  readonly targetEndpoint: DatabaseEndpoint;
  readonly bastion?: Bastion;

  constructor(scope: Construct, props: LabStackProps) {
    const { deployment, runtime } = props;
    const stackId = labStackId(deployment.name);
    super(scope, stackId);
    this.deployment = deployment;
    createAwsProvider(this, deployment, runtime);
    configureBackend(this, stackId, deployment, runtime);

    const account = new DataAwsCallerIdentity(this, "Account");
    const partition = new DataAwsPartition(this, "Partition");
    const names = labNames(deployment.name);

    this.encryptionKey = new LabKey(this, "EncryptionKey", {
      name: names.key,
      accountId: account.accountId,
      partition: partition.partition,
      region: deployment.region,
      deletionWindowDays: deployment.encryption.keyDeletionWindowDays,
      // The migration stack's alarm topic is encrypted with this key: CloudWatch alarms, DMS event
      // subscriptions and EventBridge (where DMS events go once subscriptions move there) publish to it.
      servicePrincipals: ALARM_TOPIC_PUBLISHERS,
    });

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

    this.dmsServiceEndpoints = new ServiceEndpoints(this, "DmsServiceEndpoints", {
      network: this.dmsNetwork,
      region: deployment.region,
    });

    this.sourceDatabase = new AuroraPostgres(this, "SourceDatabase", {
      name: names.source.cluster,
      role: "source",
      network: this.onPremNetwork,
      encryptionKey: this.encryptionKey,
      settings: deployment.databases.source,
    });
    this.targetDatabase = new AuroraPostgres(this, "TargetDatabase", {
      name: names.target.cluster,
      role: "target",
      network: this.targetNetwork,
      encryptionKey: this.encryptionKey,
      settings: deployment.databases.target,
    });

    // PrivateLink: one path per database into the DMS VPC; the NLB targets follow each writer.
    const allowedPrincipals = deployment.privateLink.allowedPrincipals.length
      ? deployment.privateLink.allowedPrincipals
      : [`arn:${partition.partition}:iam::${account.accountId}:root`];
    const path = (id: string, role: string, sideNames: LabSideNames, database: AuroraPostgres, databaseNetwork: LabNetwork) =>
      new PrivateLinkPath(this, id, {
        name: sideNames.privateLink,
        role,
        database,
        databaseNetwork,
        consumerNetwork: this.dmsNetwork,
        allowedPrincipals,
        acceptanceRequired: deployment.privateLink.acceptanceRequired,
      });
    this.sourcePath = path("SourcePrivateLink", "source", names.source, this.sourceDatabase, this.onPremNetwork);
    this.targetPath = path("TargetPrivateLink", "target", names.target, this.targetDatabase, this.targetNetwork);
    const writerSync = (id: string, sideNames: LabSideNames, database: AuroraPostgres, privateLink: PrivateLinkPath) =>
      new WriterTargetSync(this, id, {
        name: sideNames.writerSync,
        database,
        privateLink,
        encryptionKey: this.encryptionKey,
        accountId: account.accountId,
        partition: partition.partition,
        region: deployment.region,
      });
    this.sourceWriterSync = writerSync("SourceWriterSync", names.source, this.sourceDatabase, this.sourcePath);
    this.targetWriterSync = writerSync("TargetWriterSync", names.target, this.targetDatabase, this.targetPath);

    // DMS: waits for the account-wide service roles, reads credentials from Secrets Manager.
    const serviceRoles = new DmsServiceRoleLookup(this, "DmsServiceRoles");
    const secret = (id: string, role: string, sideNames: LabSideNames) =>
      new EndpointSecret(this, id, {
        name: sideNames.dmsSecret,
        purpose: `DMS ${role} endpoint credentials (host: the ${role} interface endpoint)`,
        encryptionKey: this.encryptionKey,
        recoveryWindowDays: deployment.secrets.recoveryWindowDays,
      });
    this.sourceSecret = secret("SourceSecret", "source", names.source);
    this.targetSecret = secret("TargetSecret", "target", names.target);
    const accessRole = new SecretsAccessRole(this, "DmsSecretsAccess", {
      name: names.dmsSecretsRole,
      region: deployment.region,
      accountId: account.accountId,
      encryptionKey: this.encryptionKey,
      secrets: [this.sourceSecret, this.targetSecret],
    });
    this.replicationInstance = new ReplicationInstance(this, "ReplicationInstance", {
      name: names.replicationInstance,
      network: this.dmsNetwork,
      encryptionKey: this.encryptionKey,
      settings: deployment.dms,
      dependsOn: serviceRoles.roles,
    });
    const endpoint = (id: string, role: "source" | "target", database: AuroraPostgres, privateLink: PrivateLinkPath, endpointSecret: EndpointSecret) =>
      new DatabaseEndpoint(this, id, {
        name: names[role].dmsEndpoint,
        endpointType: role,
        database,
        privateLink,
        secret: endpointSecret,
        accessRole,
        encryptionKey: this.encryptionKey,
        sslMode: deployment.dms.sslMode,
      });
    this.sourceEndpoint = endpoint("SourceEndpoint", "source", this.sourceDatabase, this.sourcePath, this.sourceSecret);
    this.targetEndpoint = endpoint("TargetEndpoint", "target", this.targetDatabase, this.targetPath, this.targetSecret);

    if (deployment.bastion.enabled) {
      this.bastion = new Bastion(this, "Bastion", {
        name: names.bastion,
        deploymentName: deployment.name,
        network: this.dmsNetwork,
        encryptionKey: this.encryptionKey,
        readableSecretArns: [this.sourceDatabase.masterUserSecretArn, this.targetDatabase.masterUserSecretArn],
        writableSecretArns: [this.sourceSecret.secretArn, this.targetSecret.secretArn],
        settings: deployment.bastion,
        partition: partition.partition,
        region: deployment.region,
        accountId: account.accountId,
      });
    }

    // Who talks to whom: DMS and the bastion reach both interface endpoints on 5432 and the AWS
    // service endpoints and S3 on 443; nothing else in or out.
    const s3 = { prefixListId: this.dmsServiceEndpoints.s3GatewayEndpoint!.prefixListId, label: "s3" };
    for (const client of [this.replicationInstance.connections, this.bastion?.connections]) {
      if (!client) continue;
      this.sourcePath.connections.allowFrom(client);
      this.targetPath.connections.allowFrom(client);
      client.allowTo(this.dmsServiceEndpoints.connections);
      client.allowToPrefixList(s3, 443);
    }

    const output = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    output("onprem_vpc_id", this.onPremNetwork.vpcId, "VPC of the source database (the simulated on-premises network)");
    output("dms_vpc_id", this.dmsNetwork.vpcId, "VPC of the DMS replication instance and the bastion");
    output("target_vpc_id", this.targetNetwork.vpcId, "VPC of the target database");
    output("source_cluster_endpoint", this.sourceDatabase.writerEndpoint, "Writer endpoint of the source cluster (reachable only inside its VPC)");
    output("target_cluster_endpoint", this.targetDatabase.writerEndpoint, "Writer endpoint of the target cluster (reachable only inside its VPC)");
    output("source_master_secret_arn", this.sourceDatabase.masterUserSecretArn, "RDS-managed master secret of the source (ARN only)");
    output("target_master_secret_arn", this.targetDatabase.masterUserSecretArn, "RDS-managed master secret of the target (ARN only)");
    output("kms_key_arn", this.encryptionKey.keyArn, "Customer-managed key of this deployment");
    output("source_endpoint_dns", this.sourcePath.endpointDnsName, "Interface endpoint to the source database (host for DMS and psql)");
    output("target_endpoint_dns", this.targetPath.endpointDnsName, "Interface endpoint to the target database (host for DMS and psql)");
    output("source_dms_secret_arn", this.sourceSecret.secretArn, "DMS source endpoint secret (ARN only; the runbook writes its value)");
    output("target_dms_secret_arn", this.targetSecret.secretArn, "DMS target endpoint secret (ARN only; the runbook writes its value)");
    output("replication_instance_arn", this.replicationInstance.instanceArn, "DMS replication instance");
    output("source_endpoint_arn", this.sourceEndpoint.endpointArn, "DMS source endpoint");
    output("target_endpoint_arn", this.targetEndpoint.endpointArn, "DMS target endpoint");
    if (this.bastion) {
      const region = deployment.region;
      output("bastion_id", this.bastion.instanceId, "SSM-only migration workstation");
      output("bastion_session_command", `aws ssm start-session --region ${region} --target ${this.bastion.instanceId}`, "Open a shell on the bastion");
      output("source_port_forward_command", forwardCommand(region, this.bastion.instanceId, this.sourcePath.endpointDnsName, 15432), psqlHint(15432, this.sourceDatabase));
      output("target_port_forward_command", forwardCommand(region, this.bastion.instanceId, this.targetPath.endpointDnsName, 25432), psqlHint(25432, this.targetDatabase));
    }
  }
}
