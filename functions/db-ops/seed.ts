// The demo data on the source: the original lab's four accounts plus a generated orders table of any size.

export const DEMO_SCHEMA = "demo_schema";
/** @default rows of demo_orders when the event names none */
export const DEFAULT_ORDER_ROWS = 5000;
/** Large enough to make full load and validation take measurable time, small enough for one Lambda invocation. */
export const MAX_ORDER_ROWS = 5_000_000;

/**
 * The schema and both tables, all idempotent. Identifiers are unquoted as in the original lab (and
 * sql/demo/01-source-schema.sql), so PostgreSQL folds them to lower case.
 */
export const SEED_SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE SCHEMA IF NOT EXISTS demo_schema`,
  // A primary key, unlike the original lab: DMS validation pairs rows by it and CDC applies UPDATE/DELETE by it.
  `CREATE TABLE IF NOT EXISTS demo_schema.demo_accounts (
    accountNumber BIGINT      NOT NULL PRIMARY KEY,
    firstName     VARCHAR(20),
    lastName      VARCHAR(20),
    creationTime  TIME        NOT NULL
  )`,
  `INSERT INTO demo_schema.demo_accounts (accountNumber, firstName, lastName, creationTime) VALUES
    (1, 'John',  'Smith', current_timestamp),
    (2, 'Mary',  'Doe',   current_timestamp),
    (3, 'Tom',   'Good',  current_timestamp),
    (4, 'Peter', 'Flynn', current_timestamp)
  ON CONFLICT (accountNumber) DO NOTHING`,
  // One column per type family DMS maps differently; every nullable column has NULLs in it.
  `CREATE TABLE IF NOT EXISTS demo_schema.demo_orders (
    order_id       BIGINT        NOT NULL PRIMARY KEY,
    account_number BIGINT        NOT NULL,
    amount         NUMERIC(12,2),
    ordered_at     TIMESTAMPTZ   NOT NULL,
    note           TEXT,
    shipped        BOOLEAN,
    attributes     JSONB,
    payload        BYTEA
  )`,
];

/**
 * Fills demo_orders up to `$1` rows: it continues after the highest order_id, so a re-run with the same count
 * inserts nothing and a larger count adds only the difference. Every value is a function of order_id, so the
 * same count always gives the same data (what a validation run compares against).
 */
export const FILL_ORDERS_SQL = `INSERT INTO demo_schema.demo_orders
  (order_id, account_number, amount, ordered_at, note, shipped, attributes, payload)
SELECT
  g,
  1 + g % 4,
  CASE WHEN g % 10 = 0 THEN NULL ELSE round(((g * 7919) % 1000000)::numeric / 100, 2) END,
  timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute',
  CASE WHEN g % 7 = 0 THEN NULL ELSE 'order ' || g END,
  CASE WHEN g % 5 = 0 THEN NULL ELSE g % 2 = 0 END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE jsonb_build_object('sku', 'SKU-' || (g % 1000), 'quantity', 1 + g % 9) END,
  CASE WHEN g % 11 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END
FROM generate_series(
  (SELECT coalesce(max(order_id), 0) + 1 FROM demo_schema.demo_orders),
  $1::bigint
) AS g
ON CONFLICT (order_id) DO NOTHING`;

/**
 * The order numbers the application draws from: a sequence, which DMS does not migrate. It is kept at or past the
 * highest order_id (never moved back), so the cutover has a real sequence to carry over to the target.
 */
export const SOURCE_SEQUENCE_STATEMENTS: readonly string[] = [
  `CREATE SEQUENCE IF NOT EXISTS demo_schema.demo_order_ids AS bigint`,
  `SELECT setval('demo_schema.demo_order_ids', greatest(
    (SELECT coalesce(max(order_id), 1) FROM demo_schema.demo_orders),
    (SELECT last_value FROM demo_schema.demo_order_ids)))`,
];

/**
 * The target's side of the schema DMS cannot create: the schema and its sequence, made before the load as AWS
 * advises for sequences (DMS creates tables and primary keys only). The cutover moves the sequence past the source's.
 */
export const TARGET_SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE SCHEMA IF NOT EXISTS demo_schema`,
  `CREATE SEQUENCE IF NOT EXISTS demo_schema.demo_order_ids AS bigint`,
];

export const COUNT_SQL = `SELECT
  (SELECT count(*) FROM demo_schema.demo_accounts) AS accounts,
  (SELECT count(*) FROM demo_schema.demo_orders) AS orders`;

/** Validates the event's `rows`; throws a message saying what is allowed. */
export function orderRows(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_ORDER_ROWS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_ORDER_ROWS) {
    throw new Error(`seed: rows must be an integer from 0 to ${MAX_ORDER_ROWS}, got ${JSON.stringify(value)}`);
  }
  return value;
}
