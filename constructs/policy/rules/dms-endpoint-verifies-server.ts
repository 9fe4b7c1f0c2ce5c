// LAB-DMS1: DMS database endpoints verify the server's certificate (ssl_mode verify-ca or verify-full), not only encrypt.
import type { PolicyRule } from "../rule";

/** Engines whose endpoints take ssl_mode (DMS's SSL support table); other engines (s3, kinesis...) use other settings. */
const DATABASE_ENGINES = [
  "postgres",
  "aurora-postgresql",
  "mysql",
  "aurora",
  "mariadb",
  "oracle",
  "sqlserver",
  "db2",
  "sybase",
  "mongodb",
  "docdb",
  "redshift",
];
const VERIFYING_MODES = ["verify-ca", "verify-full"];

export const dmsEndpointVerifiesServer: PolicyRule = {
  id: "LAB-DMS1",
  severity: "error",
  title: "DMS endpoints verify the database server",
  explanation:
    "ssl_mode none sends credentials and data in clear; require encrypts but accepts any certificate, so anything that answers on the endpoint's address (a wrong target behind the NLB, a spoofed name) gets DMS's credentials. verify-ca checks the certificate against the imported RDS CA bundle; verify-full also checks the host name.",
  fix: "Import the RDS CA bundle as an aws_dms_certificate, set certificate_arn to it and ssl_mode = verify-ca (or verify-full when the endpoint's server_name matches the certificate).",
  resourceTypes: ["aws_dms_endpoint"],
  check(resource) {
    const config = resource.config;
    if (!DATABASE_ENGINES.includes(String(config.engine_name))) return [];
    const mode = String(config.ssl_mode ?? "none");
    if (!VERIFYING_MODES.includes(mode)) return [`ssl_mode is ${mode}, which does not verify the server`];
    return config.certificate_arn ? [] : [`ssl_mode is ${mode} but no certificate_arn names the CA to verify against`];
  },
};
