// A DMS endpoint for one lab database, reached through its PrivateLink path, with credentials in Secrets Manager.
import { DmsEndpoint } from "@cdktf/provider-aws/lib/dms-endpoint";
import { Construct } from "constructs";
import type { PrivateLinkPath } from "../connectivity/private-link";
import type { AuroraPostgres } from "../database/aurora-postgres";
import type { EncryptionKey } from "../encryption/encryption-key";
import { nameTag } from "../naming";
import type { PrivateDatabaseName } from "../network/private-database-name";
import type { EndpointSecret } from "./endpoint-secret";
import type { RdsCaCertificate } from "./rds-ca-certificate";
import type { SecretsAccessRole } from "./secrets-access-role";

export interface DatabaseEndpointProps {
  /** Endpoint identifier, e.g. `dev-source`. */
  readonly name: string;
  readonly endpointType: "source" | "target";
  /** The database behind the endpoint (its database name). */
  readonly database: AuroraPostgres;
  /** The path DMS takes: the secret's `host` is the database's own name, which answers with this path's interface endpoint. */
  readonly privateLink: PrivateLinkPath;
  /** Makes the database's own name lead to the path inside DMS's VPC; DMS must not connect before it does. */
  readonly privateName: PrivateDatabaseName;
  /** The CA bundle DMS verifies the server's certificate with. */
  readonly serverCertificate: RdsCaCertificate;
  /** Holds engine, host, port, username, password, dbname. */
  readonly secret: EndpointSecret;
  /** Lets DMS read `secret`. */
  readonly accessRole: SecretsAccessRole;
  /** Encrypts the endpoint's connection settings. */
  readonly encryptionKey: EncryptionKey;
}

/**
 * CDC from the source through a logical slot read with test_decoding (the plugin DMS uses by default
 * on PostgreSQL; pglogical needs an extension the lab does not install). The heartbeat keeps the
 * slot's restart position moving while the migrated tables are idle, so the source does not hold WAL
 * for a quiet task; it lives in a schema the DMS user owns. DDL capture is off: it installs an event
 * trigger, which needs rds_superuser, and the lab freezes the migrated schemas during a migration
 * (README, "The migration runbook").
 */
export const SOURCE_CDC_SETTINGS = {
  pluginName: "test-decoding",
  heartbeatEnable: true,
  heartbeatSchema: "dms_heartbeat",
  heartbeatFrequency: 5,
  captureDdls: false,
} as const;

/**
 * How DMS checks the server: the certificate must chain to the RDS CA bundle and carry the host name
 * DMS connected to. The secret's host is the cluster endpoint (the name on the RDS certificate), which
 * a private hosted zone answers with the interface endpoint inside DMS's VPC (PrivateDatabaseName).
 */
export const SERVER_VERIFICATION = "verify-full";

/**
 * With `secrets_manager_arn`, DMS takes server, port and credentials from the secret: the endpoint
 * itself carries no password attribute.
 */
export class DatabaseEndpoint extends Construct {
  readonly endpoint: DmsEndpoint;
  readonly endpointArn: string;

  constructor(scope: Construct, id: string, props: DatabaseEndpointProps) {
    super(scope, id);
    this.endpoint = new DmsEndpoint(this, "Resource", {
      endpointId: props.name,
      endpointType: props.endpointType,
      engineName: "aurora-postgresql",
      databaseName: props.database.databaseName,
      sslMode: SERVER_VERIFICATION,
      certificateArn: props.serverCertificate.certificateArn,
      secretsManagerArn: props.secret.secretArn,
      secretsManagerAccessRoleArn: props.accessRole.roleArn,
      ...(props.endpointType === "source" ? { postgresSettings: SOURCE_CDC_SETTINGS } : {}),
      kmsKeyArn: props.encryptionKey.keyArn,
      // The endpoint is useless before its path and its name exist and DMS can assume the access role.
      dependsOn: [props.privateLink.interfaceEndpoint, props.privateName.record, props.accessRole.policy],
      tags: nameTag(props.name),
    });
    this.endpointArn = this.endpoint.endpointArn;
  }
}
