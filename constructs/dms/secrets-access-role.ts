// The role DMS assumes to read exactly the lab's endpoint secrets (and decrypt them with the lab key).
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import type { EncryptionKey } from "../encryption/encryption-key";
import { nameTag } from "../naming";
import type { EndpointSecret } from "./endpoint-secret";

export interface SecretsAccessRoleProps {
  /** Role name, e.g. `dev-dms-secrets`. */
  readonly name: string;
  /** Decrypts the secrets. */
  readonly encryptionKey: EncryptionKey;
}

/** Created before the secrets it reads: each database side grants its own secret with {@link SecretsAccessRole.allowRead}. */
export class SecretsAccessRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;
  /** The grant; whatever uses the role waits for it. */
  readonly policy: IamRolePolicy;
  private readonly readableSecrets: EndpointSecret[] = [];

  constructor(scope: Construct, id: string, props: SecretsAccessRoleProps) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    // DMS assumes secrets-access roles through its regional service principal.
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [`dms.${environment.region}.amazonaws.com`] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, "Resource", {
      name: props.name,
      description: "DMS reads the lab's endpoint secrets",
      assumeRolePolicy: trust.json,
      tags: nameTag(props.name),
    });
    this.roleArn = this.role.arn;
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: [
        {
          sid: "ReadEndpointSecrets",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
          resources: Lazy.listValue({ produce: () => this.readableSecrets.map((secret) => secret.secretArn) }),
        },
        {
          sid: "DecryptThemThroughSecretsManager",
          actions: ["kms:Decrypt"],
          resources: [props.encryptionKey.keyArn],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${environment.region}.amazonaws.com`] }],
        },
      ],
    });
    this.policy = new IamRolePolicy(this, "Policy", { name: "read-endpoint-secrets", role: this.role.id, policy: permissions.json });
    this.node.addValidation({
      validate: () =>
        this.readableSecrets.length ? [] : [`${this.node.path}: no secret was granted; call allowRead for each endpoint secret`],
    });
  }

  /** Lets DMS read (and decrypt) `secret` through this role: exactly the secrets granted, nothing else. */
  allowRead(secret: EndpointSecret): void {
    if (!this.readableSecrets.includes(secret)) this.readableSecrets.push(secret);
  }
}
