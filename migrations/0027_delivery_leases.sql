-- Which server delivers a subscription's notifications now, when several `corridor serve`
-- processes share one ledger: a server takes (or renews) the lease before it reads and sends a
-- subscription's next batch, and no other server sends that subscription anything while the lease
-- runs, so each subscription's notifications leave in recording order from one server at a time.
-- A server that dies stops renewing: its leases run out (`expires_ms`, milliseconds since 1970)
-- and another server takes them. Operational state, like the outbox: not audited.
CREATE TABLE delivery_leases (
  subscription_id TEXT PRIMARY KEY CHECK (length(subscription_id) BETWEEN 1 AND 200),
  holder TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
  expires_ms INTEGER NOT NULL
) STRICT;
