-- Creates the demo schema and table in demo_db on the source cluster (psql -d demo_db); safe to re-run.
-- Running it on the target as well is optional: it pre-creates the table with exactly these types, which
-- the task's TRUNCATE_BEFORE_LOAD then keeps; otherwise DMS creates the table with its own type mapping.
--
-- Identifiers are unquoted, as in the original lab, so PostgreSQL folds them to lower case
-- (accountnumber, firstname, ...). DMS matches names case-sensitively: table-mapping filters and
-- transformations must use the lower-case names.
CREATE SCHEMA IF NOT EXISTS demo_schema;

-- Unlike the original lab, the table has a primary key: DMS data validation needs a primary key or a
-- unique index to pair source and target rows, and CDC needs it to apply UPDATEs and DELETEs (the
-- table's default REPLICA IDENTITY logs only primary-key columns as the old row).
CREATE TABLE IF NOT EXISTS demo_schema.demo_accounts (
    accountNumber BIGINT      NOT NULL,
    firstName     VARCHAR(20),
    lastName      VARCHAR(20),
    creationTime  TIME        NOT NULL,
    CONSTRAINT demo_accounts_pkey PRIMARY KEY (accountNumber)
);

-- A table left over from the original lab (created without the key) is not touched by
-- CREATE TABLE IF NOT EXISTS, so add the key when it is missing.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_constraint
        WHERE conrelid = 'demo_schema.demo_accounts'::regclass AND contype = 'p'
    ) THEN
        ALTER TABLE demo_schema.demo_accounts
            ADD CONSTRAINT demo_accounts_pkey PRIMARY KEY (accountNumber);
    END IF;
END
$$;
