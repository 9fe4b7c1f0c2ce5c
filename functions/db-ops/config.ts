// db-ops configuration: the function's environment, read and validated once into typed settings per side.

export type Side = "source" | "target";
export const SIDES: readonly Side[] = ["source", "target"];

/** How the function reaches one database and which secrets belong to it. */
export interface SideConfig {
  readonly side: Side;
  /** The interface endpoint DNS name DMS uses for this database. `SOURCE_HOST` / `TARGET_HOST` */
  readonly host: string;
  /** `DB_PORT`, @default 5432 */
  readonly port: number;
  /** `SOURCE_DATABASE` / `TARGET_DATABASE` */
  readonly database: string;
  /** The RDS-managed master user secret (`{username, password}`). `SOURCE_MASTER_SECRET_ARN` / `TARGET_MASTER_SECRET_ARN` */
  readonly masterSecretArn: string;
  /** The DMS endpoint's secret, which this function rotates. `SOURCE_DMS_SECRET_ARN` / `TARGET_DMS_SECRET_ARN` */
  readonly dmsSecretArn: string;
  /** The dedicated least-privilege user DMS logs in as. `SOURCE_DMS_USER` @default "dms_source"; `TARGET_DMS_USER` @default "dms_target" */
  readonly dmsUser: string;
}

export interface DbOpsConfig {
  readonly source: SideConfig;
  readonly target: SideConfig;
  /** Schemas the DMS task migrates. `MIGRATED_SCHEMAS` (comma list, at least one) */
  readonly migratedSchemas: readonly string[];
  /** Where DMS writes its heartbeat table on the source. `HEARTBEAT_SCHEMA`, @default "dms_heartbeat" */
  readonly heartbeatSchema: string;
}

// PostgreSQL truncates identifiers longer than NAMEDATALEN - 1 bytes; a silently different name is worse than an error.
const MAX_IDENTIFIER_BYTES = 63;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

function fail(variable: string, problem: string): never {
  throw new Error(`db-ops: environment variable ${variable} ${problem}`);
}

function required(env: NodeJS.ProcessEnv, variable: string): string {
  const value = env[variable]?.trim();
  if (!value) fail(variable, "is required");
  return value;
}

function identifier(variable: string, value: string): string {
  if (value.includes("\0")) fail(variable, "must not contain a NUL character");
  if (Buffer.byteLength(value, "utf8") > MAX_IDENTIFIER_BYTES) {
    fail(variable, `holds "${value}", longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte identifier limit`);
  }
  return value;
}

function secretArn(env: NodeJS.ProcessEnv, variable: string): string {
  const value = required(env, variable);
  if (!SECRET_ARN.test(value)) fail(variable, `must be a Secrets Manager secret ARN, got "${value}"`);
  return value;
}

function readSide(env: NodeJS.ProcessEnv, side: Side, port: number): SideConfig {
  const prefix = side.toUpperCase();
  const userVariable = `${prefix}_DMS_USER`;
  return {
    side,
    host: required(env, `${prefix}_HOST`),
    port,
    database: identifier(`${prefix}_DATABASE`, required(env, `${prefix}_DATABASE`)),
    masterSecretArn: secretArn(env, `${prefix}_MASTER_SECRET_ARN`),
    dmsSecretArn: secretArn(env, `${prefix}_DMS_SECRET_ARN`),
    dmsUser: identifier(userVariable, env[userVariable]?.trim() || `dms_${side}`),
  };
}

export function readConfig(env: NodeJS.ProcessEnv): DbOpsConfig {
  const rawPort = env.DB_PORT?.trim() || "5432";
  const port = /^\d+$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(port >= 1 && port <= 65535)) fail("DB_PORT", `must be a TCP port, got "${rawPort}"`);

  const source = readSide(env, "source", port);
  const target = readSide(env, "target", port);
  if (source.dmsSecretArn === target.dmsSecretArn) {
    fail("TARGET_DMS_SECRET_ARN", "must differ from SOURCE_DMS_SECRET_ARN: each DMS endpoint has its own secret and user");
  }

  const migratedSchemas = [
    ...new Set(
      required(env, "MIGRATED_SCHEMAS")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
  ].map((schema) => identifier("MIGRATED_SCHEMAS", schema));
  if (migratedSchemas.length === 0) fail("MIGRATED_SCHEMAS", "must name at least one schema");

  const heartbeatSchema = identifier("HEARTBEAT_SCHEMA", env.HEARTBEAT_SCHEMA?.trim() || "dms_heartbeat");
  if (migratedSchemas.includes(heartbeatSchema)) {
    fail("HEARTBEAT_SCHEMA", `must not be one of MIGRATED_SCHEMAS ("${heartbeatSchema}"): DMS would migrate its own heartbeat`);
  }
  return { source, target, migratedSchemas, heartbeatSchema };
}
