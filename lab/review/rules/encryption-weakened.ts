// LAB-SEC2: encryption or TLS weakened: storage encryption off, a KMS key removed, a DMS endpoint's ssl_mode lowered, rds.force_ssl off.
import { isJsonObject, stringAt, valueAt, type JsonValue } from "../json-value";
import type { ReviewedChange } from "../review-model";
import { findingFor, managedChanges, type RiskRule } from "./rule";

/** DMS ssl_mode from weakest to strongest. */
const SSL_MODES = ["none", "require", "verify-ca", "verify-full"];
const KEY_ATTRIBUTES = ["kms_key_id", "kms_key_arn"];

function forceSsl(values: JsonValue): string | undefined {
  const parameters = valueAt(values, ["parameter"]);
  if (!Array.isArray(parameters)) return undefined;
  const found = parameters.find((parameter) => isJsonObject(parameter) && parameter.name === "rds.force_ssl");
  return isJsonObject(found) && typeof found.value === "string" ? found.value : undefined;
}

/** One sentence per weakening this change makes. */
function weakenings(change: ReviewedChange): string[] {
  const creating = change.kind === "create";
  if (!creating && change.kind !== "update" && change.kind !== "replace") return [];
  const { before, after } = change;
  const found: string[] = [];
  const encryptedAfter = valueAt(after, ["storage_encrypted"]);
  if (encryptedAfter === false && (creating || valueAt(before, ["storage_encrypted"]) === true)) found.push("storage encryption is off");
  for (const attribute of KEY_ATTRIBUTES) {
    const was = stringAt(before, attribute);
    const now = valueAt(after, [attribute]);
    // A key known only after apply is a key; only null or empty is none.
    if (!creating && was && (now === null || now === "" || now === undefined))
      found.push(`${attribute} is removed (AWS-managed key or none)`);
  }
  const sslAfter = stringAt(after, "ssl_mode");
  const sslBefore = stringAt(before, "ssl_mode");
  if (sslAfter && SSL_MODES.includes(sslAfter)) {
    const lowered = sslBefore && SSL_MODES.indexOf(sslAfter) < SSL_MODES.indexOf(sslBefore);
    if (lowered || (creating && sslAfter === "none")) found.push(`ssl_mode goes \`${sslBefore ?? "(new)"}\` → \`${sslAfter}\``);
  }
  const forceAfter = forceSsl(after);
  if (forceSsl(before) === "1" && forceAfter !== "1") found.push(`rds.force_ssl goes \`1\` → \`${forceAfter ?? "(unset)"}\``);
  return found;
}

export const encryptionWeakened: RiskRule = {
  id: "LAB-SEC2",
  category: "security weakened",
  severity: "high",
  explanation: "Storage encryption turned off, a KMS key removed, a DMS endpoint's ssl_mode lowered or rds.force_ssl turned off.",
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) =>
      weakenings(change).map((what) =>
        findingFor(
          encryptionWeakened,
          stack,
          change,
          `Encryption or TLS weakened: ${what}. The lab keeps data encrypted with its own key and every database hop on TLS.`,
          "keep storage_encrypted, the lab key, rds.force_ssl=1 and ssl_mode require or stronger (through PrivateLink the RDS certificate does not name the host, so verify-full cannot pass)",
        ),
      ),
    ),
};
