// The deployment's KMS key as one builder, so the lab stack and the data stack create exactly the same key at the same address.
import type { Construct } from "constructs";
import { LabKey } from "../constructs/encryption/lab-key";
import { ALARM_TOPIC_PUBLISHERS } from "../constructs/monitoring/alarm-topic";
import type { Deployment } from "../variables/schema";
import { labNames } from "./lab-names";

/**
 * The construct id of the key in whichever stack holds it. The key's Terraform addresses
 * (`aws_kms_key.EncryptionKey_<hash>`, `aws_kms_alias.EncryptionKey_Alias_<hash>`) derive from it,
 * so they are the same in `<name>-lab` and `<name>-data`, and moving the key between the two
 * states is a `terraform state mv` of each address to itself (`scripts/move-data-key.ts`).
 */
export const DEPLOYMENT_KEY_ID = "EncryptionKey";

export function createDeploymentKey(scope: Construct, deployment: Deployment): LabKey {
  return new LabKey(scope, DEPLOYMENT_KEY_ID, {
    name: labNames(deployment.name).key,
    deletionWindowDays: deployment.encryption.keyDeletionWindowDays,
    preventDestroy: deployment.encryption.preventDestroy,
    // Both alarm topics (the lab stack's and the migration stack's) are encrypted with this key:
    // CloudWatch alarms and EventBridge publish to them.
    servicePrincipals: ALARM_TOPIC_PUBLISHERS,
  });
}
