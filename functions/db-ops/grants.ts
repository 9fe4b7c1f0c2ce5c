// The DMS users and their grants: what exists is read first, then a pure function decides the idempotent statements.
//
// Why these grants (AWS DMS user guide):
// - Source, "Using a PostgreSQL database as an AWS DMS source", section on AWS-managed PostgreSQL
//   (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.PostgreSQL.html): "If you use an account other
//   than the master user account, the account must have the rds_superuser role and the rds_replication role. The
//   rds_replication role grants permissions to manage logical slots and to stream data using logical slots."
//   We grant rds_replication (slots and streaming) but deliberately NOT rds_superuser: that would make the DMS
//   user as powerful as the master, which is what a dedicated user is meant to avoid. What rds_superuser buys DMS
//   is DDL capture (an event trigger, which needs superuser) — so the source endpoint must not capture DDL
//   (CaptureDdls false), or the master creates the documented awsdms_ddl_audit objects itself. Full load needs
//   SELECT on the migrated tables; DMS writes its heartbeat table into a schema the user owns.
//   On plain PostgreSQL (the local emulator) there is no rds_replication role; the REPLICATION attribute is the
//   community equivalent for logical replication, so it is used instead.
// - Target, "Using a PostgreSQL database as a target for AWS Database Migration Service", security requirements
//   (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.PostgreSQL.html): the minimum is either
//   "ALTER SCHEMA schema_name OWNER TO newuser" or CONNECT + CREATE on the database, USAGE + CREATE on the
//   schema and UPDATE, INSERT, SELECT, DELETE, TRUNCATE on its tables. We grant CONNECT and CREATE on the
//   database (DMS creates the target schema and its control tables when they are missing), hand over ownership
//   of each migrated schema that already exists, and grant DML + TRUNCATE on tables someone pre-created in it
//   (schema ownership does not extend to the tables, and TRUNCATE_BEFORE_LOAD needs TRUNCATE).
import type { Side } from "./config";
import { quoteIdent } from "./quote";
import { inTransaction, type SqlClient } from "./connect";

/** What the database holds now; read with {@link readFacts}. */
export interface DatabaseFacts {
  readonly roleExists: boolean;
  /** Aurora and RDS for PostgreSQL have it; community PostgreSQL does not. */
  readonly hasRdsReplication: boolean;
  /** The migrated schemas that exist; the others are skipped until they do. */
  readonly existingSchemas: readonly string[];
  /** True on plain PostgreSQL run by its superuser (the local emulator); the RDS master is not one. */
  readonly isSuperuser: boolean;
  /** `server_version_num`, e.g. 160004: membership grants gained options in PostgreSQL 16. */
  readonly serverVersionNum: number;
}

export interface UserSettings {
  readonly side: Side;
  readonly user: string;
  readonly database: string;
  readonly migratedSchemas: readonly string[];
  /** Source only: the schema DMS writes its heartbeat table into. */
  readonly heartbeatSchema: string;
}

const FACTS_SQL = `SELECT
  EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = $1) AS role_exists,
  EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'rds_replication') AS has_rds_replication,
  ARRAY(SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname = ANY($2::text[]) ORDER BY 1) AS existing_schemas,
  (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS is_superuser,
  current_setting('server_version_num')::int AS server_version_num`;

export async function readFacts(client: SqlClient, user: string, schemas: readonly string[]): Promise<DatabaseFacts> {
  const { rows } = await client.query(FACTS_SQL, [user, [...schemas]]);
  const row = rows[0] ?? {};
  const existing = Array.isArray(row.existing_schemas) ? row.existing_schemas.filter((s): s is string => typeof s === "string") : [];
  return {
    roleExists: row.role_exists === true,
    hasRdsReplication: row.has_rds_replication === true,
    existingSchemas: existing,
    isSuperuser: row.is_superuser === true,
    serverVersionNum: Number(row.server_version_num),
  };
}

/** The statements that make the DMS user of one side exist with exactly the grants above; safe to run again. */
export function userStatements(settings: UserSettings, facts: DatabaseFacts): string[] {
  const user = quoteIdent(settings.user);
  const database = quoteIdent(settings.database);
  const schemas = settings.migratedSchemas.filter((s) => facts.existingSchemas.includes(s)).map(quoteIdent);
  const statements = [
    // CREATE ROLE has no IF NOT EXISTS; an existing role only needs LOGIN made sure of.
    facts.roleExists ? `ALTER ROLE ${user} LOGIN` : `CREATE ROLE ${user} LOGIN`,
  ];
  // Giving the user a schema (CREATE SCHEMA ... AUTHORIZATION, ALTER SCHEMA ... OWNER TO) requires a non-superuser
  // to be able to SET ROLE to it. Since PostgreSQL 16 the creator (the RDS master) gets only ADMIN on a role it
  // creates, so it grants itself SET, and INHERIT: once a schema belongs to the DMS user, the master still needs
  // its USAGE to grant on the tables in it (the next rotation, `provision`). Before 16 the same needs plain
  // membership. A superuser needs neither.
  if (!facts.isSuperuser) {
    statements.push(
      facts.serverVersionNum >= 160000 ? `GRANT ${user} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE` : `GRANT ${user} TO CURRENT_USER`,
    );
  }

  if (settings.side === "source") {
    statements.push(facts.hasRdsReplication ? `GRANT rds_replication TO ${user}` : `ALTER ROLE ${user} REPLICATION`);
    statements.push(`GRANT CONNECT ON DATABASE ${database} TO ${user}`);
    for (const schema of schemas) {
      statements.push(
        `GRANT USAGE ON SCHEMA ${schema} TO ${user}`,
        `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${user}`,
        // Default privileges apply to tables the current role (the master, which runs seed) creates later.
        `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${user}`,
      );
    }
    const heartbeat = quoteIdent(settings.heartbeatSchema);
    statements.push(
      `CREATE SCHEMA IF NOT EXISTS ${heartbeat} AUTHORIZATION ${user}`,
      // IF NOT EXISTS leaves an existing schema's owner alone.
      `ALTER SCHEMA ${heartbeat} OWNER TO ${user}`,
    );
    return statements;
  }

  statements.push(
    `GRANT CONNECT, CREATE ON DATABASE ${database} TO ${user}`,
    // DMS writes its control tables (awsdms_apply_exceptions...) into the target's default schema when the
    // task names no ControlSchema, and since PostgreSQL 15 only the database owner may create in public.
    `GRANT USAGE, CREATE ON SCHEMA public TO ${user}`,
  );
  for (const schema of schemas) {
    statements.push(
      // Tables someone else made in it first: owning the schema does not cover them.
      `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA ${schema} TO ${user}`,
      `ALTER SCHEMA ${schema} OWNER TO ${user}`,
    );
  }
  return statements;
}

export interface ProvisionResult {
  readonly side: Side;
  readonly user: string;
  readonly created: boolean;
  readonly replication?: "rds_replication" | "REPLICATION attribute";
  readonly schemasGranted: readonly string[];
  readonly schemasSkipped: readonly string[];
  readonly statements: number;
}

/**
 * Reads the facts and applies the statements in one transaction, on a connection opened as the master user.
 * `alsoInTransaction` runs after the grants and before COMMIT (rotation sets the password there).
 */
export async function provisionUser(
  client: SqlClient,
  settings: UserSettings,
  alsoInTransaction?: () => Promise<void>,
): Promise<ProvisionResult> {
  const facts = await readFacts(client, settings.user, settings.migratedSchemas);
  const statements = userStatements(settings, facts);
  await inTransaction(client, async () => {
    for (const statement of statements) await client.query(statement);
    await alsoInTransaction?.();
  });
  return {
    side: settings.side,
    user: settings.user,
    created: !facts.roleExists,
    ...(settings.side === "source" ? { replication: facts.hasRdsReplication ? "rds_replication" : "REPLICATION attribute" } : {}),
    schemasGranted: settings.migratedSchemas.filter((s) => facts.existingSchemas.includes(s)),
    schemasSkipped: settings.migratedSchemas.filter((s) => !facts.existingSchemas.includes(s)),
    statements: statements.length,
  };
}
