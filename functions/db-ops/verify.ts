// Content digests of a migrated table, chunked by primary key, so `lab verify` compares source and target without moving rows.
import type { Side } from "./config";
import type { SqlClient } from "./connect";
import { quoteIdent } from "./quote";

/** Rows per chunk on the source; the target is cut at the same keys. */
export const DEFAULT_CHUNK_ROWS = 10_000;
/** At most this many rows come back from one `row-digests` call (a chunk holds fewer). */
export const MAX_ROW_DIGESTS = 100_000;

export interface TableShape {
  readonly exists: boolean;
  /** `name type`, in column order. */
  readonly columns: string[];
  /** The single-column primary key, when there is one. */
  readonly key?: { readonly name: string; readonly type: string };
}

// Both sides render values alike before hashing: jsonb normalises json whitespace and key order, NULLs stay
// (concat_ws would drop them), numbers keep their scale, timestamps and intervals are written in UTC and ISO.
export const SESSION_FOR_DIGESTS = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO'",
  "SET IntervalStyle = 'iso_8601'",
  "SET extra_float_digits = 3",
];

const COLUMNS_SQL = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`;

const KEY_SQL = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = to_regclass($1) AND i.indisprimary`;

export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

export async function tableShape(client: SqlClient, schema: string, table: string): Promise<TableShape> {
  const name = qualified(schema, table);
  const { rows: columns } = await client.query(COLUMNS_SQL, [name]);
  if (columns.length === 0) return { exists: false, columns: [] };
  const { rows: keys } = await client.query(KEY_SQL, [name]);
  const key = keys.length === 1 ? { name: String(keys[0].name), type: String(keys[0].type) } : undefined;
  return { exists: true, columns: columns.map((c) => `${String(c.name)} ${String(c.type)}`), ...(key ? { key } : {}) };
}

/** The hash of one row: md5 over its columns as a jsonb array (NULLs kept, types rendered alike). */
export function rowHash(shape: TableShape, alias: string): string {
  const columns = shape.columns.map((column) => `${alias}.${quoteIdent(column.slice(0, column.indexOf(" ")))}`);
  return `md5(jsonb_build_array(${columns.join(", ")})::text)`;
}

export interface Chunk {
  /** The chunk's last key (as text); the chunk holds the keys above the previous chunk's upper up to this one. */
  readonly upper: string;
  readonly rows: number;
  readonly digest: string;
}

export interface TableDigest extends TableShape {
  readonly side: Side;
  readonly rows: number;
  readonly chunks: Chunk[];
  /** Rows above the last given upper (target side), or the whole table's digest when there is no single key. */
  readonly beyond?: number;
  readonly digest?: string;
}

/**
 * Source side (no `uppers`): chunks of `chunkRows` rows in key order. Target side: the same key ranges as
 * the source's `uppers`, and a count of the rows above the last one. Without a single-column key: one
 * digest of the whole table (its row hashes sorted).
 */
export async function tableDigest(
  client: SqlClient,
  side: Side,
  schema: string,
  table: string,
  chunkRows: number,
  uppers?: readonly string[],
): Promise<TableDigest> {
  const shape = await tableShape(client, schema, table);
  if (!shape.exists) return { ...shape, side, rows: 0, chunks: [] };
  for (const statement of SESSION_FOR_DIGESTS) await client.query(statement);
  const name = qualified(schema, table);
  const hash = rowHash(shape, "t");
  if (!shape.key) {
    const { rows } = await client.query(
      `SELECT count(*) AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS digest FROM (SELECT ${hash} AS h FROM ${name} t) s`,
    );
    return { ...shape, side, rows: Number(rows[0]?.rows ?? 0), chunks: [], digest: String(rows[0]?.digest) };
  }
  const key = `t.${quoteIdent(shape.key.name)}`;
  const type = shape.key.type;
  if (uppers === undefined) {
    const { rows } = await client.query(
      `SELECT max(k)::text AS upper, count(*) AS rows, md5(string_agg(h, '' ORDER BY k)) AS digest
       FROM (SELECT k, h, (row_number() OVER (ORDER BY k) - 1) / $1 AS chunk FROM (SELECT ${key} AS k, ${hash} AS h FROM ${name} t) s) n
       GROUP BY chunk ORDER BY chunk`,
      [chunkRows],
    );
    const chunks = rows.map((r) => ({ upper: String(r.upper), rows: Number(r.rows), digest: String(r.digest) }));
    return { ...shape, side, rows: chunks.reduce((sum, c) => sum + c.rows, 0), chunks };
  }
  const { rows } = await client.query(
    `WITH b AS (SELECT i, hi::${type} AS hi, lag(hi::${type}) OVER (ORDER BY i) AS lo FROM unnest($1::text[]) WITH ORDINALITY AS u(hi, i))
     SELECT b.hi::text AS upper, count(${key}) AS rows,
       md5(coalesce(string_agg(${hash}, '' ORDER BY ${key}) FILTER (WHERE ${key} IS NOT NULL), '')) AS digest
     FROM b LEFT JOIN ${name} t ON ${key} <= b.hi AND (b.lo IS NULL OR ${key} > b.lo)
     GROUP BY b.i, b.hi ORDER BY b.i`,
    [[...uppers]],
  );
  const chunks = rows.map((r) => ({ upper: String(r.upper), rows: Number(r.rows), digest: String(r.digest) }));
  const last = uppers.at(-1);
  const { rows: above } = await client.query(
    last === undefined ? `SELECT count(*) AS n FROM ${name} t` : `SELECT count(*) AS n FROM ${name} t WHERE ${key} > $1::${type}`,
    last === undefined ? [] : [last],
  );
  const beyond = Number(above[0]?.n ?? 0);
  return { ...shape, side, rows: chunks.reduce((sum, c) => sum + c.rows, 0) + beyond, chunks, beyond };
}

/** Each row's key and hash in the range (lower, upper] (either end open when absent), in key order. */
export async function rowDigests(
  client: SqlClient,
  schema: string,
  table: string,
  lower: string | undefined,
  upper: string | undefined,
): Promise<Array<{ key: string; hash: string }>> {
  const shape = await tableShape(client, schema, table);
  if (!shape.exists || !shape.key) return [];
  for (const statement of SESSION_FOR_DIGESTS) await client.query(statement);
  const key = `t.${quoteIdent(shape.key.name)}`;
  const type = shape.key.type;
  const { rows } = await client.query(
    `SELECT ${key}::text AS key, ${rowHash(shape, "t")} AS hash FROM ${qualified(schema, table)} t
     WHERE ($1::text IS NULL OR ${key} > $1::${type}) AND ($2::text IS NULL OR ${key} <= $2::${type})
     ORDER BY ${key} LIMIT ${MAX_ROW_DIGESTS}`,
    [lower ?? null, upper ?? null],
  );
  return rows.map((r) => ({ key: String(r.key), hash: String(r.hash) }));
}
