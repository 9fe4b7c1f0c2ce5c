// A database's own host name, answered inside a consumer VPC with that VPC's interface endpoint to the database.
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Construct } from "constructs";
import type { PrivateLinkPath } from "../connectivity/private-link";
import { nameTag } from "../naming";
import type { LabNetwork } from "./lab-network";

export interface PrivateDatabaseNameProps {
  /** `Name` tag of the zone, e.g. `dev-source-name`. */
  readonly name: string;
  /**
   * The name clients use and the server's certificate carries: an Aurora cluster endpoint
   * (`<cluster>.cluster-<id>.<region>.rds.amazonaws.com`).
   */
  readonly hostName: string;
  /** The path whose interface endpoint the name answers with. */
  readonly privateLink: PrivateLinkPath;
  /** The VPC in which the name answers so (the interface endpoint's VPC). */
  readonly consumerNetwork: LabNetwork;
}

/**
 * A private hosted zone named exactly the host name, associated with the consumer VPC only, whose apex
 * is an alias of the interface endpoint's regional name. Inside that VPC, Route 53 Resolver answers
 * from the most specific zone, so this one name (and nothing else under rds.amazonaws.com) resolves to
 * the interface endpoint; elsewhere it keeps its public answer. A client can then connect to the name
 * on the RDS certificate and verify it (`verify-full`) although its packets take the PrivateLink path.
 * A zone per name, not one for `<region>.rds.amazonaws.com`: that would answer NXDOMAIN in this VPC for
 * every other RDS name of the region.
 */
export class PrivateDatabaseName extends Construct {
  readonly zone: Route53Zone;
  readonly record: Route53Record;
  readonly hostName: string;

  constructor(scope: Construct, id: string, props: PrivateDatabaseNameProps) {
    super(scope, id);
    this.hostName = props.hostName;
    const { interfaceEndpoint } = props.privateLink;
    this.zone = new Route53Zone(this, "Zone", {
      name: props.hostName,
      comment: `Answers ${props.consumerNetwork.name}'s queries for this database with its interface endpoint`,
      vpc: [{ vpcId: props.consumerNetwork.vpcId }],
      // The zone holds only the record below, which Terraform manages too.
      forceDestroy: true,
      tags: nameTag(props.name),
    });
    this.record = new Route53Record(this, "Record", {
      zoneId: this.zone.zoneId,
      name: props.hostName,
      type: "A",
      alias: {
        name: interfaceEndpoint.dnsEntry.get(0).dnsName,
        zoneId: interfaceEndpoint.dnsEntry.get(0).hostedZoneId,
        evaluateTargetHealth: false,
      },
    });
  }
}
