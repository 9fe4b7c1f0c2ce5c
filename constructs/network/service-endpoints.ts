// AWS service endpoints of a private VPC: interface endpoints with private DNS, and the S3 gateway endpoint.
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { nameTag } from "../naming";
import { Connections } from "./connections";
import type { LabNetwork } from "./lab-network";

/** What the DMS VPC needs: SSM Session Manager (ssm, ssmmessages, ec2messages), DMS, secrets, keys, logs. */
export const DMS_VPC_INTERFACE_SERVICES = ["ssm", "ssmmessages", "ec2messages", "dms", "secretsmanager", "kms", "logs"] as const;

export interface ServiceEndpointsProps {
  /** The VPC to serve. */
  readonly network: LabNetwork;
  /** Region of the service names (`com.amazonaws.<region>.<service>`). */
  readonly region: string;
  /** Interface endpoint services. @default DMS_VPC_INTERFACE_SERVICES */
  readonly interfaceServices?: readonly string[];
  /** Add the S3 gateway endpoint (bastion packages, DMS). @default true */
  readonly s3Gateway?: boolean;
}

export class ServiceEndpoints extends Construct {
  /** Guards the interface endpoints: HTTPS from the VPC only. */
  readonly connections: Connections;
  readonly interfaceEndpoints: Record<string, VpcEndpoint> = {};
  readonly s3GatewayEndpoint?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: ServiceEndpointsProps) {
    super(scope, id);
    const { network, region } = props;
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
    if (props.s3Gateway ?? true) {
      this.s3GatewayEndpoint = new VpcEndpoint(this, "Gateway-s3", {
        vpcId: network.vpcId,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [network.privateRouteTable.id],
        tags: nameTag(`${network.name}-s3`),
      });
    }
  }
}
