// Connections: one rule resource per peer and port, with ids and descriptions that read like a firewall table.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { Connections } from "../../constructs/network/connections";
import { errorOf, ref, resourcesOfType, synthesize } from "../helpers/synth";

function fixture() {
  const stack = new TerraformStack(Testing.app(), "connections");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const group = (id: string, label: string, defaultPort?: number) =>
    new Connections(stack, id, { name: id.toLowerCase(), description: `${label} group`, vpcId: "vpc-1", label, defaultPort });
  return {
    stack,
    database: group("Database", "db", 5432),
    client: group("Client", "dms"),
    endpoints: group("Endpoints", "endpoints", 443),
  };
}

describe("Connections", () => {
  it("allowFrom adds ingress on this group and the matching egress on the peer's, on the default port", () => {
    const { stack, database, client } = fixture();
    database.allowFrom(client);
    const synth = synthesize(stack);
    expect(Object.values(resourcesOfType(synth, "aws_vpc_security_group_ingress_rule"))).toEqual([
      expect.objectContaining({
        security_group_id: ref(stack, database.securityGroup, "aws_security_group", "id"),
        referenced_security_group_id: ref(stack, client.securityGroup, "aws_security_group", "id"),
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        description: "dms to db on 5432",
      }),
    ]);
    expect(Object.values(resourcesOfType(synth, "aws_vpc_security_group_egress_rule"))).toEqual([
      expect.objectContaining({
        security_group_id: ref(stack, client.securityGroup, "aws_security_group", "id"),
        referenced_security_group_id: ref(stack, database.securityGroup, "aws_security_group", "id"),
        from_port: 5432,
        description: "dms to db on 5432",
      }),
    ]);
    expect(database.node.tryFindChild("from-dms-5432")).toBeDefined();
    expect(client.node.tryFindChild("to-db-5432")).toBeDefined();
  });

  it("makes a second identical rule a no-op (one resource, not a duplicate AWS would reject)", () => {
    const { stack, database, client, endpoints } = fixture();
    database.allowFrom(client);
    database.allowFrom(client, 5432);
    client.allowTo(endpoints);
    client.allowTo(endpoints, 443);
    const synth = synthesize(stack);
    expect(Object.keys(resourcesOfType(synth, "aws_vpc_security_group_ingress_rule"))).toHaveLength(1);
    expect(Object.keys(resourcesOfType(synth, "aws_vpc_security_group_egress_rule"))).toHaveLength(2);
  });

  it("keeps a rule per port: another port is another rule", () => {
    const { stack, database, client } = fixture();
    database.allowFrom(client);
    database.allowFrom(client, 6432);
    expect(
      Object.values(resourcesOfType(synthesize(stack), "aws_vpc_security_group_ingress_rule"))
        .map((rule) => rule.from_port)
        .sort(),
    ).toEqual([5432, 6432]);
  });

  it("refuses a rule without a port when the group has no default port", () => {
    const { database, client } = fixture();
    expect(errorOf(() => database.allowTo(client))).toBe("connections/Database: dms has no default port; name the port of the rule");
    expect(errorOf(() => client.allowFrom(database))).toBe("connections/Client: dms has no default port; name the port of the rule");
  });

  it("refuses two different peers under one label", () => {
    const { stack, database, client } = fixture();
    const impostor = new Connections(stack, "Impostor", { name: "impostor", description: "x", vpcId: "vpc-2", label: "dms" });
    database.allowFrom(client);
    expect(errorOf(() => database.allowFrom(impostor))).toBe(
      'connections/Database: two different peers are labelled "dms"; give each peer its own label',
    );
  });

  it("refuses a port that is not known at synth (it would name the rule resource)", () => {
    const { database, client } = fixture();
    const tokenPort = Fn.tonumber("5432");
    expect(errorOf(() => database.allowFrom(client, tokenPort))).toMatch(
      /^connections\/Database: a rule's port and peer label name its resource, so they must be known at synth/,
    );
  });

  it("refuses ingress from the whole internet, v4 or v6 style", () => {
    const { database } = fixture();
    for (const cidr of ["0.0.0.0/0", "::/0"]) {
      expect(errorOf(() => database.allowFromCidr({ cidr, label: "anyone" }))).toBe(
        `connections/Database: refusing ingress from ${cidr}; name the exact network that needs db`,
      );
    }
  });

  it("admits an exact network and reaches a prefix list with described rules", () => {
    const { stack, endpoints, client } = fixture();
    endpoints.allowFromCidr({ cidr: "10.0.0.0/16", label: "vpc" });
    client.allowToPrefixList({ prefixListId: "pl-123", label: "s3" }, 443);
    const synth = synthesize(stack);
    expect(Object.values(resourcesOfType(synth, "aws_vpc_security_group_ingress_rule"))).toEqual([
      expect.objectContaining({ cidr_ipv4: "10.0.0.0/16", from_port: 443, description: "vpc to endpoints on 443" }),
    ]);
    expect(Object.values(resourcesOfType(synth, "aws_vpc_security_group_egress_rule"))).toEqual([
      expect.objectContaining({ prefix_list_id: "pl-123", from_port: 443, description: "dms to s3 on 443" }),
    ]);
  });
});
