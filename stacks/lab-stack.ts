// The `<name>-lab` stack: key, three VPCs, DMS-VPC service endpoints and the Aurora PostgreSQL pair.
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AuroraPostgres } from "../constructs/database/aurora-postgres";
import { LabKey } from "../constructs/encryption/lab-key";
import { physicalName } from "../constructs/naming";
import { LabNetwork } from "../constructs/network/lab-network";
import { ServiceEndpoints } from "../constructs/network/service-endpoints";
import type { RuntimeSettings } from "../variables/runtime";
import type { Deployment, VpcConfig } from "../variables/schema";
import { createAwsProvider } from "./aws-provider";
import { configureBackend } from "./backend";

export interface LabStackProps {
  readonly deployment: Deployment;
  readonly runtime: RuntimeSettings;
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

  constructor(scope: Construct, props: LabStackProps) {
    const { deployment, runtime } = props;
    const stackId = labStackId(deployment.name);
    super(scope, stackId);
    this.deployment = deployment;
    createAwsProvider(this, deployment, runtime);
    configureBackend(this, stackId, deployment, runtime);

    const account = new DataAwsCallerIdentity(this, "Account");
    const partition = new DataAwsPartition(this, "Partition");
    const name = (...parts: string[]) => physicalName(deployment.name, ...parts);

    this.encryptionKey = new LabKey(this, "EncryptionKey", {
      name: name("lab"),
      accountId: account.accountId,
      partition: partition.partition,
      region: deployment.region,
      deletionWindowDays: deployment.encryption.keyDeletionWindowDays,
    });

    const network = (id: string, role: string, vpc: VpcConfig) =>
      new LabNetwork(this, id, {
        name: name(role),
        cidr: vpc.cidr,
        availabilityZones: deployment.availabilityZones,
        privateSubnetCidrs: vpc.privateSubnets,
      });
    this.onPremNetwork = network("OnPremNetwork", "onprem", deployment.network.onPrem);
    this.dmsNetwork = network("DmsNetwork", "dms", deployment.network.dms);
    this.targetNetwork = network("TargetNetwork", "target", deployment.network.target);

    this.dmsServiceEndpoints = new ServiceEndpoints(this, "DmsServiceEndpoints", {
      network: this.dmsNetwork,
      region: deployment.region,
    });

    this.sourceDatabase = new AuroraPostgres(this, "SourceDatabase", {
      name: name("source"),
      role: "source",
      network: this.onPremNetwork,
      encryptionKey: this.encryptionKey,
      settings: deployment.databases.source,
    });
    this.targetDatabase = new AuroraPostgres(this, "TargetDatabase", {
      name: name("target"),
      role: "target",
      network: this.targetNetwork,
      encryptionKey: this.encryptionKey,
      settings: deployment.databases.target,
    });

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
  }
}
