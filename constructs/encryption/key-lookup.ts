// Finds the deployment's KMS key by its alias, for a stack that uses the key but must never destroy it.
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import { Construct } from "constructs";
import type { EncryptionKey } from "./encryption-key";

export interface KeyLookupProps {
  /** The alias to resolve, `alias/<name>`; the key it targets must already exist when the stack plans. */
  readonly aliasName: string;
}

/**
 * A data source, not a cross-stack reference: the stack that manages the key gets no output to keep
 * stable, and a destroy of the stack that looks it up cannot reach the key. The plan fails with AWS's
 * "not found" when the key's stack is not deployed yet. The alias resolves to the key's ARN, the
 * same value a `LabKey` in this stack would give, so moving the key between stacks changes no
 * `kms_key_id` (which would replace a cluster).
 */
export class KeyLookup extends Construct implements EncryptionKey {
  readonly alias: DataAwsKmsAlias;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: KeyLookupProps) {
    super(scope, id);
    if (!props.aliasName.startsWith("alias/")) {
      throw new Error(`${this.node.path}: aliasName must start with "alias/", got "${props.aliasName}"`);
    }
    this.alias = new DataAwsKmsAlias(this, "Alias", { name: props.aliasName });
    this.keyArn = this.alias.targetKeyArn;
  }
}
