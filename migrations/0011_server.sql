-- `corridor serve`: API keys, DCSA event subscriptions and the outbox of their notifications.

-- A key is shown once when created; only its SHA-256 is kept. Revoked keys stay (the audit trail
-- and the subscriptions they own name them).
CREATE TABLE api_keys (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role = 'reader' OR role = 'writer' OR role = 'admin'),
  -- A key with a party reads only events of shipments whose shipper or consignee it is.
  party TEXT CHECK (party IS NULL OR length(party) BETWEEN 1 AND 200),
  key_sha256 TEXT NOT NULL UNIQUE CHECK (length(key_sha256) = 64),
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;

-- A subscription belongs to the key that created it and delivers only what that key may read.
-- The secret signs notifications (HMAC-SHA256), so it is kept as given; it is never returned,
-- logged or written to the audit trail.
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY CHECK (length(id) = 36),
  owner TEXT NOT NULL REFERENCES api_keys(name),
  callback_url TEXT NOT NULL CHECK (length(callback_url) BETWEEN 1 AND 2000),
  secret BLOB NOT NULL CHECK (length(secret) BETWEEN 1 AND 1024),
  -- The DCSA filters as canonical JSON (eventType, equipmentEventTypeCode, …).
  filters TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  secret_set_at TEXT NOT NULL
) STRICT;
CREATE INDEX subscriptions_owner ON subscriptions(owner);

-- One row per (subscription, event) to deliver, written in the event's transaction by every way
-- in; the server delivers them in `id` order per subscription, at least once.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  event_seq INTEGER NOT NULL REFERENCES events(seq),
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Not before this instant (ms since 1970): the backoff after a failed attempt.
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_at TEXT,
  UNIQUE (subscription_id, event_seq)
) STRICT;
CREATE INDEX outbox_pending ON outbox(subscription_id, id) WHERE delivered_at IS NULL;

-- A random key for signing paging cursors (a cursor names the API key it was issued to).
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL CHECK (length(value) >= 32)
) STRICT;
INSERT INTO server_secrets(name, value) VALUES ('cursor', randomblob(32));
