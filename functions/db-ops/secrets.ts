// Reading secrets at run time without letting their values reach a log line or an error message.
import { GetSecretValueCommand, type GetSecretValueCommandInput, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SideConfig } from "./config";
import type { DbCredentials } from "./connect";

/** Replaces every secret value it has been told about; every log line and error message passes through it. */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Very short values would blank out ordinary words; generated and RDS passwords are far longer.
    if (value && value.length >= 4) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join("***");
    return out;
  }
}

// Matching on the error name rather than `instanceof` keeps this working with a second copy of the SDK's classes.
export function hasErrorName(error: unknown, name: string): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === name;
}

/** The JSON object a secret holds; the parse error never quotes the text (Node's JSON errors do). */
export function parseSecretJson(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined) throw new Error(`${what} has no SecretString`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Reads a secret version's JSON, or undefined when that version or stage does not exist (or holds no value). */
export async function readSecretJson(
  secretsManager: SecretsManagerClient,
  input: GetSecretValueCommandInput,
  what: string,
  redactor: Redactor,
): Promise<Record<string, unknown> | undefined> {
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await secretsManager.send(new GetSecretValueCommand(input)));
  } catch (error) {
    if (hasErrorName(error, "ResourceNotFoundException")) return undefined;
    throw error;
  }
  const json = parseSecretJson(secretString, what);
  if (typeof json.password === "string") redactor.add(json.password);
  return json;
}

/** The master user's credentials, read from the RDS-managed secret on every use: RDS rotates it on its own schedule. */
export async function masterCredentials(
  secretsManager: SecretsManagerClient,
  side: SideConfig,
  redactor: Redactor,
): Promise<DbCredentials> {
  const what = `the ${side.side} master secret`;
  const json = await readSecretJson(secretsManager, { SecretId: side.masterSecretArn }, what, redactor);
  if (!json) throw new Error(`${what} (${side.masterSecretArn}) does not exist or has no current value`);
  if (typeof json.username !== "string" || typeof json.password !== "string") {
    throw new Error(`${what} (${side.masterSecretArn}) lacks a string username or password`);
  }
  return { host: side.host, port: side.port, database: side.database, user: json.username, password: json.password };
}
