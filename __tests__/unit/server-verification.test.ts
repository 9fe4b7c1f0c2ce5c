// Server verification on synthesized JSON: the RDS CA bundle in DMS, and each cluster's own name answered with its interface endpoint in the DMS VPC.
import { describe, expect, it } from "vitest";
import { readRdsCaBundle, recordedRdsCaBundleSha256 } from "../../certificates/rds-ca-bundle";
import { SERVER_VERIFICATION as DMS_VERIFICATION } from "../../constructs/dms/database-endpoint";
import { SERVER_VERIFICATION as DB_OPS_VERIFICATION, TLS_OPTIONS } from "../../functions/db-ops/connect";
import { ref, resourcesOfType, SHIPPED, shipped } from "../helpers/synth";

describe("db-ops and DMS", () => {
  it("verify the server the same way: the RDS CA bundle, and the host name on the certificate", () => {
    expect(DMS_VERIFICATION).toBe("verify-full");
    expect(DB_OPS_VERIFICATION).toBe(DMS_VERIFICATION);
    expect(TLS_OPTIONS).toEqual({ ca: readRdsCaBundle(), rejectUnauthorized: true });
    // Node checks the host name unless a caller replaces checkServerIdentity.
    expect(TLS_OPTIONS).not.toHaveProperty("checkServerIdentity");
  });
});

describe.each(SHIPPED)("server verification in %s-lab", (name) => {
  const { stacks, lab: synth } = shipped(name);
  const lab = stacks.lab;

  it("imports the vendored RDS CA bundle as one DMS certificate named after its hash, replaced before it is deleted", () => {
    const certificates = resourcesOfType(synth, "aws_dms_certificate");
    expect(Object.keys(certificates)).toEqual([lab.getLogicalId(lab.rdsCaCertificate.certificate)]);
    const certificate = certificates[lab.getLogicalId(lab.rdsCaCertificate.certificate)];
    expect(certificate).toMatchObject({
      certificate_id: `${name}-rds-ca-${recordedRdsCaBundleSha256().slice(0, 8)}`,
      certificate_pem: readRdsCaBundle(),
      lifecycle: { create_before_destroy: true },
    });
  });

  it("gives each cluster's endpoint name a private zone of its own in the DMS VPC, its apex an alias of the side's interface endpoint", () => {
    const zones = resourcesOfType(synth, "aws_route53_zone");
    const records = resourcesOfType(synth, "aws_route53_record");
    expect(Object.keys(zones)).toHaveLength(2);
    expect(Object.keys(records)).toHaveLength(2);
    for (const side of [lab.source, lab.target]) {
      const clusterEndpoint = ref(lab, side.database.cluster, "aws_rds_cluster", "endpoint");
      const zone = zones[lab.getLogicalId(side.privateName.zone)];
      expect(zone).toMatchObject({ name: clusterEndpoint, vpc: [{ vpc_id: ref(lab, lab.dmsNetwork.vpc, "aws_vpc", "id") }] });
      const endpoint = `aws_vpc_endpoint.${lab.getLogicalId(side.privateLink.interfaceEndpoint)}`;
      expect(records[lab.getLogicalId(side.privateName.record)]).toEqual(
        expect.objectContaining({
          zone_id: ref(lab, side.privateName.zone, "aws_route53_zone", "zone_id"),
          name: clusterEndpoint,
          type: "A",
          alias: {
            name: `\${${endpoint}.dns_entry[0].dns_name}`,
            zone_id: `\${${endpoint}.dns_entry[0].hosted_zone_id}`,
            evaluate_target_health: false,
          },
        }),
      );
      expect(side.serverHostName).toBe(side.database.writerEndpoint);
    }
  });

  it("lets each secret's first rotation (which connects by that name) wait for the name", () => {
    const rotations = resourcesOfType(synth, "aws_secretsmanager_secret_rotation");
    for (const [side, rotation] of [
      [lab.source, lab.databaseOperations.rotations[0]],
      [lab.target, lab.databaseOperations.rotations[1]],
    ] as const) {
      expect(rotations[lab.getLogicalId(rotation)].depends_on).toContain(`aws_route53_record.${lab.getLogicalId(side.privateName.record)}`);
    }
  });
});
