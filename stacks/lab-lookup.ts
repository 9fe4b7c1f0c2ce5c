// Finds a deployed lab's resources by their deterministic names (data sources), for stacks deployed apart from it.
import { DataAwsDmsEndpoint } from "@cdktf/provider-aws/lib/data-aws-dms-endpoint";
import { DataAwsDmsReplicationInstance } from "@cdktf/provider-aws/lib/data-aws-dms-replication-instance";
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import { DataAwsLb } from "@cdktf/provider-aws/lib/data-aws-lb";
import { DataAwsLbTargetGroup } from "@cdktf/provider-aws/lib/data-aws-lb-target-group";
import { DataAwsRdsCluster } from "@cdktf/provider-aws/lib/data-aws-rds-cluster";
import { DataAwsVpcEndpoint } from "@cdktf/provider-aws/lib/data-aws-vpc-endpoint";
import { Construct } from "constructs";
import type { LabNames, LabSideNames } from "./lab-names";

/** One database side as the migration stack sees it. */
export class LabSideLookup extends Construct {
  readonly loadBalancer: DataAwsLb;
  readonly targetGroup: DataAwsLbTargetGroup;
  readonly interfaceEndpoint: DataAwsVpcEndpoint;
  readonly dmsEndpoint: DataAwsDmsEndpoint;
  readonly cluster: DataAwsRdsCluster;
  /** Regional DNS name of the interface endpoint in the DMS VPC. */
  readonly endpointDnsName: string;
  /**
   * The cluster (writer) endpoint's name. In the DMS VPC a private hosted zone answers it with the interface
   * endpoint, so a client there reaches the database through PrivateLink and can verify the server by this name.
   */
  readonly clusterEndpoint: string;

  constructor(scope: Construct, id: string, names: LabSideNames) {
    super(scope, id);
    this.loadBalancer = new DataAwsLb(this, "LoadBalancer", { name: names.loadBalancer });
    this.targetGroup = new DataAwsLbTargetGroup(this, "TargetGroup", { name: names.targetGroup });
    this.interfaceEndpoint = new DataAwsVpcEndpoint(this, "InterfaceEndpoint", {
      tags: { Name: names.interfaceEndpoint },
      // A deleted endpoint stays visible (state `deleted`) for a while; after a lab
      // destroy-then-deploy the old one would match the name too.
      filter: [{ name: "vpc-endpoint-state", values: ["available", "pendingAcceptance", "pending"] }],
    });
    this.dmsEndpoint = new DataAwsDmsEndpoint(this, "DmsEndpoint", { endpointId: names.dmsEndpoint });
    this.cluster = new DataAwsRdsCluster(this, "Cluster", { clusterIdentifier: names.cluster });
    this.clusterEndpoint = this.cluster.endpoint;
    // The first entry is the regional name; the others are per-zone.
    this.endpointDnsName = this.interfaceEndpoint.dnsEntry.get(0).dnsName;
  }
}

/**
 * Lookups, not cross-stack references: a reference would add an output to the lab stack (a lab
 * redeploy for every new value) and tie the two stacks' destroy order. A lookup also fails the
 * plan with AWS's "not found" when the lab is not deployed yet.
 */
export class LabLookup extends Construct {
  readonly keyAlias: DataAwsKmsAlias;
  readonly replicationInstance: DataAwsDmsReplicationInstance;
  readonly source: LabSideLookup;
  readonly target: LabSideLookup;

  constructor(scope: Construct, id: string, names: LabNames) {
    super(scope, id);
    this.keyAlias = new DataAwsKmsAlias(this, "KeyAlias", { name: names.keyAlias });
    this.replicationInstance = new DataAwsDmsReplicationInstance(this, "ReplicationInstance", {
      replicationInstanceId: names.replicationInstance,
    });
    this.source = new LabSideLookup(this, "Source", names.source);
    this.target = new LabSideLookup(this, "Target", names.target);
  }
}
