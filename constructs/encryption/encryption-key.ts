// What a construct needs of the deployment's KMS key: its ARN, whether the key is created here or looked up by alias.

/**
 * The deployment's customer-managed key as its users see it. {@link LabKey} creates one;
 * {@link KeyLookup} finds one another stack manages (prod's `<name>-data`). Constructs take this
 * type, so none of them can tell where the key lives, and every one gets the same ARN either way.
 */
export interface EncryptionKey {
  /** The key's ARN, as Aurora, Secrets Manager, CloudWatch Logs, SNS and IAM policies name it. */
  readonly keyArn: string;
}
