// The database side of a cutover: freezing writes on the source, the sentinel that proves CDC drained, target sequences.
import { inTransaction, type SqlClient } from "./connect";
import { quoteIdent } from "./quote";

/** The schema the lab keeps its cutover objects in, on the source only. */
export const CUTOVER_SCHEMA = "lab_cutover";
/** The trigger that refuses writes to a frozen table; one per table, so a frozen table is one that has it. */
export const FREEZE_TRIGGER = "lab_cutover_freeze";
/** Waiting longer than this for a writer's lock fails the freeze instead of queueing every later writer behind it. */
export const FREEZE_LOCK_TIMEOUT = "10s";

export interface QualifiedTable {
  readonly schema: string;
  readonly table: string;
}

const TABLES_OF_SCHEMAS_SQL = `SELECT n.nspname AS schema, c.relname AS table
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[])
ORDER BY 1, 2`;

const FROZEN_TABLES_SQL = `SELECT n.nspname AS schema, c.relname AS table
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE t.tgname = $1
ORDER BY 1, 2`;

/**
 * Raises for any statement that would write: a statement-level trigger binds every role, the table's owner
 * and rds_superuser included (GRANT/REVOKE would not bind the owner). Readers, DMS among them, are untouched.
 */
const REFUSE_WRITES_FUNCTION = `CREATE OR REPLACE FUNCTION ${CUTOVER_SCHEMA}.refuse_writes() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  RAISE EXCEPTION 'writes to %.% are frozen: this database is being cut over to the target', TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'read_only_sql_transaction',
          HINT = 'the application reads its database URL from /<deployment>/app/db_url; cutover --rollback unfreezes';
END
$body$`;

function rows(result: { rows: Record<string, unknown>[] }): QualifiedTable[] {
  return result.rows.map((row) => ({ schema: String(row.schema), table: String(row.table) }));
}

export async function frozenTables(client: SqlClient): Promise<QualifiedTable[]> {
  return rows(await client.query(FROZEN_TABLES_SQL, [FREEZE_TRIGGER]));
}

/**
 * Freezes every table of `schemas` in one transaction: each trigger takes a lock that waits for the writers in
 * flight to commit, so once this returns no write to those tables is left open. Idempotent.
 */
export async function freezeWrites(client: SqlClient, schemas: readonly string[]): Promise<QualifiedTable[]> {
  return inTransaction(client, async () => {
    await client.query(`SET LOCAL lock_timeout = '${FREEZE_LOCK_TIMEOUT}'`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${CUTOVER_SCHEMA}`);
    // Any writer runs the trigger function, so any role needs to reach it.
    await client.query(`GRANT USAGE ON SCHEMA ${CUTOVER_SCHEMA} TO PUBLIC`);
    await client.query(REFUSE_WRITES_FUNCTION);
    await client.query(`CREATE TABLE IF NOT EXISTS ${CUTOVER_SCHEMA}.sentinel (id integer PRIMARY KEY, written_at timestamptz NOT NULL)`);
    const tables = rows(await client.query(TABLES_OF_SCHEMAS_SQL, [[...schemas]]));
    for (const { schema, table } of tables) {
      await client.query(
        `CREATE OR REPLACE TRIGGER ${FREEZE_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ` +
          `ON ${quoteIdent(schema)}.${quoteIdent(table)} FOR EACH STATEMENT EXECUTE FUNCTION ${CUTOVER_SCHEMA}.refuse_writes()`,
      );
    }
    return tables;
  });
}

/** Removes every freeze trigger, whichever schema it is in; the tables take writes again. Idempotent. */
export async function unfreezeWrites(client: SqlClient): Promise<QualifiedTable[]> {
  return inTransaction(client, async () => {
    const tables = await frozenTables(client);
    for (const { schema, table } of tables) {
      await client.query(`DROP TRIGGER IF EXISTS ${FREEZE_TRIGGER} ON ${quoteIdent(schema)}.${quoteIdent(table)}`);
    }
    return tables;
  });
}

/**
 * Commits a sentinel row on the source and returns the WAL position taken just before it. A slot whose confirmed
 * position is past that LSN has had every earlier commit applied to the target, the freeze included (DMS
 * confirms a position to the slot only once the target has it). Needs the freeze (it creates the table).
 */
export async function writeSentinel(client: SqlClient): Promise<{ readonly lsn: string; readonly writtenAt: string }> {
  const { rows: before } = await client.query("SELECT pg_current_wal_lsn()::text AS lsn");
  const { rows: written } = await client.query(
    `INSERT INTO ${CUTOVER_SCHEMA}.sentinel (id, written_at) VALUES (1, clock_timestamp())
     ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at RETURNING written_at::text AS written_at`,
  );
  return { lsn: String(before[0]?.lsn), writtenAt: String(written[0]?.written_at) };
}

export interface SequencePosition {
  readonly sequence: string;
  /** `last_value`; null when the sequence was never used. */
  readonly lastValue: string | null;
}

const SEQUENCES_SQL = `SELECT format('%I.%I', schemaname, sequencename) AS sequence, last_value::text AS last_value
FROM pg_catalog.pg_sequences WHERE schemaname = ANY($1::text[]) ORDER BY 1`;

export async function sequencePositions(client: SqlClient, schemas: readonly string[]): Promise<SequencePosition[]> {
  const { rows: found } = await client.query(SEQUENCES_SQL, [[...schemas]]);
  return found.map((row) => ({ sequence: String(row.sequence), lastValue: row.last_value === null ? null : String(row.last_value) }));
}

export interface SequencePlan {
  /** Target sequences behind the source's: set to the source's last value (the next value is past it). */
  readonly move: ReadonlyArray<{ readonly sequence: string; readonly from: string | null; readonly to: string }>;
  /** Already at or past the source's. */
  readonly alreadyPast: readonly string[];
  /** On the source only: DMS migrates no sequences, so the target's schema must have been created with them. */
  readonly missing: readonly string[];
}

/** What to do to each target sequence, given both sides' positions; never moves a sequence backwards. */
export function planSequences(source: readonly SequencePosition[], target: readonly SequencePosition[]): SequencePlan {
  const targetBy = new Map(target.map((s) => [s.sequence, s.lastValue]));
  const move: Array<{ sequence: string; from: string | null; to: string }> = [];
  const alreadyPast: string[] = [];
  const missing: string[] = [];
  for (const { sequence, lastValue } of source) {
    if (!targetBy.has(sequence)) missing.push(sequence);
    else if (lastValue === null) alreadyPast.push(sequence);
    else {
      const current = targetBy.get(sequence) ?? null;
      if (current !== null && BigInt(current) >= BigInt(lastValue)) alreadyPast.push(sequence);
      else move.push({ sequence, from: current, to: lastValue });
    }
  }
  return { move, alreadyPast, missing };
}

/** Applies the moves on the target in one transaction (setval with is_called, so nextval gives the value after). */
export async function moveSequences(client: SqlClient, plan: SequencePlan): Promise<void> {
  await inTransaction(client, async () => {
    for (const { sequence, to } of plan.move) await client.query("SELECT setval($1::regclass, $2::bigint, true)", [sequence, to]);
  });
}
