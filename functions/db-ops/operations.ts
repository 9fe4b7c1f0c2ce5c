// The named operations db-ops offers; the caller picks one by name and never sends SQL.
import type { Side } from "./config";
import { inTransaction, withConnection, type SqlClient } from "./connect";
import { sideConfig, userSettings, type DbOpsContext } from "./context";
import { provisionUser, type ProvisionResult } from "./grants";
import { frozenTables, freezeWrites, moveSequences, planSequences, sequencePositions, unfreezeWrites, writeSentinel } from "./cutover";
import { masterCredentials } from "./secrets";
import {
  COUNT_SQL,
  FILL_ORDERS_SQL,
  SEED_SCHEMA_STATEMENTS,
  SOURCE_SEQUENCE_STATEMENTS,
  TARGET_SCHEMA_STATEMENTS,
  orderRows,
} from "./seed";
import { DEFAULT_CHUNK_ROWS, rowDigests, tableDigest } from "./verify";

export type OperationEvent = { readonly operation: string } & Record<string, unknown>;
type Operation = (ctx: DbOpsContext, event: OperationEvent) => Promise<Record<string, unknown>>;

/** PostgreSQL's own rule for slot names (lower-case letters, digits, underscore) and NAMEDATALEN. */
export const SLOT_NAME = /^[a-z0-9_]{1,63}$/;

function asMaster<T>(ctx: DbOpsContext, side: Side, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const config = sideConfig(ctx.config, side);
  return masterCredentials(ctx.secretsManager, config, ctx.redactor).then((master) => withConnection(ctx.connect, side, master, work));
}

// pg returns bigint and numeric as strings; counts and byte sizes of a lab fit a double exactly.
function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

const TABLES_SQL = `SELECT n.nspname AS schema, c.relname AS table,
  CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS row_estimate
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[])
ORDER BY 1, 2`;

const SLOTS_SQL = `SELECT slot_name, plugin, active, restart_lsn::text AS restart_lsn,
  confirmed_flush_lsn::text AS confirmed_flush_lsn,
  pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS wal_retained_bytes
FROM pg_catalog.pg_replication_slots
ORDER BY slot_name`;

async function tables(ctx: DbOpsContext, client: SqlClient): Promise<Record<string, unknown>[]> {
  const { rows } = await client.query(TABLES_SQL, [[...ctx.config.migratedSchemas]]);
  // row_estimate is null until the table has been vacuumed or analyzed once.
  return rows.map((r) => ({ schema: r.schema, table: r.table, rowEstimate: toNumber(r.row_estimate) }));
}

async function sideStatus(ctx: DbOpsContext, side: Side): Promise<Record<string, unknown>> {
  return asMaster(ctx, side, async (client) => {
    const { rows: versionRows } = await client.query("SELECT current_setting('server_version') AS server_version");
    const config = sideConfig(ctx.config, side);
    const status: Record<string, unknown> = {
      serverVersion: versionRows[0]?.server_version ?? null,
      database: config.database,
      // Where this function (and DMS) reaches the database: what the application's db_url names.
      endpoint: { host: config.host, port: config.port, database: config.database },
      tables: await tables(ctx, client),
    };
    if (side === "source") {
      status.frozenTables = (await frozenTables(client)).map((t) => `${t.schema}.${t.table}`);
      const { rows } = await client.query(SLOTS_SQL);
      status.replicationSlots = rows.map((r) => ({
        slotName: r.slot_name,
        plugin: r.plugin,
        active: r.active,
        restartLsn: r.restart_lsn,
        confirmedFlushLsn: r.confirmed_flush_lsn,
        walRetainedBytes: toNumber(r.wal_retained_bytes),
      }));
    }
    return status;
  });
}

function provisionSide(ctx: DbOpsContext, side: Side): Promise<ProvisionResult> {
  return asMaster(ctx, side, (client) => provisionUser(client, userSettings(ctx.config, side)));
}

export const OPERATIONS: Record<string, Operation> = {
  async seed(ctx, event) {
    const rows = orderRows(event.rows);
    const source = await asMaster(ctx, "source", async (client) => {
      const inserted = await inTransaction(client, async () => {
        for (const statement of SEED_SCHEMA_STATEMENTS) await client.query(statement);
        const count = (await client.query(FILL_ORDERS_SQL, [rows])).rowCount ?? 0;
        for (const statement of SOURCE_SEQUENCE_STATEMENTS) await client.query(statement);
        return count;
      });
      const { rows: counts } = await client.query(COUNT_SQL);
      return { ordersInserted: inserted, accounts: toNumber(counts[0]?.accounts), orders: toNumber(counts[0]?.orders) };
    });
    // The schema may be new: its grants (skipped while it did not exist) are applied now.
    const grants = await provisionSide(ctx, "source");
    // The target database exists already; its schema and sequence are made here, and DMS creates the tables.
    await asMaster(ctx, "target", (client) =>
      inTransaction(client, async () => {
        for (const statement of TARGET_SCHEMA_STATEMENTS) await client.query(statement);
      }),
    );
    const targetGrants = await provisionSide(ctx, "target");
    const target = await asMaster(ctx, "target", async (client) => ({ tables: await tables(ctx, client) }));
    return { rowsRequested: rows, source: { ...source, grants }, target: { ...target, grants: targetGrants } };
  },

  async status(ctx) {
    return { source: await sideStatus(ctx, "source"), target: await sideStatus(ctx, "target") };
  },

  async "drop-slot"(ctx, event) {
    const slotName = event.slotName;
    if (typeof slotName !== "string" || !SLOT_NAME.test(slotName)) {
      throw new Error(`drop-slot: slotName must match ${SLOT_NAME.source}, got ${JSON.stringify(slotName ?? null)}`);
    }
    return asMaster(ctx, "source", async (client) => {
      const { rows } = await client.query("SELECT active, active_pid FROM pg_catalog.pg_replication_slots WHERE slot_name = $1", [
        slotName,
      ]);
      const slot = rows[0];
      if (!slot) return { slotName, dropped: false, reason: "no such slot" };
      if (slot.active === true) {
        throw new Error(`drop-slot: slot "${slotName}" is active (pid ${String(slot.active_pid)}); stop the DMS task that reads it first`);
      }
      await client.query("SELECT pg_drop_replication_slot($1)", [slotName]);
      return { slotName, dropped: true };
    });
  },

  async "table-digest"(ctx, event) {
    const { side, schema, table } = digestTarget(ctx, event);
    const chunkRows = event.chunkRows ?? DEFAULT_CHUNK_ROWS;
    if (typeof chunkRows !== "number" || !Number.isInteger(chunkRows) || chunkRows < 1 || chunkRows > 1_000_000) {
      throw new Error("table-digest: chunkRows must be a whole number from 1 to 1000000");
    }
    const uppers = event.uppers;
    if (uppers !== undefined && (!Array.isArray(uppers) || uppers.length > 100_000 || !uppers.every((u) => typeof u === "string"))) {
      throw new Error("table-digest: uppers must be a list of at most 100000 keys (strings)");
    }
    const digest = await asMaster(ctx, side, (client) =>
      tableDigest(client, side, schema, table, chunkRows, uppers as string[] | undefined),
    );
    return { ...digest };
  },

  async "row-digests"(ctx, event) {
    const { side, schema, table } = digestTarget(ctx, event);
    const bound = (value: unknown, what: string): string | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== "string") throw new Error(`row-digests: ${what} must be a key (string)`);
      return value;
    };
    const lower = bound(event.lower, "lower");
    const upper = bound(event.upper, "upper");
    return { side, schema, table, rows: await asMaster(ctx, side, (client) => rowDigests(client, schema, table, lower, upper)) };
  },

  /** Cutover: no write to a table of the migrated schemas succeeds on the source from now on. */
  async freeze(ctx) {
    const frozen = await asMaster(ctx, "source", (client) => freezeWrites(client, ctx.config.migratedSchemas));
    return { frozenTables: frozen.map((t) => `${t.schema}.${t.table}`) };
  },

  /** Cutover refused or rolled back: the source takes writes again. */
  async unfreeze(ctx) {
    const unfrozen = await asMaster(ctx, "source", (client) => unfreezeWrites(client));
    return { unfrozenTables: unfrozen.map((t) => `${t.schema}.${t.table}`) };
  },

  /** Cutover: a committed sentinel row and the WAL position before it, for the drain gate. */
  async sentinel(ctx) {
    return asMaster(ctx, "source", (client) => writeSentinel(client));
  },

  /** Cutover: target sequences moved to the source's positions (DMS migrates no sequences). */
  async sequences(ctx) {
    const schemas = ctx.config.migratedSchemas;
    const source = await asMaster(ctx, "source", (client) => sequencePositions(client, schemas));
    return asMaster(ctx, "target", async (client) => {
      const plan = planSequences(source, await sequencePositions(client, schemas));
      if (plan.missing.length === 0) await moveSequences(client, plan);
      return { ...plan, moved: plan.missing.length === 0 };
    });
  },

  async provision(ctx) {
    return { source: await provisionSide(ctx, "source"), target: await provisionSide(ctx, "target") };
  },
};

export const OPERATION_NAMES = Object.keys(OPERATIONS);

/** The side, schema and table a digest operation names: only tables of the migrated schemas. */
function digestTarget(ctx: DbOpsContext, event: OperationEvent): { side: Side; schema: string; table: string } {
  const { side, schema, table } = event;
  if (side !== "source" && side !== "target") throw new Error(`${event.operation}: side must be "source" or "target"`);
  if (typeof schema !== "string" || !ctx.config.migratedSchemas.includes(schema)) {
    throw new Error(`${event.operation}: schema must be one of the migrated schemas: ${ctx.config.migratedSchemas.join(", ")}`);
  }
  if (typeof table !== "string" || table.length === 0 || table.length > 63)
    throw new Error(`${event.operation}: table must be a table name`);
  return { side, schema, table };
}

export function isOperationEvent(event: unknown): event is OperationEvent {
  return typeof event === "object" && event !== null && typeof (event as { operation?: unknown }).operation === "string";
}

export async function runOperation(ctx: DbOpsContext, event: OperationEvent): Promise<Record<string, unknown>> {
  const operation = Object.hasOwn(OPERATIONS, event.operation) ? OPERATIONS[event.operation] : undefined;
  if (!operation) throw new Error(`unknown operation "${event.operation}"; valid operations: ${OPERATION_NAMES.join(", ")}`);
  return operation(ctx, event);
}
