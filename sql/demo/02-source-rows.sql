-- Loads the original lab's four demo rows into the source (psql -d demo_db); re-running adds nothing.
-- The primary key makes ON CONFLICT DO NOTHING skip rows that are already there, so a re-run leaves
-- the full-load row count at 4.
INSERT INTO demo_schema.demo_accounts (accountNumber, firstName, lastName, creationTime) VALUES
    (1, 'John',  'Smith', current_timestamp),
    (2, 'Mary',  'Doe',   current_timestamp),
    (3, 'Tom',   'Good',  current_timestamp),
    (4, 'Peter', 'Flynn', current_timestamp)
ON CONFLICT (accountNumber) DO NOTHING;
