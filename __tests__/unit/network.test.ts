// LabNetwork and ServiceEndpoints on synthesized JSON: private-only VPCs and the DMS VPC's endpoints.
import { beforeAll, describe, expect, it } from "vitest";
import { App, TerraformStack } from "cdktf";
import { LabNetwork } from "../../constructs/network/lab-network";
import { BASTION_SESSION_SERVICES, DMS_VPC_INTERFACE_SERVICES } from "../../constructs/network/service-endpoints";
import type { LabStack } from "../../stacks/lab-stack";
import { defined, ref, resourcesOfType, shipped, type SynthesizedStack } from "../helpers/synth";

let lab: LabStack;
let synth: SynthesizedStack;

beforeAll(() => {
  lab = shipped("dev").stacks.lab;
  synth = shipped("dev").lab;
});

describe("LabNetwork", () => {
  it("builds three VPCs with DNS support and hostnames, all 10.0.0.0/16 in dev", () => {
    const vpcs = Object.values(resourcesOfType(synth, "aws_vpc"));
    expect(vpcs).toHaveLength(3);
    for (const vpc of vpcs) {
      expect(vpc).toMatchObject({ cidr_block: "10.0.0.0/16", enable_dns_support: true, enable_dns_hostnames: true });
    }
    expect(vpcs.map((vpc) => (vpc.tags as Record<string, string>).Name).sort()).toEqual(["dev-dms", "dev-onprem", "dev-target"]);
  });

  it("puts one private subnet in each availability zone of its own VPC", () => {
    const subnets = resourcesOfType(synth, "aws_subnet");
    const dmsSubnets = lab.dmsNetwork.privateSubnets.map((subnet) => subnets[lab.getLogicalId(subnet)]);
    expect(dmsSubnets).toEqual([
      expect.objectContaining({
        availability_zone: "us-east-1a",
        cidr_block: "10.0.1.0/24",
        map_public_ip_on_launch: false,
        vpc_id: ref(lab, lab.dmsNetwork.vpc, "aws_vpc", "id"),
      }),
      expect.objectContaining({
        availability_zone: "us-east-1b",
        cidr_block: "10.0.2.0/24",
        vpc_id: ref(lab, lab.dmsNetwork.vpc, "aws_vpc", "id"),
      }),
    ]);
    expect(Object.keys(subnets)).toHaveLength(6);
  });

  it("associates every subnet with its VPC's private route table", () => {
    const associations = Object.values(resourcesOfType(synth, "aws_route_table_association"));
    expect(associations).toHaveLength(6);
    const dmsTable = ref(lab, lab.dmsNetwork.privateRouteTable, "aws_route_table", "id");
    expect(associations.filter((association) => association.route_table_id === dmsTable)).toHaveLength(2);
  });

  it("has no way to the internet: no gateways, no routes, no public IPs", () => {
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_egress_only_internet_gateway", "aws_route", "aws_eip"]) {
      expect(resourcesOfType(synth, type)).toEqual({});
    }
    for (const table of Object.values(resourcesOfType(synth, "aws_route_table"))) {
      expect(table.route).toBeUndefined();
    }
  });

  it("takes over each VPC's default security group with no rules, so it admits nothing", () => {
    const defaults = resourcesOfType(synth, "aws_default_security_group");
    expect(Object.keys(defaults)).toHaveLength(3);
    for (const network of [lab.onPremNetwork, lab.dmsNetwork, lab.targetNetwork]) {
      const group = defaults[lab.getLogicalId(network.defaultSecurityGroup)];
      expect(group.vpc_id).toBe(ref(lab, network.vpc, "aws_vpc", "id"));
      // The provider removes every rule of a default group it manages when none are configured.
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
  });

  it("rejects a subnet list that does not match the zones", () => {
    const stack = new TerraformStack(new App(), "probe");
    expect(
      () =>
        new LabNetwork(stack, "Net", {
          name: "x",
          cidr: "10.0.0.0/16",
          availabilityZones: ["a", "b"],
          privateSubnetCidrs: ["10.0.1.0/24"],
        }),
    ).toThrow("probe/Net: 1 subnet CIDRs for 2 availability zones; give one per zone");
  });
});

describe("ServiceEndpoints in the DMS VPC", () => {
  it("creates one interface endpoint per service with private DNS, in the DMS VPC's subnets", () => {
    const endpoints = Object.values(resourcesOfType(synth, "aws_vpc_endpoint"));
    const interfaces = endpoints.filter(
      (endpoint) => endpoint.vpc_endpoint_type === "Interface" && String(endpoint.service_name).startsWith("com.amazonaws."),
    );
    expect(interfaces.map((endpoint) => endpoint.service_name).sort()).toEqual(
      [...DMS_VPC_INTERFACE_SERVICES, ...BASTION_SESSION_SERVICES].map((service) => `com.amazonaws.us-east-1.${service}`).sort(),
    );
    const dmsVpc = ref(lab, lab.dmsNetwork.vpc, "aws_vpc", "id");
    const endpointGroup = ref(lab, lab.dmsServiceEndpoints.connections.securityGroup, "aws_security_group", "id");
    for (const endpoint of interfaces) {
      expect(endpoint).toMatchObject({
        vpc_id: dmsVpc,
        private_dns_enabled: true,
        security_group_ids: [endpointGroup],
        subnet_ids: lab.dmsNetwork.privateSubnets.map((subnet) => ref(lab, subnet, "aws_subnet", "id")),
      });
    }
  });

  it("adds the S3 gateway endpoint on the DMS VPC's route table", () => {
    const gateways = Object.values(resourcesOfType(synth, "aws_vpc_endpoint")).filter(
      (endpoint) => endpoint.vpc_endpoint_type === "Gateway",
    );
    expect(gateways).toEqual([
      expect.objectContaining({
        service_name: "com.amazonaws.us-east-1.s3",
        route_table_ids: [ref(lab, lab.dmsNetwork.privateRouteTable, "aws_route_table", "id")],
      }),
    ]);
  });

  it("lets the S3 gateway endpoint read only the AL2023 package repository bucket's objects", () => {
    const gateway = Object.values(resourcesOfType(synth, "aws_vpc_endpoint")).find((endpoint) => endpoint.vpc_endpoint_type === "Gateway");
    expect(JSON.parse(String(gateway?.policy))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadNamedBuckets",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: ["arn:${data.aws_partition.Partition.partition}:s3:::al2023-repos-us-east-1-de612dc2/*"],
        },
      ],
    });
  });

  it("gives only the bastion egress to S3: PostgreSQL to PostgreSQL DMS uses none", () => {
    const s3PrefixList = ref(lab, lab.dmsServiceEndpoints.s3GatewayEndpoint, "aws_vpc_endpoint", "prefix_list_id");
    const toS3 = Object.values(resourcesOfType(synth, "aws_vpc_security_group_egress_rule")).filter(
      (rule) => rule.prefix_list_id === s3PrefixList,
    );
    expect(toS3.map((rule) => rule.security_group_id)).toEqual([
      ref(lab, defined(lab.bastion, "the bastion").connections.securityGroup, "aws_security_group", "id"),
    ]);
  });

  it("admits HTTPS to the endpoints from the DMS VPC's CIDR only, with a description", () => {
    const groupId = ref(lab, lab.dmsServiceEndpoints.connections.securityGroup, "aws_security_group", "id");
    const rules = Object.values(resourcesOfType(synth, "aws_vpc_security_group_ingress_rule")).filter(
      (rule) => rule.security_group_id === groupId,
    );
    expect(rules).toEqual([
      expect.objectContaining({
        cidr_ipv4: "10.0.0.0/16",
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        description: "vpc to endpoints on 443",
      }),
    ]);
  });
});
