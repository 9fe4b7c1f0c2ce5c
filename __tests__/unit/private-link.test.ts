// PrivateLinkPath on synthesized JSON: NLB, target group, endpoint service, interface endpoint and who may use them.
import type { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import type { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { PrivateLinkPath } from "../../constructs/connectivity/private-link";
import { AuroraPostgres } from "../../constructs/database/aurora-postgres";
import { LabKey } from "../../constructs/encryption/lab-key";
import type { Connections } from "../../constructs/network/connections";
import { LabNetwork } from "../../constructs/network/lab-network";
import type { LabStack } from "../../stacks/lab-stack";
import {
  buildStacks,
  defined,
  errorOf,
  ref,
  resourcesOfType,
  SHIPPED,
  shipped,
  synthesize,
  variantDeployment,
  type SynthesizedStack,
} from "../helpers/synth";

const deployments = SHIPPED;

function synthesizeLab(lab: LabStack): { lab: LabStack; synth: SynthesizedStack } {
  return { lab, synth: synthesize(lab) };
}

const OTHER_ACCOUNT = "arn:aws:iam::111122223333:root";
const PARTNER_ROLE = "arn:aws:iam::444455556666:role/migration";
const restricted = synthesizeLab(
  buildStacks(
    variantDeployment("dev", (file) => {
      file.privateLink = { acceptanceRequired: true, allowedPrincipals: [OTHER_ACCOUNT, PARTNER_ROLE] };
    }),
  ).lab,
);

/** Both paths of a lab with the VPC each side lives in. */
function pathsOf(lab: LabStack) {
  return [
    { role: "source", path: lab.source.privateLink, database: lab.source.database, databaseNetwork: lab.onPremNetwork },
    { role: "target", path: lab.target.privateLink, database: lab.target.database, databaseNetwork: lab.targetNetwork },
  ] as const;
}

const groupId = (lab: LabStack, connections: Connections) => ref(lab, connections.securityGroup, "aws_security_group", "id");
const subnetIds = (lab: LabStack, network: LabNetwork) => network.privateSubnets.map((subnet) => ref(lab, subnet, "aws_subnet", "id"));

/** `arn:<partition>:iam::<this account>:root`, built from the stack's own data sources. */
function accountRootArn(lab: LabStack): string {
  const account = lab.node.findChild("Account") as DataAwsCallerIdentity;
  const partition = lab.node.findChild("Partition") as DataAwsPartition;
  return `arn:${ref(lab, partition, "data.aws_partition", "partition")}:iam::${ref(lab, account, "data.aws_caller_identity", "account_id")}:root`;
}

function rulesOn(synth: SynthesizedStack, type: "ingress" | "egress", securityGroupId: string) {
  return Object.values(resourcesOfType(synth, `aws_vpc_security_group_${type}_rule`)).filter(
    (rule) => rule.security_group_id === securityGroupId,
  );
}

describe.each(deployments)("PrivateLink paths of %s-lab", (name) => {
  const { lab, synth } = synthesizeLab(shipped(name).stacks.lab);

  it("fronts each database with an internal cross-zone NLB in that database's VPC, with a security group of its own", () => {
    const loadBalancers = resourcesOfType(synth, "aws_lb");
    expect(Object.keys(loadBalancers)).toHaveLength(2);
    const groups = resourcesOfType(synth, "aws_security_group");
    for (const { path, databaseNetwork } of pathsOf(lab)) {
      expect(loadBalancers[lab.getLogicalId(path.loadBalancer)]).toMatchObject({
        load_balancer_type: "network",
        internal: true,
        enable_cross_zone_load_balancing: true,
        subnets: subnetIds(lab, databaseNetwork),
        security_groups: [groupId(lab, path.loadBalancerConnections)],
      });
      expect(groups[lab.getLogicalId(path.loadBalancerConnections.securityGroup)].vpc_id).toBe(
        ref(lab, databaseNetwork.vpc, "aws_vpc", "id"),
      );
    }
    expect(groupId(lab, lab.source.privateLink.loadBalancerConnections)).not.toBe(
      groupId(lab, lab.target.privateLink.loadBalancerConnections),
    );
  });

  it("forwards TCP 5432 to an ip target group with TCP health checks, a short drain and connection termination", () => {
    const targetGroups = resourcesOfType(synth, "aws_lb_target_group");
    const listeners = resourcesOfType(synth, "aws_lb_listener");
    expect(Object.keys(targetGroups)).toHaveLength(2);
    expect(Object.keys(listeners)).toHaveLength(2);
    for (const { path, databaseNetwork } of pathsOf(lab)) {
      const targetGroup = targetGroups[lab.getLogicalId(path.targetGroup)];
      expect(targetGroup).toMatchObject({
        target_type: "ip",
        protocol: "TCP",
        port: 5432,
        vpc_id: ref(lab, databaseNetwork.vpc, "aws_vpc", "id"),
        deregistration_delay: "30",
        connection_termination: true,
      });
      expect(targetGroup.health_check).toMatchObject({ protocol: "TCP", interval: 10, timeout: 5 });
      expect(listeners[lab.getLogicalId(path.listener)]).toMatchObject({
        load_balancer_arn: ref(lab, path.loadBalancer, "aws_lb", "arn"),
        protocol: "TCP",
        port: 5432,
        default_action: [{ type: "forward", target_group_arn: ref(lab, path.targetGroup, "aws_lb_target_group", "arn") }],
      });
    }
  });

  // Required by default; local turns it off to keep `npm start` within its time budget (dev on the emulator deploys it).
  const acceptance = shipped(name).deployment.privateLink.acceptanceRequired;

  it("publishes each NLB as an endpoint service open to this account only, accepting its own endpoint where acceptance is required", () => {
    expect(acceptance).toBe(name !== "local");
    const services = resourcesOfType(synth, "aws_vpc_endpoint_service");
    expect(Object.keys(services)).toHaveLength(2);
    const principals = Object.values(resourcesOfType(synth, "aws_vpc_endpoint_service_allowed_principal"));
    const accepters = resourcesOfType(synth, "aws_vpc_endpoint_connection_accepter");
    expect(Object.keys(accepters)).toHaveLength(acceptance ? 2 : 0);
    for (const { path } of pathsOf(lab)) {
      expect(services[lab.getLogicalId(path.endpointService)]).toMatchObject({
        acceptance_required: acceptance,
        network_load_balancer_arns: [ref(lab, path.loadBalancer, "aws_lb", "arn")],
      });
      const serviceId = ref(lab, path.endpointService, "aws_vpc_endpoint_service", "id");
      expect(principals.filter((principal) => principal.vpc_endpoint_service_id === serviceId)).toEqual([
        { vpc_endpoint_service_id: serviceId, principal_arn: accountRootArn(lab) },
      ]);
      if (acceptance) {
        expect(accepters[lab.getLogicalId(defined(path.accepter, "the accepter"))]).toEqual({
          vpc_endpoint_service_id: serviceId,
          vpc_endpoint_id: ref(lab, path.interfaceEndpoint, "aws_vpc_endpoint", "id"),
        });
      }
    }
  });

  it("runs each writer-sync's deploy-time sync (which the first secret rotation waits for) after any acceptance", () => {
    for (const side of [lab.source, lab.target]) {
      const invocation = resourcesOfType(synth, "aws_lambda_invocation")[lab.getLogicalId(side.writerSync.initialSync)];
      const accepterDependencies = (invocation.depends_on as string[]).filter((each) =>
        each.startsWith("aws_vpc_endpoint_connection_accepter."),
      );
      expect(accepterDependencies).toEqual(
        acceptance ? [`aws_vpc_endpoint_connection_accepter.${lab.getLogicalId(defined(side.privateLink.accepter, "the accepter"))}`] : [],
      );
    }
  });

  it("consumes each service with an interface endpoint in the DMS VPC, private DNS off", () => {
    const endpoints = resourcesOfType(synth, "aws_vpc_endpoint");
    for (const { path } of pathsOf(lab)) {
      expect(endpoints[lab.getLogicalId(path.interfaceEndpoint)]).toMatchObject({
        vpc_endpoint_type: "Interface",
        vpc_id: ref(lab, lab.dmsNetwork.vpc, "aws_vpc", "id"),
        subnet_ids: subnetIds(lab, lab.dmsNetwork),
        service_name: ref(lab, path.endpointService, "aws_vpc_endpoint_service", "service_name"),
        private_dns_enabled: false,
        security_group_ids: [groupId(lab, path.connections)],
      });
      // Created only once the service allows this account, or the first apply fails with InvalidServiceName.
      const grants = Object.entries(resourcesOfType(synth, "aws_vpc_endpoint_service_allowed_principal"))
        .filter(([, grant]) => grant.vpc_endpoint_service_id === ref(lab, path.endpointService, "aws_vpc_endpoint_service", "id"))
        .map(([logicalId]) => `aws_vpc_endpoint_service_allowed_principal.${logicalId}`);
      expect(grants).toHaveLength(1);
      expect(endpoints[lab.getLogicalId(path.interfaceEndpoint)].depends_on).toEqual(grants);
    }
    const consumers = Object.values(endpoints).filter((endpoint) =>
      String(endpoint.service_name).startsWith("${aws_vpc_endpoint_service."),
    );
    expect(consumers).toHaveLength(2);
  });

  it("admits 5432 on each interface endpoint only from the DMS instance, the bastion and db-ops, which get matching egress", () => {
    const dmsGroup = groupId(lab, lab.replicationInstance.connections);
    const bastionGroup = groupId(lab, defined(lab.bastion, "the bastion").connections);
    const dbOpsGroup = groupId(lab, lab.databaseOperations.connections);
    for (const { path } of pathsOf(lab)) {
      const endpointGroup = groupId(lab, path.connections);
      const ingress = rulesOn(synth, "ingress", endpointGroup);
      expect(ingress.map((rule) => rule.referenced_security_group_id).sort()).toEqual([bastionGroup, dmsGroup, dbOpsGroup].sort());
      for (const rule of ingress) {
        expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 5432, to_port: 5432 });
        expect(rule).not.toHaveProperty("cidr_ipv4");
      }
      for (const client of [dmsGroup, bastionGroup, dbOpsGroup]) {
        expect(rulesOn(synth, "egress", client).filter((rule) => rule.referenced_security_group_id === endpointGroup)).toEqual([
          expect.objectContaining({ ip_protocol: "tcp", from_port: 5432, to_port: 5432 }),
        ]);
      }
    }
  });

  it("admits 5432 on each database only from its own NLB's security group, which gets the matching egress", () => {
    for (const { path, database } of pathsOf(lab)) {
      const databaseGroup = groupId(lab, database.connections);
      const loadBalancerGroup = groupId(lab, path.loadBalancerConnections);
      expect(rulesOn(synth, "ingress", databaseGroup)).toEqual([
        expect.objectContaining({ referenced_security_group_id: loadBalancerGroup, ip_protocol: "tcp", from_port: 5432, to_port: 5432 }),
      ]);
      expect(rulesOn(synth, "egress", loadBalancerGroup)).toEqual([
        expect.objectContaining({ referenced_security_group_id: databaseGroup, ip_protocol: "tcp", from_port: 5432, to_port: 5432 }),
      ]);
    }
  });

  it("outputs each interface endpoint's DNS name as the host for DMS and psql", () => {
    expect(synth.output?.source_endpoint_dns?.value).toBe(
      ref(lab, lab.source.privateLink.interfaceEndpoint, "aws_vpc_endpoint", "dns_entry[0].dns_name"),
    );
    expect(synth.output?.target_endpoint_dns?.value).toBe(
      ref(lab, lab.target.privateLink.interfaceEndpoint, "aws_vpc_endpoint", "dns_entry[0].dns_name"),
    );
  });
});

describe("PrivateLink settings of a deployment", () => {
  const { lab, synth } = restricted;

  it("acceptanceRequired false leaves the services open to the allowed principals without an accepter", () => {
    const stacks = buildStacks(variantDeployment("dev", (file) => (file.privateLink = { acceptanceRequired: false })));
    const openSynth = synthesize(stacks.lab);
    for (const service of Object.values(resourcesOfType(openSynth, "aws_vpc_endpoint_service")))
      expect(service.acceptance_required).toBe(false);
    expect(resourcesOfType(openSynth, "aws_vpc_endpoint_connection_accepter")).toEqual({});
    expect(stacks.lab.source.privateLink.accepter).toBeUndefined();
  });

  it("acceptanceRequired makes each path accept its own interface endpoint", () => {
    const services = resourcesOfType(synth, "aws_vpc_endpoint_service");
    const accepters = Object.values(resourcesOfType(synth, "aws_vpc_endpoint_connection_accepter"));
    expect(accepters).toHaveLength(2);
    for (const { path } of pathsOf(lab)) {
      expect(services[lab.getLogicalId(path.endpointService)].acceptance_required).toBe(true);
      expect(accepters).toContainEqual({
        vpc_endpoint_service_id: ref(lab, path.endpointService, "aws_vpc_endpoint_service", "id"),
        vpc_endpoint_id: ref(lab, path.interfaceEndpoint, "aws_vpc_endpoint", "id"),
      });
    }
  });

  it("allowedPrincipals gives one allowed-principal resource per ARN on each service, instead of this account", () => {
    const principals = Object.values(resourcesOfType(synth, "aws_vpc_endpoint_service_allowed_principal"));
    expect(principals).toHaveLength(4);
    for (const { path } of pathsOf(lab)) {
      const serviceId = ref(lab, path.endpointService, "aws_vpc_endpoint_service", "id");
      const arns = principals
        .filter((principal) => principal.vpc_endpoint_service_id === serviceId)
        .map((principal) => principal.principal_arn);
      expect(arns.sort()).toEqual([OTHER_ACCOUNT, PARTNER_ROLE].sort());
    }
    expect(principals.map((principal) => principal.principal_arn)).not.toContain(accountRootArn(lab));
  });
});

describe("PrivateLinkPath validation", () => {
  /** A database and the two networks a path needs, in a throwaway stack that is never synthesized. */
  function fixture() {
    const stack = new TerraformStack(Testing.app(), "throwaway");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const settings = shipped("dev").deployment.databases.source;
    const network = (id: string, name: string) =>
      new LabNetwork(stack, id, {
        name,
        cidr: "10.0.0.0/16",
        availabilityZones: ["us-east-1a", "us-east-1b"],
        privateSubnetCidrs: ["10.0.1.0/24", "10.0.2.0/24"],
      });
    const databaseNetwork = network("DatabaseNetwork", "db");
    const consumerNetwork = network("ConsumerNetwork", "consumer");
    const encryptionKey = new LabKey(stack, "Key", { name: "key" });
    const database = new AuroraPostgres(stack, "Database", {
      ...settings,
      name: "db",
      role: "source",
      network: databaseNetwork,
      encryptionKey,
    });
    const props = { name: "dev-source", role: "source", database, databaseNetwork, consumerNetwork, allowedPrincipals: [OTHER_ACCOUNT] };
    return { stack, props };
  }

  it("accepts the fixture as it is (so the failures below come from the one prop each changes)", () => {
    const { stack, props } = fixture();
    expect(new PrivateLinkPath(stack, "Path", props).port).toBe(5432);
  });

  it("refuses an empty allowedPrincipals list", () => {
    const { stack, props } = fixture();
    expect(errorOf(() => new PrivateLinkPath(stack, "Path", { ...props, allowedPrincipals: [] }))).toBe(
      `${stack.node.path}/Path: allowedPrincipals is empty; name at least the account that consumes the service, or leave it out for this account`,
    );
  });

  it("refuses a name that makes the NLB name longer than 32 characters", () => {
    const { stack, props } = fixture();
    const name = "x".repeat(29);
    // Both derived names are too long here; the message names the longest one.
    expect(errorOf(() => new PrivateLinkPath(stack, "Path", { ...props, name }))).toBe(
      `${stack.node.path}/Path: "${name}-writer" is longer than the 32 characters AWS allows for load balancer and target group names; shorten the name`,
    );
  });

  it("accepts the longest name whose load balancer and target group names both fit in 32 characters", () => {
    const { stack, props } = fixture();
    expect(() => new PrivateLinkPath(stack, "Path", { ...props, name: "x".repeat(32 - "-writer".length) })).not.toThrow();
  });

  it("refuses a name that makes the target group name (`<name>-writer`) longer than 32 characters", () => {
    // AWS limits target group names to 32 characters too, and `-writer` is 3 characters longer than `-nlb`:
    // this name passes the NLB check (30 characters) and would fail only at apply time.
    const { stack, props } = fixture();
    const name = "x".repeat(33 - "-writer".length);
    expect(errorOf(() => new PrivateLinkPath(stack, "Path", { ...props, name }))).toBe(
      `${stack.node.path}/Path: "${name}-writer" is longer than the 32 characters AWS allows for load balancer and target group names; shorten the name`,
    );
  });
});
