// Every resource address a deployed lab of the first release holds is still there, or moved explicitly: no refactor replaces a database.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SHIPPED, shipped, type SynthesizedStack } from "../helpers/synth";

/**
 * The lab stack's resource addresses as the first release synthesized them (before source and
 * target became one DatabaseSide construct), recorded from its `cdktf synth`. Deployed labs hold
 * state at these addresses.
 */
const RELEASED: Record<string, string[]> = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "lab-addresses-0.1.json"), "utf8"));

/**
 * Released resources removed on purpose, so a deployed lab's next apply destroys them: an interface
 * endpoint nothing in the DMS VPC calls (the reasons sit beside DMS_VPC_INTERFACE_SERVICES), and the
 * replication instance's egress to S3 (PostgreSQL to PostgreSQL DMS uses no S3). Each holds no data.
 * Anything else missing is a refactor that lost an address. (The `kms` and `logs` endpoints, removed
 * for a while, are back at their released addresses for the bastion's encrypted, logged sessions.)
 */
const REMOVED_ON_PURPOSE = [
  "aws_vpc_endpoint.DmsServiceEndpoints_Interface-ec2messages_469E268D",
  "aws_vpc_security_group_egress_rule.ReplicationInstance_SecurityGroup_to-s3-443_153DE3F2",
];

const addressesOf = (synth: SynthesizedStack | undefined) =>
  Object.entries(synth?.resource ?? {}).flatMap(([type, resources]) => Object.keys(resources).map((id) => `${type}.${id}`));

describe.each(SHIPPED)("%s-lab keeps the addresses of the first release", (name) => {
  const synth = shipped(name).lab;
  /**
   * With `encryption.dataKeyStack` the key and its alias live in `<name>-data` at the same addresses;
   * `scripts/move-data-key.ts` moves them there from a deployed lab's state (no moved block crosses states).
   */
  const heldByDataStack = new Set(addressesOf(shipped(name).data));
  const addresses = new Set([...addressesOf(synth), ...heldByDataStack]);
  const moves = ([] as Array<{ from: string; to: string }>).concat((synth as { moved?: Array<{ from: string; to: string }> }).moved ?? []);
  const movedFrom = new Map(moves.map((move) => [move.from, move.to]));

  it("has a recorded address list to compare with", () => {
    expect(RELEASED[`${name}-lab`].length).toBeGreaterThan(100);
  });

  it("holds every released address, or a moved block from it to a resource that exists, except those removed on purpose", () => {
    const lost = RELEASED[`${name}-lab`].filter((address) => !addresses.has(address) && !addresses.has(movedFrom.get(address) ?? ""));
    expect(lost).toEqual(REMOVED_ON_PURPOSE);
  });

  it("leaves the key in the lab stack unless the deployment keeps it in a data stack", () => {
    const keyAddresses = RELEASED[`${name}-lab`].filter((address) => /^aws_kms_(key|alias)\./.test(address));
    expect(keyAddresses).toHaveLength(2);
    for (const address of keyAddresses) {
      expect(heldByDataStack.has(address)).toBe(shipped(name).deployment.encryption.dataKeyStack);
      expect(addressesOf(synth).includes(address)).toBe(!shipped(name).deployment.encryption.dataKeyStack);
    }
  });

  it("moves only from released addresses, never between two current ones", () => {
    expect(moves.length).toBeGreaterThan(0);
    for (const { from, to } of moves) {
      expect(addresses.has(from)).toBe(false);
      expect(addresses.has(to)).toBe(true);
    }
    // The aspect also gives resources added since the first release (the db-ops function's access to
    // each interface endpoint; writer-sync's failure destination and errors alarm) the address they
    // would have had then: no state holds them, so those moves are no-ops.
    const unreleased = moves.filter(({ from }) => !RELEASED[`${name}-lab`].includes(from));
    expect(unreleased.map(({ to }) => to.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(
      [
        "aws_vpc_security_group_ingress_rule.Source_PrivateLink_EndpointSecurityGroup_from-db-ops-5432",
        "aws_vpc_security_group_ingress_rule.Target_PrivateLink_EndpointSecurityGroup_from-db-ops-5432",
        ...["Source", "Target"].flatMap((side) => [
          `aws_iam_role_policy.${side}_WriterSync_FailureDestinationPolicy`,
          `aws_lambda_function_event_invoke_config.${side}_WriterSync_FailureDestination`,
          `aws_cloudwatch_metric_alarm.${side}_WriterSync_ErrorsAlarm`,
        ]),
        // Each path's acceptance of its own endpoint (required by default now; local turns it off).
        ...(shipped(name).deployment.privateLink.acceptanceRequired
          ? [
              "aws_vpc_endpoint_connection_accepter.Source_PrivateLink_Accepter",
              "aws_vpc_endpoint_connection_accepter.Target_PrivateLink_Accepter",
            ]
          : []),
        // prod's Enhanced Monitoring roles.
        ...(shipped(name).deployment.databases.source.monitoringIntervalSeconds > 0
          ? ["Source", "Target"].flatMap((side) => [
              `aws_iam_role.${side}_Database_MonitoringRole`,
              `aws_iam_role_policy_attachment.${side}_Database_MonitoringRole_ManagedPolicy`,
            ])
          : []),
      ].sort(),
    );
  });

  it("moves the stateful resources of both sides: clusters, secrets, endpoint services, interface endpoints", () => {
    const movedTypes = new Set(moves.map((move) => move.from.split(".")[0]));
    for (const type of [
      "aws_rds_cluster",
      "aws_rds_cluster_instance",
      "aws_secretsmanager_secret",
      "aws_vpc_endpoint_service",
      "aws_vpc_endpoint",
      "aws_lb",
      "aws_dms_endpoint",
    ]) {
      expect(moves.filter((move) => move.from.startsWith(`${type}.`)).length, type).toBeGreaterThanOrEqual(2);
      expect(movedTypes.has(type)).toBe(true);
    }
  });
});
