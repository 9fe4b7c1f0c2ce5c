// A DMS endpoint secret: KMS-encrypted, created without a value so no password reaches config or state.
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import type { EncryptionKey } from "../encryption/encryption-key";
import { nameTag } from "../naming";

/** The JSON keys DMS reads from an endpoint secret (the RDS-managed master secret lacks host and port). */
export const ENDPOINT_SECRET_KEYS = ["engine", "host", "port", "username", "password", "dbname"] as const;

export interface EndpointSecretProps {
  /** Secret name, e.g. `dev/dms/source`. */
  readonly name: string;
  /** What the secret is for, in one line. */
  readonly purpose: string;
  readonly encryptionKey: EncryptionKey;
  /** Days a deleted secret stays recoverable (0 frees the name at once for destroy-then-deploy). */
  readonly recoveryWindowDays: number;
}

export class EndpointSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly secretArn: string;
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: EndpointSecretProps) {
    super(scope, id);
    this.secretName = props.name;
    this.secret = new SecretsmanagerSecret(this, "Resource", {
      name: props.name,
      description: `${props.purpose}; JSON keys ${ENDPOINT_SECRET_KEYS.join(", ")}, written by the runbook`,
      kmsKeyId: props.encryptionKey.keyArn,
      recoveryWindowInDays: props.recoveryWindowDays,
      tags: nameTag(props.name),
    });
    this.secretArn = this.secret.arn;
  }
}
