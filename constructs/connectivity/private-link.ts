// One PrivateLink path: an internal NLB in front of a database, its endpoint service, and the consumer's interface endpoint.
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcEndpointConnectionAccepter } from "@cdktf/provider-aws/lib/vpc-endpoint-connection-accepter";
import { VpcEndpointService } from "@cdktf/provider-aws/lib/vpc-endpoint-service";
import { VpcEndpointServiceAllowedPrincipal } from "@cdktf/provider-aws/lib/vpc-endpoint-service-allowed-principal";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import type { AuroraPostgres } from "../database/aurora-postgres";
import { nameTag } from "../naming";
import { Connections } from "../network/connections";
import type { LabNetwork } from "../network/lab-network";

/** The physical names a path derives from its prefix; other stacks look the path up by them. */
export function privateLinkNames(prefix: string): { loadBalancer: string; targetGroup: string; interfaceEndpoint: string } {
  return { loadBalancer: `${prefix}-nlb`, targetGroup: `${prefix}-writer`, interfaceEndpoint: `${prefix}-endpoint` };
}

export interface PrivateLinkPathProps {
  /** Physical name prefix, e.g. `dev-source`; the NLB becomes `dev-source-nlb` (32 characters at most). */
  readonly name: string;
  /** Short role in the lab (`source`, `target`): labels rules and descriptions. */
  readonly role: string;
  /** The database published through this path; the NLB lives in its VPC. */
  readonly database: AuroraPostgres;
  /** The VPC holding the database (and so the NLB). */
  readonly databaseNetwork: LabNetwork;
  /** The VPC that consumes the service (the DMS VPC). */
  readonly consumerNetwork: LabNetwork;
  /** IAM principals allowed to connect to the endpoint service. @default this account (its root principal) */
  readonly allowedPrincipals?: readonly string[];
  /** Connections wait for acceptance; the path then accepts its own endpoint explicitly. @default false (the deployment schema defaults to true) */
  readonly acceptanceRequired?: boolean;
  /** Seconds a deregistered target keeps its connections (short: after a failover they are dead anyway). @default 30 */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * Publishes a database's port through an internal Network Load Balancer and a VPC endpoint
 * service, and consumes it with an interface endpoint in another VPC. No routing between the VPCs
 * is needed, so their CIDRs may be equal. The target group starts empty: WriterTargetSync keeps it
 * pointed at the cluster's current writer.
 */
export class PrivateLinkPath extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly listener: LbListener;
  readonly endpointService: VpcEndpointService;
  readonly interfaceEndpoint: VpcEndpoint;
  /** With `acceptanceRequired`: the service owner's acceptance; the endpoint carries nothing before it. */
  readonly accepter?: VpcEndpointConnectionAccepter;
  /** The NLB's security group (database side). */
  readonly loadBalancerConnections: Connections;
  /** The interface endpoint's security group (consumer side): allow DMS and the bastion here. */
  readonly connections: Connections;
  /** Regional DNS name of the interface endpoint: the host DMS and psql connect to. */
  readonly endpointDnsName: string;
  readonly port: number;

  constructor(scope: Construct, id: string, props: PrivateLinkPathProps) {
    super(scope, id);
    const { name, role, database, databaseNetwork, consumerNetwork } = props;
    const names = privateLinkNames(name);
    const allowedPrincipals = props.allowedPrincipals ?? [AwsEnvironment.of(this).accountRootArn];
    if (allowedPrincipals.length === 0) {
      throw new Error(
        `${this.node.path}: allowedPrincipals is empty; name at least the account that consumes the service, or leave it out for this account`,
      );
    }
    // Load balancer and target group names share AWS's 32-character limit; the longest decides.
    const longest = [names.loadBalancer, names.targetGroup].reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length > 32) {
      throw new Error(
        `${this.node.path}: "${longest}" is longer than the 32 characters AWS allows for load balancer and target group names; shorten the name`,
      );
    }
    this.port = database.port;

    this.loadBalancerConnections = new Connections(this, "LoadBalancerSecurityGroup", {
      name: names.loadBalancer,
      description: `NLB in front of ${database.clusterIdentifier}: forwards PostgreSQL from PrivateLink`,
      vpcId: databaseNetwork.vpcId,
      label: `${role}-nlb`,
      defaultPort: this.port,
    });
    database.connections.allowFrom(this.loadBalancerConnections);

    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name: names.loadBalancer,
      loadBalancerType: "network",
      internal: true,
      subnets: databaseNetwork.privateSubnetIds,
      securityGroups: [this.loadBalancerConnections.securityGroupId],
      // One writer, two zones: without cross-zone the node in the writer-less zone has no target.
      enableCrossZoneLoadBalancing: true,
      // PrivateLink traffic is gated by the endpoint service's allowed principals and the consumer
      // endpoint's security group; the NLB's own inbound rules would only see NLB-internal addresses.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: "off",
      tags: nameTag(names.loadBalancer),
    });

    this.targetGroup = new LbTargetGroup(this, "TargetGroup", {
      name: names.targetGroup,
      port: this.port,
      protocol: "TCP",
      targetType: "ip",
      vpcId: databaseNetwork.vpcId,
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
      // Connections to a demoted writer are closed so clients reconnect to the new one.
      connectionTermination: true,
      // The timeout stays below the interval: with TCP checks AWS's default timeout equals a 10 s interval.
      healthCheck: { protocol: "TCP", port: "traffic-port", interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      tags: nameTag(names.targetGroup),
    });

    this.listener = new LbListener(this, "Listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: this.port,
      protocol: "TCP",
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      tags: nameTag(`${name}-${this.port}`),
    });

    this.endpointService = new VpcEndpointService(this, "EndpointService", {
      acceptanceRequired: props.acceptanceRequired ?? false,
      networkLoadBalancerArns: [this.loadBalancer.arn],
      tags: nameTag(`${name}-service`),
    });
    // One resource per principal (not the inline list), so adding one never rewrites the others.
    const principalGrants = allowedPrincipals.map(
      (principal, index) =>
        new VpcEndpointServiceAllowedPrincipal(this, `AllowedPrincipal${index + 1}`, {
          vpcEndpointServiceId: this.endpointService.id,
          principalArn: principal,
        }),
    );

    this.connections = new Connections(this, "EndpointSecurityGroup", {
      name: names.interfaceEndpoint,
      description: `Interface endpoint to ${database.clusterIdentifier}: PostgreSQL from named peers only`,
      vpcId: consumerNetwork.vpcId,
      label: `${role}-endpoint`,
      defaultPort: this.port,
    });

    this.interfaceEndpoint = new VpcEndpoint(this, "InterfaceEndpoint", {
      vpcId: consumerNetwork.vpcId,
      serviceName: this.endpointService.serviceName,
      vpcEndpointType: "Interface",
      subnetIds: consumerNetwork.privateSubnetIds,
      securityGroupIds: [this.connections.securityGroupId],
      // A custom service has no private DNS name: clients use the endpoint's regional DNS name.
      privateDnsEnabled: false,
      // AWS refuses an endpoint to a service that does not yet allow its principal (InvalidServiceName):
      // without this the first apply races the grants.
      dependsOn: principalGrants,
      tags: nameTag(names.interfaceEndpoint),
    });
    if (props.acceptanceRequired) {
      this.accepter = new VpcEndpointConnectionAccepter(this, "Accepter", {
        vpcEndpointServiceId: this.endpointService.id,
        vpcEndpointId: this.interfaceEndpoint.id,
      });
    }
    this.endpointDnsName = this.interfaceEndpoint.dnsEntry.get(0).dnsName;
  }
}
