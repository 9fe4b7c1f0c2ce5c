// The bastion's Session document: shell sessions encrypted with the lab key and logged to an encrypted log group.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { EncryptionKey } from "../encryption/encryption-key";
import { nameTag } from "../naming";

export interface SessionPreferencesProps {
  /** Prefix of the document and log group names, e.g. `dev-bastion` gives `dev-bastion-shell` and `dev-bastion-sessions`. */
  readonly name: string;
  /** Encrypts the session stream (KMS in the document) and the log group. */
  readonly encryptionKey: EncryptionKey;
  /** Days to keep session logs. */
  readonly logRetentionDays: number;
  /** Minutes before an idle session ends. @default 20 */
  readonly idleSessionTimeoutMinutes?: number;
}

/**
 * Without this document a session is encrypted only by TLS and leaves no record of what was typed.
 * Its own name, not the region-wide default `SSM-SessionManagerRunShell`: that one exists once per
 * account and region (two deployments, or preferences someone set in the console, would collide),
 * so the lab's session command names this document (`--document-name`). A session started without
 * it uses the account's defaults; only the people's IAM policies can forbid that
 * (docs/real-account-review.md, finding 9).
 */
export class SessionPreferences extends Construct {
  /** `aws ssm start-session --document-name <this>` opens an encrypted, logged shell. */
  readonly documentName: string;
  readonly document: SsmDocument;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: SessionPreferencesProps) {
    super(scope, id);
    this.documentName = `${props.name}-shell`;
    const logGroupName = `${props.name}-sessions`;
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.encryptionKey.keyArn,
      tags: nameTag(logGroupName),
    });
    // Field names and types as the Session document schema defines them (strings where it says so).
    this.document = new SsmDocument(this, "Resource", {
      name: this.documentName,
      documentType: "Session",
      documentFormat: "JSON",
      content: Fn.jsonencode({
        schemaVersion: "1.0",
        description: "Session Manager preferences: KMS-encrypted sessions, logged to CloudWatch Logs",
        sessionType: "Standard_Stream",
        inputs: {
          s3BucketName: "",
          s3KeyPrefix: "",
          s3EncryptionEnabled: true,
          cloudWatchLogGroupName: this.logGroup.name,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          kmsKeyId: props.encryptionKey.keyArn,
          runAsEnabled: false,
          runAsDefaultUser: "",
          idleSessionTimeout: String(props.idleSessionTimeoutMinutes ?? 20),
          maxSessionDuration: "",
          shellProfile: { windows: "", linux: "" },
        },
      }),
      tags: nameTag(this.documentName),
    });
  }
}
