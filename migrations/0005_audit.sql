-- The tamper-evident audit trail. Every write appends one entry in the same transaction as the
-- change: the canonical JSON of the new state, chained by SHA-256 (hash = SHA-256 of prevHash
-- followed by the entry's canonical JSON; see README "Audit trail"). Append-only.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  recorded_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  -- Canonical JSON of the entity's state after the change (null after a delete).
  state TEXT NOT NULL,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;
CREATE INDEX audit_log_entity_key ON audit_log(entity, key, seq);
CREATE INDEX audit_log_time ON audit_log(recorded_at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
