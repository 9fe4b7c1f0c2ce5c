// `npm run refresh:rds-ca`: downloads AWS's RDS CA bundle, shows which certificates it adds or drops, and updates the vendored copy and its SHA-256.
import { writeFileSync } from "node:fs";
import {
  bundleCertificates,
  RDS_CA_BUNDLE_PATH,
  RDS_CA_BUNDLE_SHA256_PATH,
  RDS_CA_BUNDLE_URL,
  readRdsCaBundle,
  sha256Hex,
  type BundleCertificate,
} from "../certificates/rds-ca-bundle";

function describe(certificate: BundleCertificate): string {
  return `${certificate.subject} (expires ${certificate.notAfter}; SHA-256 ${certificate.fingerprint256})`;
}

async function main(): Promise<void> {
  const response = await fetch(RDS_CA_BUNDLE_URL);
  if (!response.ok) throw new Error(`GET ${RDS_CA_BUNDLE_URL} answered ${response.status} ${response.statusText}`);
  const downloaded = await response.text();
  const fresh = bundleCertificates(downloaded);
  if (fresh.length === 0) throw new Error(`${RDS_CA_BUNDLE_URL} holds no PEM certificate; nothing was changed`);

  const vendored = readRdsCaBundle();
  const old = bundleCertificates(vendored);
  const oldPrints = new Set(old.map((c) => c.fingerprint256));
  const freshPrints = new Set(fresh.map((c) => c.fingerprint256));
  const added = fresh.filter((c) => !oldPrints.has(c.fingerprint256));
  const removed = old.filter((c) => !freshPrints.has(c.fingerprint256));

  console.log(`vendored: ${old.length} certificates, SHA-256 ${sha256Hex(vendored)}`);
  console.log(`published: ${fresh.length} certificates, SHA-256 ${sha256Hex(downloaded)}`);
  for (const certificate of added) console.log(`+ ${describe(certificate)}`);
  for (const certificate of removed) console.log(`- ${describe(certificate)}`);
  if (downloaded === vendored) {
    console.log("The vendored bundle is current; nothing was changed.");
    return;
  }
  writeFileSync(RDS_CA_BUNDLE_PATH, downloaded);
  writeFileSync(RDS_CA_BUNDLE_SHA256_PATH, `${sha256Hex(downloaded)}\n`);
  console.log(`Updated ${RDS_CA_BUNDLE_PATH} and its SHA-256. Review the list above, run the unit tests, commit both files.`);
}

main().catch((error: unknown) => {
  console.error(`refresh:rds-ca: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
