-- The migration ledger. Its presence is what marks a SQLite file as a Corridor database.
-- Each row: the version applied, the file name, the SHA-256 (hex) of the file as shipped, and
-- when it was applied (UTC, ISO 8601). A later binary refuses a database whose recorded checksum
-- differs from its own copy of the file: shipped migrations are never edited.
CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  applied_at TEXT NOT NULL
) STRICT;
