-- Shows what arrived on the target (psql -d demo_db on the target); read-only, run it as often as needed.
-- Expect 4 rows after the full load, and 6 rows with account 1's last name 'Smith-Jones' once
-- 03-cdc-change.sql has been replicated.
SELECT count(*) AS row_count FROM demo_schema.demo_accounts;

SELECT accountNumber, firstName, lastName, creationTime
FROM demo_schema.demo_accounts
ORDER BY accountNumber;
