// The role DMS assumes to read exactly the lab's endpoint secrets (and decrypt them with the lab key).
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import type { LabKey } from "../encryption/lab-key";
import { nameTag } from "../naming";
import type { EndpointSecret } from "./endpoint-secret";

export interface SecretsAccessRoleProps {
  /** Role name, e.g. `dev-dms-secrets`. */
  readonly name: string;
  /** DMS assumes secrets-access roles through its regional service principal. */
  readonly region: string;
  readonly accountId: string;
  /** Decrypts the secrets. */
  readonly encryptionKey: LabKey;
  /** Exactly the secrets DMS may read. */
  readonly secrets: readonly EndpointSecret[];
}

export class SecretsAccessRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;
  /** The grant; whatever uses the role waits for it. */
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: SecretsAccessRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [`dms.${props.region}.amazonaws.com`] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
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
          resources: props.secrets.map((secret) => secret.secretArn),
        },
        {
          sid: "DecryptThemThroughSecretsManager",
          actions: ["kms:Decrypt"],
          resources: [props.encryptionKey.keyArn],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${props.region}.amazonaws.com`] }],
        },
      ],
    });
    this.policy = new IamRolePolicy(this, "Policy", { name: "read-endpoint-secrets", role: this.role.id, policy: permissions.json });
  }
}
