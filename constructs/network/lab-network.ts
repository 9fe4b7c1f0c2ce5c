// One lab VPC (on-prem, DMS or target): DNS on, one private subnet per zone, a private route table, no way out.
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { nameTag } from "../naming";

export interface LabNetworkProps {
  /** Physical name prefix, e.g. `dev-dms`; subnets become `dev-dms-private-us-east-1a`. */
  readonly name: string;
  /** The VPC's CIDR block (validated by the deployment schema). */
  readonly cidr: string;
  /** Availability zones, one private subnet in each. */
  readonly availabilityZones: readonly string[];
  /** Private subnet CIDRs, in the order of `availabilityZones`. */
  readonly privateSubnetCidrs: readonly string[];
}

/**
 * A VPC with private subnets only: no internet gateway, no NAT. Everything the lab needs from AWS
 * comes through VPC endpoints; the databases come through PrivateLink.
 */
export class LabNetwork extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly cidr: string;
  readonly name: string;
  readonly privateSubnets: Subnet[];
  readonly privateSubnetIds: string[];
  readonly privateRouteTable: RouteTable;
  /** The VPC's default security group, with every rule removed. */
  readonly defaultSecurityGroup: DefaultSecurityGroup;

  constructor(scope: Construct, id: string, props: LabNetworkProps) {
    super(scope, id);
    if (props.availabilityZones.length !== props.privateSubnetCidrs.length) {
      throw new Error(
        `${this.node.path}: ${props.privateSubnetCidrs.length} subnet CIDRs for ${props.availabilityZones.length} availability zones; give one per zone`,
      );
    }
    this.name = props.name;
    this.cidr = props.cidr;
    this.vpc = new Vpc(this, "Resource", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      // Private DNS of interface endpoints needs both DNS settings on.
      enableDnsHostnames: true,
      tags: nameTag(props.name),
    });
    this.vpcId = this.vpc.id;
    // AWS's default group admits all traffic among its members and all egress; nothing in the lab
    // uses it. Managing it with no rules makes the provider remove those rules, so anything put in
    // it by mistake talks to nothing.
    this.defaultSecurityGroup = new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      vpcId: this.vpc.id,
      tags: nameTag(`${props.name}-default-no-rules`),
    });
    this.privateRouteTable = new RouteTable(this, "PrivateRouteTable", {
      vpcId: this.vpc.id,
      tags: nameTag(`${props.name}-private`),
    });
    this.privateSubnets = props.availabilityZones.map((zone, index) => {
      const subnet = new Subnet(this, `PrivateSubnet-${zone}`, {
        vpcId: this.vpc.id,
        cidrBlock: props.privateSubnetCidrs[index],
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
        tags: nameTag(`${props.name}-private-${zone}`, { Tier: "private" }),
      });
      new RouteTableAssociation(this, `PrivateRouteTableAssociation-${zone}`, {
        subnetId: subnet.id,
        routeTableId: this.privateRouteTable.id,
      });
      return subnet;
    });
    this.privateSubnetIds = this.privateSubnets.map((subnet) => subnet.id);
  }
}
