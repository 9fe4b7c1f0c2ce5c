-- Changes source rows while the task is in CDC, to watch them reach the target (psql -d demo_db on the source).
-- Needs logical replication on the source cluster (Aurora: rds.logical_replication = 1), which DMS's
-- PostgreSQL CDC reads from. Re-running produces no further changes: the inserts skip existing keys
-- and the update only touches a row that does not already have the new value.
BEGIN;

INSERT INTO demo_schema.demo_accounts (accountNumber, firstName, lastName, creationTime) VALUES
    (5, 'Anna', 'Lee',   current_timestamp),
    (6, 'Raj',  'Patel', current_timestamp)
ON CONFLICT (accountNumber) DO NOTHING;

UPDATE demo_schema.demo_accounts
SET lastName = 'Smith-Jones'
WHERE accountNumber = 1
  AND lastName IS DISTINCT FROM 'Smith-Jones';

COMMIT;
