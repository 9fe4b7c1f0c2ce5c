// Connections: a security group with a default port, and the one way the lab opens traffic between peers.
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { nameTag } from "../naming";

export interface ConnectionsProps {
  /** Physical name of the security group. */
  readonly name: string;
  /** What the group guards (becomes its description). */
  readonly description: string;
  /** The VPC the group belongs to. */
  readonly vpcId: string;
  /** Short label used in rule ids and descriptions of peers (`from-<label>-<port>`). */
  readonly label: string;
  /** The port peers reach this component on when none is given. */
  readonly defaultPort: number;
}

/** A CIDR peer: one exact network, never 0.0.0.0/0. */
export interface CidrPeer {
  readonly cidr: string;
  readonly label: string;
}

/** A managed prefix list peer (e.g. the S3 gateway endpoint's). */
export interface PrefixListPeer {
  readonly prefixListId: string;
  readonly label: string;
}

/**
 * A security group created without inline rules (so rule resources never fight it) and an API that
 * adds one ingress or egress rule resource per peer and port, each with a description.
 */
export class Connections extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;
  readonly label: string;
  readonly defaultPort: number;

  constructor(scope: Construct, id: string, props: ConnectionsProps) {
    super(scope, id);
    this.label = props.label;
    this.defaultPort = props.defaultPort;
    this.securityGroup = new SecurityGroup(this, "Resource", {
      name: props.name,
      description: props.description,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: nameTag(props.name),
    });
    this.securityGroupId = this.securityGroup.id;
  }

  /** Lets `peer` reach this component on `port`: ingress here, and egress on the peer's group. */
  allowFrom(peer: Connections, port: number = this.defaultPort): void {
    new VpcSecurityGroupIngressRule(this, `from-${peer.label}-${port}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: peer.securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `${peer.label} to ${this.label} on ${port}`,
    });
    peer.allowTo(this, port);
  }

  /**
   * Lets this component reach `peer` on `port` (egress only): for a peer that already admits this
   * component another way, e.g. endpoints open to their whole VPC.
   */
  allowTo(peer: Connections, port: number = peer.defaultPort): void {
    new VpcSecurityGroupEgressRule(this, `to-${peer.label}-${port}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: peer.securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `${this.label} to ${peer.label} on ${port}`,
    });
  }

  /** Lets one exact network reach this component on `port`. */
  allowFromCidr(peer: CidrPeer, port: number = this.defaultPort): void {
    if (peer.cidr.endsWith("/0")) {
      throw new Error(`${this.node.path}: refusing ingress from ${peer.cidr}; name the exact network that needs ${this.label}`);
    }
    new VpcSecurityGroupIngressRule(this, `from-${peer.label}-${port}`, {
      securityGroupId: this.securityGroupId,
      cidrIpv4: peer.cidr,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `${peer.label} to ${this.label} on ${port}`,
    });
  }

  /** Lets this component reach a prefix list (e.g. S3 through its gateway endpoint) on `port`. */
  allowToPrefixList(peer: PrefixListPeer, port: number): void {
    new VpcSecurityGroupEgressRule(this, `to-${peer.label}-${port}`, {
      securityGroupId: this.securityGroupId,
      prefixListId: peer.prefixListId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `${this.label} to ${peer.label} on ${port}`,
    });
  }
}
