-- Free-time alerts (docs/waiting-costs.md "Alerts"): a subscription may ask for them
-- (`"freeTimeAlerts": true`). NULL: not asked (left out of the audited state, as every column
-- added after the first release is, so older audit exports still verify).
ALTER TABLE subscriptions ADD COLUMN free_time_alerts INTEGER CHECK (free_time_alerts IS NULL OR free_time_alerts = 1);

-- One row per alert a stay gives: `approaching` when its last free day is tomorrow or today,
-- `passed` after it. The stay is named by its box, place, kind and start; `body` is the JSON
-- every subscriber receives, as it was when the alert was raised.
CREATE TABLE free_time_alerts (
  id INTEGER PRIMARY KEY,
  container TEXT NOT NULL REFERENCES containers(number),
  shipment TEXT,
  location TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('demurrage', 'detention', 'storage')),
  started_ms INTEGER NOT NULL,
  alert TEXT NOT NULL CHECK (alert IN ('approaching', 'passed')),
  last_free_day TEXT NOT NULL CHECK (length(last_free_day) = 10),
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (container, location, kind, started_ms, alert)
) STRICT;

-- The outbox carries an event or an alert, in one order per subscription.
CREATE TABLE outbox_next (
  id INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  event_seq INTEGER REFERENCES events(seq),
  alert_id INTEGER REFERENCES free_time_alerts(id),
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Not before this instant (ms since 1970): the backoff after a failed attempt.
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_at TEXT,
  CHECK ((event_seq IS NULL) <> (alert_id IS NULL)),
  UNIQUE (subscription_id, event_seq),
  UNIQUE (subscription_id, alert_id)
) STRICT;
INSERT INTO outbox_next(id, subscription_id, event_seq, created_at, attempts, next_attempt_ms, last_error, delivered_at)
  SELECT id, subscription_id, event_seq, created_at, attempts, next_attempt_ms, last_error, delivered_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(subscription_id, id) WHERE delivered_at IS NULL;

-- The stays' partial indexes carry each event's UTC offset, so that `report costs` tells from
-- local days, reading these indexes alone, which boxes may have a stay with a charge
-- (docs/waiting-costs.md, "How the report stays fast"). Same names, same rows: the queries that
-- name them keep working.
DROP INDEX events_yard;
CREATE INDEX events_yard ON events(location, container, code, at_ms, at_offset_minutes)
  WHERE code IN ('DISC', 'GTOT', 'GTIN') AND classifier = 'ACT';
DROP INDEX events_stops;
CREATE INDEX events_stops ON events(location, shipment, container, code, classifier, at_ms, at_offset_minutes)
  WHERE code IN ('ARRI', 'DEPA') AND classifier = 'ACT';
