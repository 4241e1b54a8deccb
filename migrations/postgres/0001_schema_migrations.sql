-- PostgreSQL's copy of migration 0001 (the same number and meaning as ../0001_schema_migrations.sql).
-- The migration ledger: its presence marks a PostgreSQL database as a Corridor database. The
-- checksum is of this file, as shipped; shipped migrations are never edited. Types: SQLite's
-- STRICT INTEGER is BIGINT here, REAL is DOUBLE PRECISION, BLOB is BYTEA; flags stay 0/1
-- integers so that every row reads back the same on both engines.
CREATE TABLE schema_migrations (
  version BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  applied_at TEXT NOT NULL
);

-- The append-only rule, as SQLite's triggers state it: one function, the message as argument.
-- TRUNCATE skips row triggers, so each append-only table also refuses it per statement.
CREATE FUNCTION corridor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;
