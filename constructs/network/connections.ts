// Connections: a security group, and the one way the lab opens traffic between peers (a rule resource per peer and port).
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Token } from "cdktf";
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
  /**
   * The port peers reach this component on when a rule names none. Clients that nobody connects to
   * (the DMS instance, the bastion) have none. @default no default port: every rule names its port
   */
  readonly defaultPort?: number;
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

/** Where a rule points: exactly one of the provider's three peer arguments. */
type RulePeer = { readonly referencedSecurityGroupId: string } | { readonly cidrIpv4: string } | { readonly prefixListId: string };

/**
 * A security group created without inline rules (so rule resources never fight it) and an API that
 * adds one ingress or egress rule resource per peer and port, each with a description. Asking twice
 * for the same rule gives the same resource.
 */
export class Connections extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;
  readonly label: string;
  readonly defaultPort?: number;
  /** Rule id -> the peer it points at, so two peers that share a label cannot share a rule id. */
  private readonly rulePeers = new Map<string, string>();

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
  allowFrom(peer: Connections, port?: number): void {
    const resolvedPort = this.portOrDefault(port, this);
    this.rule("ingress", peer.label, { referencedSecurityGroupId: peer.securityGroupId }, resolvedPort);
    peer.allowTo(this, resolvedPort);
  }

  /**
   * Lets this component reach `peer` on `port` (egress only): for a peer that already admits this
   * component another way, e.g. endpoints open to their whole VPC.
   */
  allowTo(peer: Connections, port?: number): void {
    this.rule("egress", peer.label, { referencedSecurityGroupId: peer.securityGroupId }, this.portOrDefault(port, peer));
  }

  /** Lets one exact network reach this component on `port`. */
  allowFromCidr(peer: CidrPeer, port?: number): void {
    if (peer.cidr.endsWith("/0")) {
      throw new Error(`${this.node.path}: refusing ingress from ${peer.cidr}; name the exact network that needs ${this.label}`);
    }
    this.rule("ingress", peer.label, { cidrIpv4: peer.cidr }, this.portOrDefault(port, this));
  }

  /** Lets this component reach a prefix list (e.g. S3 through its gateway endpoint) on `port`. */
  allowToPrefixList(peer: PrefixListPeer, port: number): void {
    this.rule("egress", peer.label, { prefixListId: peer.prefixListId }, port);
  }

  private portOrDefault(port: number | undefined, owner: Connections): number {
    const chosen = port ?? owner.defaultPort;
    if (chosen === undefined) {
      throw new Error(`${this.node.path}: ${owner.label} has no default port; name the port of the rule`);
    }
    return chosen;
  }

  /** The one place a rule resource is made: id, description and protocol follow one pattern. */
  private rule(direction: "ingress" | "egress", peerLabel: string, peer: RulePeer, port: number): void {
    if (Token.isUnresolved(port) || Token.isUnresolved(peerLabel)) {
      throw new Error(
        `${this.node.path}: a rule's port and peer label name its resource, so they must be known at synth; got port ${String(port)} and label ${peerLabel}`,
      );
    }
    const id = direction === "ingress" ? `from-${peerLabel}-${port}` : `to-${peerLabel}-${port}`;
    const peerKey = JSON.stringify(peer);
    const existing = this.rulePeers.get(id);
    if (existing === peerKey) return;
    if (existing !== undefined) {
      throw new Error(`${this.node.path}: two different peers are labelled "${peerLabel}"; give each peer its own label`);
    }
    this.rulePeers.set(id, peerKey);
    const common = {
      securityGroupId: this.securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      ...peer,
    };
    if (direction === "ingress") {
      new VpcSecurityGroupIngressRule(this, id, { ...common, description: `${peerLabel} to ${this.label} on ${port}` });
    } else {
      new VpcSecurityGroupEgressRule(this, id, { ...common, description: `${this.label} to ${peerLabel} on ${port}` });
    }
  }
}
