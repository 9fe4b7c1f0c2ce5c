// Unit tests for the db-ops Lambda: configuration, the four rotation steps, the named operations, secrets kept out of logs, the bundle.
import { scramSha256Verifier } from "../../functions/db-ops/scram";
import { defined } from "../helpers/synth";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { readConfig, type Side } from "../../functions/db-ops/config";
import type { Connect, QueryResult } from "../../functions/db-ops/connect";
import { createHandler } from "../../functions/db-ops/handler";
import { bundleDbOps } from "../../functions/db-ops/bundle";
import { readRdsCaBundle } from "../../certificates/rds-ca-bundle";

const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbC123`;
const DB_OPS_ENV: NodeJS.ProcessEnv = {
  SOURCE_HOST: "dev-source.cluster-c0ffee.eu-west-1.rds.amazonaws.com",
  TARGET_HOST: "dev-target.cluster-c0ffee.eu-west-1.rds.amazonaws.com",
  SOURCE_DATABASE: "demo_db",
  TARGET_DATABASE: "demo_db",
  SOURCE_MASTER_SECRET_ARN: ARN("rds!cluster-source"),
  TARGET_MASTER_SECRET_ARN: ARN("rds!cluster-target"),
  SOURCE_DMS_SECRET_ARN: ARN("lab/dms/source"),
  TARGET_DMS_SECRET_ARN: ARN("lab/dms/target"),
  MIGRATED_SCHEMAS: "demo_schema",
};

describe("db-ops readConfig", () => {
  it("applies the documented defaults", () => {
    const config = readConfig(DB_OPS_ENV);

    expect(config.source).toMatchObject({ port: 5432, dmsUser: "dms_source", host: DB_OPS_ENV.SOURCE_HOST, database: "demo_db" });
    expect(config.target).toMatchObject({ port: 5432, dmsUser: "dms_target" });
    expect(config.heartbeatSchema).toBe("dms_heartbeat");
    expect(config.migratedSchemas).toEqual(["demo_schema"]);
  });

  it("splits MIGRATED_SCHEMAS on commas, trimming and dropping duplicates", () => {
    expect(readConfig({ ...DB_OPS_ENV, MIGRATED_SCHEMAS: " demo_schema, sales ,demo_schema," }).migratedSchemas).toEqual([
      "demo_schema",
      "sales",
    ]);
  });

  it.each([
    "SOURCE_HOST",
    "TARGET_HOST",
    "SOURCE_DATABASE",
    "TARGET_DATABASE",
    "SOURCE_MASTER_SECRET_ARN",
    "TARGET_MASTER_SECRET_ARN",
    "SOURCE_DMS_SECRET_ARN",
    "TARGET_DMS_SECRET_ARN",
    "MIGRATED_SCHEMAS",
  ])("names %s when it is missing", (variable) => {
    expect(() => readConfig({ ...DB_OPS_ENV, [variable]: " " })).toThrow(`environment variable ${variable} is required`);
  });

  it("rejects a port that is not a TCP port, naming DB_PORT and the value", () => {
    expect(() => readConfig({ ...DB_OPS_ENV, DB_PORT: "54a" })).toThrow('environment variable DB_PORT must be a TCP port, got "54a"');
    expect(() => readConfig({ ...DB_OPS_ENV, DB_PORT: "70000" })).toThrow(/DB_PORT/);
  });

  it("rejects a secret ARN that is not a Secrets Manager ARN", () => {
    expect(() => readConfig({ ...DB_OPS_ENV, TARGET_DMS_SECRET_ARN: "lab/dms/target" })).toThrow(
      /TARGET_DMS_SECRET_ARN must be a Secrets Manager secret ARN/,
    );
  });

  it("rejects one secret for both DMS endpoints", () => {
    expect(() => readConfig({ ...DB_OPS_ENV, TARGET_DMS_SECRET_ARN: DB_OPS_ENV.SOURCE_DMS_SECRET_ARN })).toThrow(
      /TARGET_DMS_SECRET_ARN must differ from SOURCE_DMS_SECRET_ARN/,
    );
  });

  it("rejects identifiers PostgreSQL would truncate, and a heartbeat schema that is migrated", () => {
    expect(() => readConfig({ ...DB_OPS_ENV, SOURCE_DMS_USER: "u".repeat(64) })).toThrow(/SOURCE_DMS_USER .* 63-byte/);
    expect(() => readConfig({ ...DB_OPS_ENV, HEARTBEAT_SCHEMA: "demo_schema" })).toThrow(
      /HEARTBEAT_SCHEMA must not be one of MIGRATED_SCHEMAS/,
    );
  });
});

const SOURCE_DMS_ARN = DB_OPS_ENV.SOURCE_DMS_SECRET_ARN ?? "";
const TARGET_DMS_ARN = DB_OPS_ENV.TARGET_DMS_SECRET_ARN ?? "";
const MASTER_USER = "postgres";
// Canaries: if either appears in a log line or an error message, a secret has leaked.
const MASTER_PASSWORDS: Record<Side, string> = { source: "MasterCanarySrc-4kT9qZ2wX7", target: "MasterCanaryTgt-8pL3vN6yR1" };
const GENERATED_PASSWORD = "RotCanary4Xq9ZmT2wK7vB3nL8pR6sJ1";
const TOKEN = "7d1b3c5e-0000-4000-8000-00000000aaaa";
const OLD_VERSION = "5a2c4e6f-0000-4000-8000-00000000bbbb";

// ---- A fake PostgreSQL per side: it checks passwords, records statements and answers the queries db-ops makes. ----

interface Recorded {
  side: Side;
  user: string;
  text: string;
  values?: readonly unknown[];
}
type FakeSlot = {
  slot_name: string;
  plugin: string;
  active: boolean;
  active_pid: number | null;
};
interface FakeServer {
  passwords: Map<string, string>;
  hasRdsReplication: boolean;
  schemas: Set<string>;
  slots: FakeSlot[];
  /** Makes the next statement matching it fail with this error. */
  failOn?: { pattern: RegExp; error: Error };
}

let servers: Record<Side, FakeServer>;
let statements: Recorded[];
let logins: Array<{ side: Side; host: string; port: number; database: string; user: string }>;
let lines: string[];

function unquoteLiteral(literal: string): string {
  return literal.startsWith("E'")
    ? literal.slice(2, -1).replace(/''/g, "'").replace(/\\\\/g, "\\")
    : literal.slice(1, -1).replace(/''/g, "'");
}

function answer(server: FakeServer, text: string, values: readonly unknown[] | undefined): QueryResult {
  const none: QueryResult = { rows: [], rowCount: null };
  if (text.includes("has_rds_replication")) {
    const wanted = (values?.[1] as string[]) ?? [];
    return {
      rows: [
        {
          role_exists: server.passwords.has(String(values?.[0])),
          has_rds_replication: server.hasRdsReplication,
          existing_schemas: wanted.filter((s) => server.schemas.has(s)).sort(),
          is_superuser: false,
          server_version_num: "160004",
        },
      ],
      rowCount: 1,
    };
  }
  const create = /^CREATE ROLE "([^"]+)" LOGIN$/.exec(text);
  if (create?.[1]) server.passwords.set(create[1], "");
  const password = /^ALTER ROLE "([^"]+)" PASSWORD ((?:E)?'.*')$/s.exec(text);
  if (password?.[1] && password[2]) server.passwords.set(password[1], unquoteLiteral(password[2]));
  if (text.startsWith("CREATE SCHEMA IF NOT EXISTS demo_schema")) server.schemas.add("demo_schema");
  if (text === "SELECT 1") return { rows: [{ "?column?": 1 }], rowCount: 1 };
  if (text.includes("server_version")) return { rows: [{ server_version: "16.4" }], rowCount: 1 };
  if (text.includes("FROM pg_catalog.pg_class")) {
    return { rows: [{ schema: "demo_schema", table: "demo_accounts", row_estimate: "4" }], rowCount: 1 };
  }
  if (text.includes("WHERE slot_name = $1")) return { rows: server.slots.filter((s) => s.slot_name === values?.[0]), rowCount: null };
  if (text.startsWith("SELECT pg_drop_replication_slot")) {
    server.slots = server.slots.filter((s) => s.slot_name !== values?.[0]);
    return { rows: [{}], rowCount: 1 };
  }
  if (text.includes("FROM pg_catalog.pg_replication_slots")) {
    return {
      rows: server.slots.map((s) => ({
        ...s,
        restart_lsn: "0/1A2B3C4",
        confirmed_flush_lsn: "0/1A2B400",
        wal_retained_bytes: "134217728",
      })),
      rowCount: server.slots.length,
    };
  }
  if (text.startsWith("INSERT INTO demo_schema.demo_orders")) return { rows: [], rowCount: Number(values?.[0]) };
  if (text.includes("AS accounts")) return { rows: [{ accounts: "4", orders: "5000" }], rowCount: 1 };
  return none;
}

/** As PostgreSQL checks a login: against the SCRAM verifier stored, or the plain password a test seeded. */
function passwordMatches(stored: string, password: string): boolean {
  const scram = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored);
  if (!scram?.[1] || !scram[2]) return stored === password;
  return scramSha256Verifier(password, Buffer.from(scram[2], "base64"), Number(scram[1])) === stored;
}

const fakeConnect: Connect = async (side, credentials) => {
  const server = servers[side];
  const stored = server.passwords.get(credentials.user);
  if (stored === undefined || stored === "" || !passwordMatches(stored, credentials.password)) {
    throw Object.assign(new Error(`password authentication failed for user "${credentials.user}"`), { code: "28P01" });
  }
  logins.push({ side, host: credentials.host, port: credentials.port, database: credentials.database, user: credentials.user });
  return {
    query: async (text, values) => {
      statements.push({ side, user: credentials.user, text, ...(values ? { values } : {}) });
      if (server.failOn?.pattern.test(text)) {
        const { error } = server.failOn;
        server.failOn = undefined;
        throw error;
      }
      return answer(server, text, values);
    },
    end: async () => undefined,
  };
};

const sqlOf = (side: Side) => statements.filter((s) => s.side === side).map((s) => s.text);

// ---- A fake Secrets Manager: versions with staging labels, behind aws-sdk-client-mock. ----

interface FakeSecret {
  arn: string;
  rotationEnabled: boolean;
  versions: Map<string, { stages: string[]; value?: string }>;
}
let secrets: FakeSecret[];
const smMock = mockClient(SecretsManagerClient);
const secretsManager = new SecretsManagerClient({ region: "eu-west-1" });

const notFound = () =>
  Object.assign(new Error("Secrets Manager can't find the specified secret value."), { name: "ResourceNotFoundException" });

function findSecret(id: string | undefined): FakeSecret {
  const found = secrets.find((s) => s.arn === id || s.arn.includes(`:secret:${id}-`));
  if (!found) throw notFound();
  return found;
}

function givenSecret(arn: string, versions: Record<string, { stages: string[]; value?: unknown }>, rotationEnabled = true): void {
  secrets.push({
    arn,
    rotationEnabled,
    versions: new Map(
      Object.entries(versions).map(([id, v]) => [
        id,
        { stages: v.stages, ...(v.value === undefined ? {} : { value: typeof v.value === "string" ? v.value : JSON.stringify(v.value) }) },
      ]),
    ),
  });
}

function stagesOf(arn: string): Record<string, string[]> {
  return Object.fromEntries([...findSecret(arn).versions].map(([id, v]) => [id, v.stages]));
}

function valueOf(arn: string, versionId: string): Record<string, unknown> {
  return JSON.parse(findSecret(arn).versions.get(versionId)?.value ?? "null") as Record<string, unknown>;
}

function installSecretsManager(): void {
  smMock.on(DescribeSecretCommand).callsFake((input: { SecretId?: string }) => {
    const secret = findSecret(input.SecretId);
    return { ARN: secret.arn, RotationEnabled: secret.rotationEnabled, VersionIdsToStages: stagesOf(secret.arn) };
  });
  smMock.on(GetSecretValueCommand).callsFake((input: { SecretId?: string; VersionId?: string; VersionStage?: string }) => {
    const secret = findSecret(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId ? undefined : "AWSCURRENT");
    const entry = [...secret.versions].find(
      ([id, v]) => (!input.VersionId || id === input.VersionId) && (!stage || v.stages.includes(stage)),
    );
    if (!entry || entry[1].value === undefined) throw notFound();
    return { ARN: secret.arn, VersionId: entry[0], SecretString: entry[1].value };
  });
  smMock.on(GetRandomPasswordCommand).resolves({ RandomPassword: GENERATED_PASSWORD });
  smMock
    .on(PutSecretValueCommand)
    .callsFake((input: { SecretId?: string; ClientRequestToken?: string; SecretString?: string; VersionStages?: string[] }) => {
      const secret = findSecret(input.SecretId);
      const id = input.ClientRequestToken ?? "";
      for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => !(input.VersionStages ?? []).includes(s));
      secret.versions.set(id, { stages: input.VersionStages ?? [], value: input.SecretString });
      return { ARN: secret.arn, VersionId: id };
    });
  smMock
    .on(UpdateSecretVersionStageCommand)
    .callsFake((input: { SecretId?: string; VersionStage?: string; MoveToVersionId?: string; RemoveFromVersionId?: string }) => {
      const secret = findSecret(input.SecretId);
      const stage = input.VersionStage ?? "";
      const holder = [...secret.versions].find(([, v]) => v.stages.includes(stage))?.[0];
      // Secrets Manager refuses to move a label that is attached elsewhere unless told where from.
      if (holder && holder !== input.MoveToVersionId && holder !== input.RemoveFromVersionId) {
        throw Object.assign(new Error(`${stage} is attached to ${holder}`), { name: "InvalidParameterException" });
      }
      for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => s !== stage);
      secret.versions.get(input.MoveToVersionId ?? "")?.stages.push(stage);
      return { ARN: secret.arn };
    });
}

function smCalls(command: string): unknown[] {
  return smMock
    .calls()
    .filter((c) => c.args[0].constructor.name === command)
    .map((c) => c.args[0].input);
}

// ---- The handler under test. ----

const dbOps = createHandler({ secretsManager, connect: fakeConnect, env: DB_OPS_ENV, writeLine: (line) => lines.push(line) });
const rotation = (Step: string, SecretId = SOURCE_DMS_ARN, ClientRequestToken = TOKEN) => dbOps({ Step, SecretId, ClientRequestToken });

/** Every log line and every error message so far must be free of the canaries. */
function expectNoSecretIn(texts: string[]): void {
  for (const text of texts) {
    for (const secret of [GENERATED_PASSWORD, ...Object.values(MASTER_PASSWORDS)]) expect(text).not.toContain(secret);
  }
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

beforeEach(() => {
  smMock.reset();
  installSecretsManager();
  statements = [];
  logins = [];
  lines = [];
  servers = {
    source: {
      passwords: new Map([[MASTER_USER, MASTER_PASSWORDS.source]]),
      hasRdsReplication: true,
      schemas: new Set(["demo_schema"]),
      slots: [],
    },
    target: { passwords: new Map([[MASTER_USER, MASTER_PASSWORDS.target]]), hasRdsReplication: true, schemas: new Set(), slots: [] },
  };
  secrets = [];
  for (const side of ["source", "target"] as const) {
    givenSecret(DB_OPS_ENV[`${side.toUpperCase()}_MASTER_SECRET_ARN`] ?? "", {
      m1: { stages: ["AWSCURRENT"], value: { username: MASTER_USER, password: MASTER_PASSWORDS[side] } },
    });
  }
});

afterAll(() => smMock.restore());

describe("db-ops rotation: createSecret", () => {
  it("builds the first value from configuration when the secret has no AWSCURRENT yet", async () => {
    givenSecret(SOURCE_DMS_ARN, { [TOKEN]: { stages: ["AWSPENDING"] } });

    const result = await rotation("createSecret");

    expect(result).toMatchObject({ step: "createSecret", side: "source" });
    expect(valueOf(SOURCE_DMS_ARN, TOKEN)).toEqual({
      engine: "aurora-postgresql",
      host: DB_OPS_ENV.SOURCE_HOST,
      port: 5432,
      username: "dms_source",
      password: GENERATED_PASSWORD,
      dbname: "demo_db",
    });
    expect(smCalls("PutSecretValueCommand")).toEqual([
      { SecretId: SOURCE_DMS_ARN, ClientRequestToken: TOKEN, SecretString: expect.any(String), VersionStages: ["AWSPENDING"] },
    ]);
  });

  it("asks for 32 characters without the ones DMS rejects and the quoting-hostile ones", async () => {
    givenSecret(SOURCE_DMS_ARN, { [TOKEN]: { stages: ["AWSPENDING"] } });

    await rotation("createSecret");

    const [request] = smCalls("GetRandomPasswordCommand") as Array<{ PasswordLength: number; ExcludeCharacters: string }>;
    expect(request?.PasswordLength).toBe(32);
    for (const c of [";", ":", "+", ".", "%", "'", '"', "\\", "/", "@", "`", " "]) expect(request?.ExcludeCharacters).toContain(c);
  });

  it("keeps the current version's port, user and database, takes the host from configuration, and replaces the password", async () => {
    const current = {
      engine: "aurora-postgresql",
      host: "vpce-0old.vpce-svc-0aaa.eu-west-1.vpce.amazonaws.com",
      port: 5433,
      username: "dms_source",
      password: "OldPassw0rd",
      dbname: "demo_db",
    };
    givenSecret(SOURCE_DMS_ARN, { [OLD_VERSION]: { stages: ["AWSCURRENT"], value: current }, [TOKEN]: { stages: ["AWSPENDING"] } });

    await rotation("createSecret");

    expect(valueOf(SOURCE_DMS_ARN, TOKEN)).toEqual({ ...current, host: DB_OPS_ENV.SOURCE_HOST, password: GENERATED_PASSWORD });
  });

  it("does nothing on a re-run: the pending value stays, no second password is generated", async () => {
    givenSecret(SOURCE_DMS_ARN, { [TOKEN]: { stages: ["AWSPENDING"] } });

    await rotation("createSecret");
    const result = await rotation("createSecret");

    expect(result.outcome).toBe("pending version already has a value");
    expect(smCalls("GetRandomPasswordCommand")).toHaveLength(1);
    expect(smCalls("PutSecretValueCommand")).toHaveLength(1);
  });

  it("refuses a current value that names another user than the configured DMS user", async () => {
    givenSecret(SOURCE_DMS_ARN, {
      [OLD_VERSION]: { stages: ["AWSCURRENT"], value: { username: MASTER_USER, password: "x1234567" } },
      [TOKEN]: { stages: ["AWSPENDING"] },
    });

    await expect(rotation("createSecret")).rejects.toThrow(/names user "postgres", not the configured DMS user "dms_source"/);
    expect(smCalls("PutSecretValueCommand")).toEqual([]);
  });
});

describe("db-ops rotation: the checks every step makes first", () => {
  it("refuses a secret whose rotation is not enabled", async () => {
    givenSecret(SOURCE_DMS_ARN, { [TOKEN]: { stages: ["AWSPENDING"] } }, false);

    await expect(rotation("createSecret")).rejects.toThrow(`secret ${SOURCE_DMS_ARN} is not enabled for rotation`);
  });

  it("refuses a token with no version, and a version not staged AWSPENDING", async () => {
    givenSecret(SOURCE_DMS_ARN, { [OLD_VERSION]: { stages: ["AWSPREVIOUS"], value: {} } });

    await expect(rotation("setSecret")).rejects.toThrow(`secret version ${TOKEN} has no stage for rotation`);
    await expect(rotation("setSecret", SOURCE_DMS_ARN, OLD_VERSION)).rejects.toThrow(/is not set as AWSPENDING/);
  });

  it("does nothing for a version that is already AWSCURRENT", async () => {
    givenSecret(SOURCE_DMS_ARN, { [TOKEN]: { stages: ["AWSCURRENT", "AWSPENDING"], value: {} } });

    const result = await rotation("setSecret");

    expect(result.outcome).toBe("version is already AWSCURRENT");
    expect(statements).toEqual([]);
  });

  it("picks the side from the secret's ARN or name", async () => {
    givenSecret(TARGET_DMS_ARN, { [TOKEN]: { stages: ["AWSPENDING"] } });

    expect(await rotation("createSecret", TARGET_DMS_ARN)).toMatchObject({ side: "target" });
    expect(await rotation("createSecret", "lab/dms/target")).toMatchObject({ side: "target" });
    expect(valueOf(TARGET_DMS_ARN, TOKEN)).toMatchObject({ username: "dms_target", host: DB_OPS_ENV.TARGET_HOST });
  });

  it("refuses any other secret without calling Secrets Manager", async () => {
    const other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/other-XyZ789";

    await expect(rotation("createSecret", other)).rejects.toThrow(`refusing secret ${other}`);
    await expect(rotation("createSecret", DB_OPS_ENV.SOURCE_MASTER_SECRET_ARN)).rejects.toThrow(/refusing secret/);
    expect(smMock.calls()).toEqual([]);
  });

  it("refuses an unknown step", async () => {
    givenSecret(SOURCE_DMS_ARN, { [TOKEN]: { stages: ["AWSPENDING"] } });

    await expect(rotation("deleteSecret")).rejects.toThrow(/unknown rotation step "deleteSecret"/);
  });
});

describe("db-ops rotation: setSecret, testSecret, finishSecret", () => {
  beforeEach(async () => {
    givenSecret(SOURCE_DMS_ARN, { [TOKEN]: { stages: ["AWSPENDING"] } });
    await rotation("createSecret");
  });

  it("setSecret logs in as the master from the RDS secret, makes sure of the user and grants, then sets the password", async () => {
    await rotation("setSecret");

    expect(logins).toContainEqual({ side: "source", host: DB_OPS_ENV.SOURCE_HOST, port: 5432, database: "demo_db", user: MASTER_USER });
    const sql = sqlOf("source");
    const begin = sql.indexOf("BEGIN");
    const alter = sql.findIndex((s) => s.startsWith('ALTER ROLE "dms_source" PASSWORD'));
    expect(sql.slice(begin, begin + 3)).toEqual([
      "BEGIN",
      'CREATE ROLE "dms_source" LOGIN',
      'GRANT "dms_source" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE',
    ]);
    expect(sql).toContain('GRANT rds_replication TO "dms_source"');
    // The server gets the password's SCRAM verifier, never the password.
    expect(sql[alter]).toMatch(/^ALTER ROLE "dms_source" PASSWORD 'SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+'$/);
    expect(sql[alter]).not.toContain(GENERATED_PASSWORD);
    expect(sql[alter + 1]).toBe("COMMIT");
    expect(passwordMatches(defined(servers.source.passwords.get("dms_source"), "the stored verifier"), GENERATED_PASSWORD)).toBe(true);
  });

  it("setSecret on a re-run leaves the password alone but makes sure of the grants again", async () => {
    await rotation("setSecret");
    statements = [];

    const result = await rotation("setSecret");

    expect(result.outcome).toBe("pending password already set; grants made sure of");
    expect(sqlOf("source").some((s) => s.includes("PASSWORD"))).toBe(false);
    expect(sqlOf("source")).toContain('ALTER ROLE "dms_source" LOGIN');
  });

  it("testSecret logs in as the DMS user with the pending password, where the secret says, and runs SELECT 1", async () => {
    await rotation("setSecret");
    logins = [];
    statements = [];

    await rotation("testSecret");

    expect(logins).toEqual([{ side: "source", host: DB_OPS_ENV.SOURCE_HOST, port: 5432, database: "demo_db", user: "dms_source" }]);
    expect(statements.map((s) => [s.user, s.text])).toEqual([["dms_source", "SELECT 1"]]);
  });

  it("testSecret fails while the pending password is not set", async () => {
    await expect(rotation("testSecret")).rejects.toThrow('password authentication failed for user "dms_source"');
  });

  it("finishSecret attaches AWSCURRENT to the token's version, with no version to remove it from on the first rotation", async () => {
    await rotation("finishSecret");

    expect(smCalls("UpdateSecretVersionStageCommand")).toEqual([
      { SecretId: SOURCE_DMS_ARN, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN },
    ]);
    expect(stagesOf(SOURCE_DMS_ARN)[TOKEN]).toContain("AWSCURRENT");
  });

  it("finishSecret moves AWSCURRENT from the old version, and a re-run changes nothing", async () => {
    findSecret(SOURCE_DMS_ARN).versions.set(OLD_VERSION, { stages: ["AWSCURRENT"], value: "{}" });

    await rotation("finishSecret");
    const rerun = await rotation("finishSecret");

    expect(smCalls("UpdateSecretVersionStageCommand")).toEqual([
      { SecretId: SOURCE_DMS_ARN, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: OLD_VERSION },
    ]);
    expect(stagesOf(SOURCE_DMS_ARN)[OLD_VERSION]).not.toContain("AWSCURRENT");
    expect(rerun.outcome).toBe("version is already AWSCURRENT");
  });

  it("writes neither the new password nor the master password into any log line, through all four steps", async () => {
    for (const step of ["setSecret", "testSecret", "finishSecret"]) await rotation(step);

    expect(lines.length).toBeGreaterThanOrEqual(4);
    expectNoSecretIn(lines);
  });

  it("keeps the password out of the error when ALTER ROLE fails with a message quoting it", async () => {
    servers.source.failOn = {
      pattern: /^ALTER ROLE .* PASSWORD/,
      error: Object.assign(new Error(`syntax error at or near "${GENERATED_PASSWORD}"`), { code: "42601" }),
    };

    const error = await errorOf(rotation("setSecret"));

    expect(error.message).toBe('ALTER ROLE "dms_source" PASSWORD failed (SQLSTATE 42601)');
    expect(sqlOf("source").at(-1)).toBe("ROLLBACK");
    expectNoSecretIn([error.message, String(error.stack), ...lines]);
  });

  it("redacts a secret from any other error that happens to carry it", async () => {
    servers.source.failOn = { pattern: /^GRANT rds_replication/, error: new Error(`odd failure mentioning ${MASTER_PASSWORDS.source}`) };

    const error = await errorOf(rotation("setSecret"));

    expect(error.message).toBe("odd failure mentioning ***");
    expectNoSecretIn([error.message, ...lines]);
  });

  it("refuses a pending value that names another role than the DMS user", async () => {
    findSecret(SOURCE_DMS_ARN).versions.set(TOKEN, {
      stages: ["AWSPENDING"],
      value: JSON.stringify({ username: MASTER_USER, password: GENERATED_PASSWORD }),
    });

    await expect(rotation("setSecret")).rejects.toThrow(/names user "postgres", not the configured DMS user "dms_source"/);
    expect(statements.some((s) => s.text.includes("PASSWORD"))).toBe(false);
  });
});

describe("db-ops named operations", () => {
  it("rejects an unknown operation, listing the valid ones", async () => {
    await expect(dbOps({ operation: "sql", query: "DROP TABLE x" })).rejects.toThrow(
      'unknown operation "sql"; valid operations: seed, status, drop-slot, table-digest, row-digests, freeze, unfreeze, sentinel, sequences, provision',
    );
    await expect(dbOps({ operation: "toString" })).rejects.toThrow(/unknown operation "toString"/);
    expect(statements).toEqual([]);
  });

  it("rejects an event that is neither a rotation nor an operation", async () => {
    await expect(dbOps({ hello: "world" })).rejects.toThrow(/expects a Secrets Manager rotation event .* or \{operation\}/);
  });

  it("seed creates the demo schema, fills demo_orders to the count, re-applies the source grants and reports the target", async () => {
    servers.source.schemas.clear();

    const result = await dbOps({ operation: "seed", rows: 1234 });

    const sql = sqlOf("source");
    const fill = statements.find((s) => s.text.startsWith("INSERT INTO demo_schema.demo_orders"));
    expect(fill?.values).toEqual([1234]);
    expect(sql.indexOf("CREATE SCHEMA IF NOT EXISTS demo_schema")).toBeLessThan(
      sql.indexOf('GRANT USAGE ON SCHEMA "demo_schema" TO "dms_source"'),
    );
    expect(sql.indexOf("CREATE SEQUENCE IF NOT EXISTS demo_schema.demo_order_ids AS bigint")).toBeGreaterThan(
      sql.indexOf(fill?.text ?? ""),
    );
    // The target: the schema and the sequence DMS cannot create, then the grants that give the schema to dms_target.
    const target = sqlOf("target");
    expect(target.filter((s) => /^(CREATE (SCHEMA|SEQUENCE|TABLE)|INSERT)/.test(s))).toEqual([
      "CREATE SCHEMA IF NOT EXISTS demo_schema",
      "CREATE SEQUENCE IF NOT EXISTS demo_schema.demo_order_ids AS bigint",
    ]);
    expect(target.indexOf("CREATE SCHEMA IF NOT EXISTS demo_schema")).toBeLessThan(
      target.indexOf('ALTER SCHEMA "demo_schema" OWNER TO "dms_target"'),
    );
    expect(target.some((s) => s.startsWith("INSERT"))).toBe(false);
    expect(result).toMatchObject({
      operation: "seed",
      rowsRequested: 1234,
      source: { ordersInserted: 1234, accounts: 4, orders: 5000, grants: { side: "source", schemasGranted: ["demo_schema"] } },
      target: { tables: [{ schema: "demo_schema", table: "demo_accounts", rowEstimate: 4 }] },
    });
  });

  it("seed refuses a row count over the maximum before connecting", async () => {
    await expect(dbOps({ operation: "seed", rows: 5_000_001 })).rejects.toThrow(/rows must be an integer from 0 to 5000000/);
    expect(logins).toEqual([]);
  });

  it("status reports versions, tables and the source's slots with the WAL they retain", async () => {
    servers.source.slots = [{ slot_name: "dms_slot_abc", plugin: "test_decoding", active: true, active_pid: 4242 }];

    const result = await dbOps({ operation: "status" });

    expect(result).toMatchObject({
      source: {
        serverVersion: "16.4",
        replicationSlots: [
          {
            slotName: "dms_slot_abc",
            plugin: "test_decoding",
            active: true,
            restartLsn: "0/1A2B3C4",
            confirmedFlushLsn: "0/1A2B400",
            walRetainedBytes: 134217728,
          },
        ],
      },
      target: { serverVersion: "16.4" },
    });
    expect(result.target).not.toHaveProperty("replicationSlots");
    expect(statements.find((s) => s.text.includes("pg_wal_lsn_diff"))?.text).toContain(
      "pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)",
    );
  });

  it.each([undefined, "", "Has_Upper", "dash-slot", "x; DROP TABLE t", "a".repeat(64)])(
    "drop-slot refuses slot name %j without connecting",
    async (slotName) => {
      await expect(dbOps({ operation: "drop-slot", slotName })).rejects.toThrow(/slotName must match/);
      expect(logins).toEqual([]);
    },
  );

  it("drop-slot drops an inactive slot by bind parameter, and reports a missing one", async () => {
    servers.source.slots = [{ slot_name: "dms_slot_old", plugin: "test_decoding", active: false, active_pid: null }];

    expect(await dbOps({ operation: "drop-slot", slotName: "dms_slot_old" })).toMatchObject({ dropped: true });
    expect(statements.at(-1)).toMatchObject({ text: "SELECT pg_drop_replication_slot($1)", values: ["dms_slot_old"] });
    expect(await dbOps({ operation: "drop-slot", slotName: "dms_slot_old" })).toMatchObject({ dropped: false, reason: "no such slot" });
  });

  it("drop-slot refuses an active slot", async () => {
    servers.source.slots = [{ slot_name: "dms_slot_live", plugin: "test_decoding", active: true, active_pid: 77 }];

    await expect(dbOps({ operation: "drop-slot", slotName: "dms_slot_live" })).rejects.toThrow(/is active \(pid 77\)/);
    expect(statements.some((s) => s.text.includes("pg_drop_replication_slot"))).toBe(false);
  });

  it("provision makes sure of both users without touching a password, and falls back where rds_replication is missing", async () => {
    servers.source.hasRdsReplication = false;

    const result = await dbOps({ operation: "provision" });

    expect(result).toMatchObject({
      source: { created: true, replication: "REPLICATION attribute", schemasGranted: ["demo_schema"] },
      target: { created: true, schemasSkipped: ["demo_schema"] },
    });
    expect(sqlOf("source")).toContain('ALTER ROLE "dms_source" REPLICATION');
    expect(sqlOf("target")).toContain('GRANT CONNECT, CREATE ON DATABASE "demo_db" TO "dms_target"');
    expect(statements.some((s) => s.text.includes("PASSWORD"))).toBe(false);
    expectNoSecretIn(lines);
  });

  it("fails with a message naming the variable when the configuration is incomplete", async () => {
    const broken = createHandler({
      secretsManager,
      connect: fakeConnect,
      env: { ...DB_OPS_ENV, SOURCE_HOST: "" },
      writeLine: () => undefined,
    });

    await expect(broken({ operation: "status" })).rejects.toThrow("db-ops: environment variable SOURCE_HOST is required");
  });
});

describe("bundleDbOps", () => {
  it("writes one self-contained CommonJS file (pg inside) that exports handler", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "db-ops-bundle-"));
    try {
      const file = bundleDbOps(dir);

      expect(file).toBe(path.join(dir, "index.js"));
      expect(readdirSync(dir)).toEqual(["index.js"]);
      const source = readFileSync(file, "utf8");
      const required = [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? "");
      const builtins = new Set(builtinModules);
      const unexpected = required.filter(
        (spec) => !spec.startsWith("@aws-sdk/") && spec !== "pg-native" && !spec.startsWith("node:") && !builtins.has(spec),
      );
      expect(unexpected).toEqual([]);
      expect(required).not.toContain("pg");
      expect(source).not.toMatch(/^\s*(import|export)\s/m);
      // The RDS CA bundle travels in the code (as a string literal), so the function verifies servers with no file to find.
      expect(source).toContain(JSON.stringify(readRdsCaBundle()));

      // The runtime provides @aws-sdk/*; the project's node_modules stands in for it here.
      symlinkSync(path.resolve(__dirname, "..", "..", "node_modules"), path.join(dir, "node_modules"), "dir");
      const loaded: unknown = createRequire(__filename)(file);
      expect(typeof (loaded as { handler?: unknown }).handler).toBe("function");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
