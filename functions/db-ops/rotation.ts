// Secrets Manager rotation of the two DMS endpoint secrets (single-user strategy): the four steps of AWS's protocol.
//
// Follows AWS's "How rotation works" and its rotation function templates: every step first checks that rotation is
// enabled and that the token's version is staged AWSPENDING (a version already AWSCURRENT means the work is done);
// each step is idempotent, because Secrets Manager retries a step that failed or timed out.
import { scramSha256Verifier } from "./scram";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import type { DbOpsConfig, Side, SideConfig } from "./config";
import { withConnection, type DbCredentials } from "./connect";
import { sideConfig, userSettings, type DbOpsContext } from "./context";
import { provisionUser } from "./grants";
import { quoteIdent, quoteLiteral } from "./quote";
import { masterCredentials, readSecretJson } from "./secrets";

export const ROTATION_STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export interface RotationEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

export interface RotationResult {
  readonly step: RotationStep;
  readonly side: Side;
  /** What the step did: "done", or why there was nothing to do. */
  readonly outcome: string;
}

export const PASSWORD_LENGTH = 32;
/**
 * Characters a generated password must not contain. DMS refuses some special characters in PostgreSQL endpoint
 * passwords (AWS Knowledge Center, "create-source-target-endpoints-aws-dms"): `;` `:` `+` `.` `%` are left out for
 * that. The quotes, backslash, slash, `@`, backtick and space are left out because they break or need escaping in
 * the connection strings, URLs and shell commands a password ends up in while someone debugs a connection.
 */
export const EXCLUDED_PASSWORD_CHARACTERS = ";:+.%'\"\\/@` ";

const ENGINE = "aurora-postgresql";

/** The side whose DMS secret `secretId` names (full ARN, ARN without the random suffix, or name); throws otherwise. */
export function sideForSecret(secretId: string, config: DbOpsConfig): Side {
  for (const side of ["source", "target"] as const) {
    if (secretIdentifiers(sideConfig(config, side).dmsSecretArn).includes(secretId)) return side;
  }
  throw new Error(
    `db-ops rotates only the DMS endpoint secrets (${config.source.dmsSecretArn}, ${config.target.dmsSecretArn}); refusing secret ${secretId}`,
  );
}

function secretIdentifiers(arn: string): string[] {
  const marker = ":secret:";
  const name = arn.slice(arn.indexOf(marker) + marker.length);
  // Secrets Manager appends "-" and six random characters to the name in the ARN.
  const bareName = name.replace(/-[A-Za-z0-9]{6}$/, "");
  return [arn, arn.slice(0, arn.length - (name.length - bareName.length)), name, bareName];
}

function stringField(json: Record<string, unknown>, key: string): string | undefined {
  const value = json[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The DMS user's credentials a pending secret describes; checks it names the configured user. */
function pendingCredentials(pending: Record<string, unknown>, side: SideConfig): DbCredentials {
  const username = stringField(pending, "username");
  const password = stringField(pending, "password");
  if (!password) throw new Error(`the pending ${side.side} DMS secret has no password`);
  // This function logs in as the master: it must never change the password of any role but the DMS user's.
  if (username !== side.dmsUser) {
    throw new Error(`the pending ${side.side} DMS secret names user "${username ?? ""}", not the configured DMS user "${side.dmsUser}"`);
  }
  const port = Number(pending.port ?? side.port);
  return {
    host: stringField(pending, "host") ?? side.host,
    port: Number.isInteger(port) ? port : side.port,
    database: stringField(pending, "dbname") ?? side.database,
    user: username,
    password,
  };
}

export function isRotationEvent(event: unknown): event is RotationEvent {
  if (typeof event !== "object" || event === null) return false;
  const e = event as Record<string, unknown>;
  return typeof e.Step === "string" && typeof e.SecretId === "string" && typeof e.ClientRequestToken === "string";
}

export async function rotate(ctx: DbOpsContext, event: RotationEvent): Promise<RotationResult> {
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  if (!(ROTATION_STEPS as readonly string[]).includes(step)) {
    throw new Error(`unknown rotation step "${step}"; expected one of ${ROTATION_STEPS.join(", ")}`);
  }
  const side = sideForSecret(secretId, ctx.config);

  const metadata = await ctx.secretsManager.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (!metadata.RotationEnabled) throw new Error(`secret ${secretId} is not enabled for rotation`);
  const versions = metadata.VersionIdsToStages ?? {};
  const stages = versions[token];
  if (!stages) throw new Error(`secret version ${token} has no stage for rotation of secret ${secretId}`);
  if (stages.includes("AWSCURRENT")) return { step, side, outcome: "version is already AWSCURRENT" };
  if (!stages.includes("AWSPENDING"))
    throw new Error(`secret version ${token} is not set as AWSPENDING for rotation of secret ${secretId}`);

  const outcome = await STEPS[step](ctx, side, secretId, token, versions);
  ctx.log("rotation step", { step, side, secretId, outcome });
  return { step, side, outcome };
}

type StepFunction = (ctx: DbOpsContext, side: Side, secretId: string, token: string, versions: Record<string, string[]>) => Promise<string>;

const STEPS: Record<RotationStep, StepFunction> = {
  async createSecret(ctx, side, secretId, token) {
    const config = sideConfig(ctx.config, side);
    const what = `the ${side} DMS secret`;
    // The secret is created without a value, so the first rotation finds no AWSCURRENT: it is built from configuration.
    const current = await readSecretJson(ctx.secretsManager, { SecretId: secretId, VersionStage: "AWSCURRENT" }, what, ctx.redactor);
    const pending = await readSecretJson(
      ctx.secretsManager,
      { SecretId: secretId, VersionId: token, VersionStage: "AWSPENDING" },
      what,
      ctx.redactor,
    );
    if (pending) return "pending version already has a value";

    const { RandomPassword: password } = await ctx.secretsManager.send(
      new GetRandomPasswordCommand({ PasswordLength: PASSWORD_LENGTH, ExcludeCharacters: EXCLUDED_PASSWORD_CHARACTERS }),
    );
    if (!password) throw new Error("GetRandomPassword returned no password");
    ctx.redactor.add(password);
    const value = {
      ...(current ?? {}),
      engine: ENGINE,
      // The host follows configuration: a lab moved to another name (the cluster endpoint instead of the interface
      // endpoint's, for verify-full) gets it at the next rotation.
      host: config.host,
      port: current && Number.isInteger(current.port) ? current.port : config.port,
      username: (current && stringField(current, "username")) ?? config.dmsUser,
      password,
      dbname: (current && stringField(current, "dbname")) ?? config.database,
    };
    if (value.username !== config.dmsUser) {
      throw new Error(`${what} names user "${value.username}", not the configured DMS user "${config.dmsUser}"`);
    }
    await ctx.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        SecretString: JSON.stringify(value),
        VersionStages: ["AWSPENDING"],
      }),
    );
    return current ? "pending version created from the current one" : "pending version created from configuration (no AWSCURRENT yet)";
  },

  async setSecret(ctx, side, secretId, token) {
    const config = sideConfig(ctx.config, side);
    const pendingJson = await readSecretJson(
      ctx.secretsManager,
      { SecretId: secretId, VersionId: token, VersionStage: "AWSPENDING" },
      `the pending ${side} DMS secret`,
      ctx.redactor,
    );
    if (!pendingJson) throw new Error(`the pending ${side} DMS secret version ${token} has no value; createSecret must run first`);
    const pending = pendingCredentials(pendingJson, config);

    const master = await masterCredentials(ctx.secretsManager, config, ctx.redactor);
    const user = quoteIdent(pending.user);
    return withConnection(ctx.connect, side, master, async (client) => {
      // A retried step finds the password already set: the grants are made sure of again, the password left alone.
      const alreadySet = await canLogIn(ctx, side, pending);
      await provisionUser(client, userSettings(ctx.config, side), async () => {
        if (alreadySet) return;
        // ALTER ROLE takes no bind parameters. It gets the password's SCRAM verifier, never the password, so a
        // server log that records the statement holds nothing to log in with. The statement is never logged here,
        // and a failure is reported by SQLSTATE only.
        try {
          await client.query(`ALTER ROLE ${user} PASSWORD ${quoteLiteral(scramSha256Verifier(pending.password))}`);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          throw new Error(`ALTER ROLE ${user} PASSWORD failed${typeof code === "string" ? ` (SQLSTATE ${code})` : ""}`);
        }
      });
      return alreadySet ? "pending password already set; grants made sure of" : "user and grants made sure of; password set";
    });
  },

  async testSecret(ctx, side, secretId, token) {
    const pendingJson = await readSecretJson(
      ctx.secretsManager,
      { SecretId: secretId, VersionId: token, VersionStage: "AWSPENDING" },
      `the pending ${side} DMS secret`,
      ctx.redactor,
    );
    if (!pendingJson) throw new Error(`the pending ${side} DMS secret version ${token} has no value`);
    // Exactly what DMS will use: the host, port and database written in the secret.
    const pending = pendingCredentials(pendingJson, sideConfig(ctx.config, side));
    await withConnection(ctx.connect, side, pending, (client) => client.query("SELECT 1"));
    return `logged in as ${pending.user} with the pending password`;
  },

  async finishSecret(ctx, _side, secretId, token, versions) {
    const current = Object.entries(versions).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
    if (current === token) return "version is already AWSCURRENT";
    await ctx.secretsManager.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: token,
        ...(current ? { RemoveFromVersionId: current } : {}),
      }),
    );
    return current ? `AWSCURRENT moved from ${current}` : "AWSCURRENT set (the secret had no current version)";
  },
};

async function canLogIn(ctx: DbOpsContext, side: Side, credentials: DbCredentials): Promise<boolean> {
  try {
    await withConnection(ctx.connect, side, credentials, (client) => client.query("SELECT 1"));
    return true;
  } catch {
    return false;
  }
}
