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
 * ssmmessages instead, and AL2023's agent is newer). `kms` and `logs` are only for the bastion
 * ({@link BASTION_SESSION_SERVICES}); without it nothing calls them from the VPC (Secrets Manager,
 * EBS and DMS decrypt on the service side, Lambda writes its logs outside the VPC, DMS writes task
 * logs through its `dms-cloudwatch-logs-role`).
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

/**
 * Encrypted, logged Session Manager sessions: the bastion's SSM agent asks KMS for the session's
 * data key and streams the session to CloudWatch Logs, both from inside the VPC.
 */
export const BASTION_SESSION_SERVICES = ["kms", "logs"] as const;

export interface ServiceEndpointsProps {
  /** The VPC to serve; service names are the stack's region's (`com.amazonaws.<region>.<service>`). */
  readonly network: LabNetwork;
  /** Interface endpoint services. @default DMS_VPC_INTERFACE_SERVICES */
  readonly interfaceServices?: readonly string[];
  /**
   * Buckets whose objects may be read through the S3 gateway endpoint (its endpoint policy); nothing
   * else in S3 is reachable from the VPC. @default [] — the endpoint admits no request
   */
  readonly s3ReadableBuckets?: readonly string[];
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
    const environment = AwsEnvironment.of(this);
    const region = environment.region;
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
      policy: JSON.stringify(s3EndpointPolicy(environment.partition, props.s3ReadableBuckets ?? [])),
      tags: nameTag(`${network.name}-s3`),
    });
  }
}

/** Read-only access to the named buckets' objects, for any principal in the VPC; with none, a policy that admits nothing. */
function s3EndpointPolicy(partition: string, buckets: readonly string[]): object {
  if (buckets.length === 0) {
    return {
      Version: "2012-10-17",
      Statement: [{ Sid: "NothingInTheLabUsesS3", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }],
    };
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadNamedBuckets",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: buckets.map((bucket) => `arn:${partition}:s3:::${bucket}/*`),
      },
    ],
  };
}
