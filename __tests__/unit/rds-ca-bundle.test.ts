// The vendored RDS CA bundle: its recorded SHA-256, its certificates, and the check that refuses a changed file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  bundleCertificates,
  readRdsCaBundle,
  recordedRdsCaBundleSha256,
  RDS_CA_BUNDLE_PATH,
  sha256Hex,
  verifiedRdsCaBundle,
} from "../../certificates/rds-ca-bundle";

describe("the vendored RDS CA bundle", () => {
  const pem = readRdsCaBundle();

  it("has the SHA-256 recorded beside it", () => {
    expect(recordedRdsCaBundleSha256()).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256Hex(readFileSync(RDS_CA_BUNDLE_PATH))).toBe(recordedRdsCaBundleSha256());
  });

  it("holds only Amazon RDS root CAs that are still valid", () => {
    const certificates = bundleCertificates(pem);
    expect(certificates.length).toBeGreaterThan(100);
    expect((pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length).toBe(certificates.length);
    for (const certificate of certificates) {
      expect(certificate.subject).toMatch(/O=Amazon Web Services\\?, Inc\..*OU=Amazon RDS.*CN=Amazon RDS .+ Root CA/);
      expect(new Date(certificate.notAfter).getTime()).toBeGreaterThan(Date.now());
    }
    // us-east-1's three roots, as cross-checked in the bundle's provenance.
    const fingerprints = certificates.map((certificate) => certificate.fingerprint256.replace(/:/g, ""));
    expect(fingerprints).toEqual(
      expect.arrayContaining([
        "E4CE41D069F4BDCDB714259058961EE42ED18CF2BF627A3D647AFF25437D4B68",
        "1C753CF0334FF82A47E0D3205839C8549B7D9A8A3D9A685CCCECC80F82FE97E6",
        "82D99E9E409703044C3F886F87A0408C96CD74DEE2C9BA920E6553A32E372539",
      ]),
    );
  });

  it("is accepted as it is, and refused once a byte changes, with the command that records a new one", () => {
    expect(verifiedRdsCaBundle()).toBe(pem);
    const changed = pem.replace("-----END CERTIFICATE-----\n", "-----END CERTIFICATE-----\n\n");
    expect(() => verifiedRdsCaBundle(changed)).toThrow(/has SHA-256 [0-9a-f]{64}, not the recorded .*npm run refresh:rds-ca/);
  });
});
