// AWS service endpoints of a private VPC: interface endpoints with private DNS, and the S3 gateway endpoint.
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";
import { Connections } from "./connections";
import type { LabNetwork } from "./lab-network";

/**
 * The interface endpoints something in the DMS VPC calls (the VPC has no other way out; each one
 * costs per zone per hour). Not here, on purpose: `ec2messages` (SSM Agent 3.3.40.0 and later uses
 * ssmmessages instead, and AL2023's agent is newer); `kms` (nothing calls KMS from the VPC: Secrets
 * Manager, EBS and DMS decrypt on the service side); `logs` (Lambda writes its logs outside the VPC
 * and DMS writes task logs through its `dms-cloudwatch-logs-role`). Session Manager encryption and
 * logging would bring `kms` and `logs` back (docs/real-account-review.md, finding 9).
 */
export const DMS_VPC_INTERFACE_SERVICES = [
  // Session Manager on the bastion: the agent registers with ssm and opens sessions over ssmmessages.
  "ssm",
  "ssmmessages",
  // The bastion role's DMS calls (describe, start/stop this lab's tasks, test its endpoints).
  "dms",
  // DMS reads its endpoint secrets; the db-ops function reads the master secrets and rotates the
  // DMS secrets (GetSecretValue, PutSecretValue, GetRandomPassword); the bastion reads the DMS secrets.
  "secretsmanager",
] as const;

export interface ServiceEndpointsProps {
  /** The VPC to serve; service names are the stack's region's (`com.amazonaws.<region>.<service>`). */
  readonly network: LabNetwork;
  /** Interface endpoint services. @default DMS_VPC_INTERFACE_SERVICES */
  readonly interfaceServices?: readonly string[];
}

/** The S3 gateway endpoint is always there: the bastion's packages come from S3 (free, unlike an interface endpoint). */
export class ServiceEndpoints extends Construct {
  /** Guards the interface endpoints: HTTPS from the VPC only. */
  readonly connections: Connections;
  readonly interfaceEndpoints: Record<string, VpcEndpoint> = {};
  readonly s3GatewayEndpoint: VpcEndpoint;

  constructor(scope: Construct, id: string, props: ServiceEndpointsProps) {
    super(scope, id);
    const { network } = props;
    const region = AwsEnvironment.of(this).region;
    this.connections = new Connections(this, "SecurityGroup", {
      name: `${network.name}-endpoints`,
      description: `HTTPS from ${network.name} to its AWS service endpoints`,
      vpcId: network.vpcId,
      label: "endpoints",
      defaultPort: 443,
    });
    this.connections.allowFromCidr({ cidr: network.cidr, label: "vpc" });
    for (const service of props.interfaceServices ?? DMS_VPC_INTERFACE_SERVICES) {
      this.interfaceEndpoints[service] = new VpcEndpoint(this, `Interface-${service}`, {
        vpcId: network.vpcId,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [this.connections.securityGroupId],
        tags: nameTag(`${network.name}-${service}`),
      });
    }
    this.s3GatewayEndpoint = new VpcEndpoint(this, "Gateway-s3", {
      vpcId: network.vpcId,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [network.privateRouteTable.id],
      tags: nameTag(`${network.name}-s3`),
    });
  }
}
