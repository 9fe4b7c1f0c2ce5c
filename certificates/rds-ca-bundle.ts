// Where the vendored Amazon RDS CA bundle lives, its recorded SHA-256, and the certificates it holds.
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The bundle as AWS publishes it: https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem */
export const RDS_CA_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";
export const RDS_CA_BUNDLE_PATH = join(__dirname, "rds-global-bundle.pem");
/** One line: the hex SHA-256 of {@link RDS_CA_BUNDLE_PATH}, written by `npm run refresh:rds-ca`. */
export const RDS_CA_BUNDLE_SHA256_PATH = `${RDS_CA_BUNDLE_PATH}.sha256`;

export function sha256Hex(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The bundle's text, exactly as vendored (its SHA-256 is the recorded one). */
export function readRdsCaBundle(): string {
  return readFileSync(RDS_CA_BUNDLE_PATH, "utf8");
}

/** The SHA-256 recorded beside the bundle. */
export function recordedRdsCaBundleSha256(): string {
  return readFileSync(RDS_CA_BUNDLE_SHA256_PATH, "utf8").trim();
}

/**
 * The bundle's text when its SHA-256 is the recorded one; otherwise an error that says how to fix it. A bundle changes
 * only through `npm run refresh:rds-ca`, which records the new hash.
 */
export function verifiedRdsCaBundle(pem: string = readRdsCaBundle(), recorded: string = recordedRdsCaBundleSha256()): string {
  const actual = sha256Hex(pem);
  if (actual !== recorded) {
    throw new Error(
      `${RDS_CA_BUNDLE_PATH} has SHA-256 ${actual}, not the recorded ${recorded} (${RDS_CA_BUNDLE_SHA256_PATH}); ` +
        "restore the file, or replace it with `npm run refresh:rds-ca`, which records the new hash",
    );
  }
  return pem;
}

/** What a person compares when the bundle changes: one entry per certificate. */
export interface BundleCertificate {
  readonly subject: string;
  readonly notAfter: string;
  readonly fingerprint256: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in file order; throws on a block that is not a certificate. */
export function bundleCertificates(pem: string): BundleCertificate[] {
  return (pem.match(PEM_BLOCK) ?? []).map((block) => {
    const certificate = new X509Certificate(block);
    return {
      subject: certificate.subject.replace(/\n/g, ", "),
      notAfter: certificate.validTo,
      fingerprint256: certificate.fingerprint256,
    };
  });
}
