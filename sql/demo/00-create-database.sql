-- Creates the lab database; run with psql against the "postgres" database on BOTH the source and the target cluster.
-- PostgreSQL has no CREATE DATABASE IF NOT EXISTS, and CREATE DATABASE cannot run inside a DO block or
-- function, so psql's \gexec runs the statement only when the database is missing. That keeps the
-- runbook step safe to repeat.
SELECT 'CREATE DATABASE demo_db'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'demo_db')
\gexec
