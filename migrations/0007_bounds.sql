-- The bounds the parsers enforce, stated in the schema too, so that the sqlite3 shell (or any
-- other client) cannot store a value the code cannot add up: an event time outside years
-- 0000-9999 (ETAs add hours to it), a leg longer than 50,000 km or 20,000 h, more than 100 legs,
-- an amount over 10^15 minor units (totals over many shipments stay far from 2^63).
-- SQLite cannot add a CHECK to a table, so each table is rebuilt the documented way
-- (https://sqlite.org/lang_altertable.html#otheralter): the migrator runs this with foreign keys
-- off and runs foreign_key_check before it commits. The views that read these tables are dropped
-- first and created again unchanged; the append-only triggers are created again unchanged.

DROP VIEW event_log;
DROP VIEW live_events;
DROP VIEW shipment_status;
DROP VIEW route_legs;

CREATE TABLE events_bounded (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE CHECK (id <> ''),
  container TEXT NOT NULL REFERENCES containers(number),
  shipment TEXT REFERENCES shipments(ref),
  -- Code lists are checked with instr() rather than IN (…): SQLite builds a temporary b-tree
  -- for every IN list of more than a few values on every INSERT, which dominated bulk imports.
  code TEXT NOT NULL CHECK (length(code) = 4 AND
    instr(' GTIN GTOT LOAD DISC STUF STRP PICK DROP INSP RSEA RMVD CUSS CUSI CUSR CROS ARRI DEPA ', ' ' || code || ' ') > 0),
  classifier TEXT NOT NULL CHECK (classifier = 'ACT' OR classifier = 'EST' OR classifier = 'PLN'),
  -- The instant in milliseconds since 1970 (UTC), and the offset the reporter wrote, in minutes.
  at_ms INTEGER NOT NULL CHECK (at_ms BETWEEN -62167219200000 AND 253402300799999),
  at_offset_minutes INTEGER NOT NULL CHECK (at_offset_minutes BETWEEN -1080 AND 1080),
  location TEXT NOT NULL REFERENCES locations(code),
  mode TEXT CHECK (mode IS NULL OR mode = 'RAIL' OR mode = 'VESSEL' OR mode = 'TRUCK' OR mode = 'BARGE'),
  vehicle TEXT,
  empty_laden TEXT CHECK (empty_laden IS NULL OR empty_laden = 'EMPTY' OR empty_laden = 'LADEN'),
  seal TEXT,
  note TEXT,
  -- Data-quality flags: the sequence rule an --allow-gap event broke, and whether the place is
  -- off the shipment's route.
  exception TEXT,
  off_route INTEGER NOT NULL DEFAULT 0 CHECK (off_route = 0 OR off_route = 1),
  recorded_at TEXT NOT NULL,
  operator TEXT NOT NULL
) STRICT;
INSERT INTO events_bounded SELECT * FROM events;
DROP TABLE events;
ALTER TABLE events_bounded RENAME TO events;
CREATE INDEX events_container_time ON events(container, at_ms);
CREATE INDEX events_shipment ON events(shipment);
CREATE INDEX events_time ON events(at_ms);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: retract the event and record a new one'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: retract the event and record a new one'); END;

CREATE TABLE legs_bounded (
  route TEXT NOT NULL REFERENCES routes(code) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 100),
  from_location TEXT NOT NULL REFERENCES locations(code),
  to_location TEXT NOT NULL REFERENCES locations(code),
  mode TEXT NOT NULL CHECK (mode IN ('rail', 'sea', 'road', 'river')),
  distance_km INTEGER NOT NULL CHECK (distance_km BETWEEN 0 AND 50000),
  transit_hours INTEGER NOT NULL CHECK (transit_hours BETWEEN 0 AND 20000),
  border_crossing INTEGER NOT NULL CHECK (border_crossing IN (0, 1)),
  border_countries TEXT,
  gauge_change INTEGER NOT NULL CHECK (gauge_change IN (0, 1)),
  transshipment INTEGER NOT NULL CHECK (transshipment IN (0, 1)),
  source TEXT,
  PRIMARY KEY (route, seq),
  CHECK (from_location <> to_location)
) STRICT;
INSERT INTO legs_bounded SELECT * FROM legs;
DROP TABLE legs;
ALTER TABLE legs_bounded RENAME TO legs;

CREATE TABLE tariffs_bounded (
  id INTEGER PRIMARY KEY,
  route TEXT NOT NULL REFERENCES routes(code),
  -- 1-based leg of the route, or NULL for the whole route.
  leg INTEGER CHECK (leg IS NULL OR leg >= 1),
  component TEXT NOT NULL CHECK (component IN ('base', 'thc', 'baf', 'border', 'customs', 'security', 'documentation', 'other')),
  equipment TEXT NOT NULL CHECK (equipment IN ('20', '40', '45', 'any')),
  basis TEXT NOT NULL CHECK (basis IN ('container', 'teu', 'shipment')),
  amount_minor INTEGER NOT NULL CHECK (amount_minor BETWEEN 0 AND 1000000000000000),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source TEXT,
  illustrative INTEGER NOT NULL DEFAULT 0 CHECK (illustrative IN (0, 1)),
  UNIQUE (route, leg, component, equipment, valid_from)
) STRICT;
INSERT INTO tariffs_bounded SELECT * FROM tariffs;
DROP TABLE tariffs;
ALTER TABLE tariffs_bounded RENAME TO tariffs;
CREATE INDEX tariffs_route ON tariffs(route, valid_from);

CREATE TABLE shipments_bounded (
  ref TEXT PRIMARY KEY CHECK (ref <> ''),
  route TEXT NOT NULL REFERENCES routes(code),
  shipper TEXT NOT NULL CHECK (shipper <> ''),
  consignee TEXT NOT NULL CHECK (consignee <> ''),
  commodity TEXT NOT NULL CHECK (commodity IN (
    'laptops', 'motorcycles', 'automobiles', 'electric-vehicles', 'auto-parts', 'machinery', 'electronics',
    'chemicals', 'agricultural', 'food', 'general')),
  hs_code TEXT CHECK (hs_code IS NULL OR (length(hs_code) BETWEEN 6 AND 10 AND hs_code NOT GLOB '*[^0-9]*')),
  -- Declared value in integer minor units of `currency` (fen for CNY).
  value_minor INTEGER NOT NULL CHECK (value_minor BETWEEN 0 AND 1000000000000000),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  booked_on TEXT NOT NULL CHECK (booked_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  created_at TEXT NOT NULL,
  operator TEXT NOT NULL
) STRICT;
INSERT INTO shipments_bounded SELECT * FROM shipments;
DROP TABLE shipments;
ALTER TABLE shipments_bounded RENAME TO shipments;
CREATE INDEX shipments_route ON shipments(route);
CREATE INDEX shipments_booked ON shipments(booked_on);

CREATE VIEW event_log AS
SELECT
  e.seq, e.id, e.container, e.shipment, e.code, e.classifier,
  strftime('%Y-%m-%dT%H:%M:%SZ', e.at_ms / 1000, 'unixepoch') AS at_utc,
  e.at_offset_minutes, e.location, e.mode, e.vehicle, e.empty_laden, e.seal, e.note,
  e.exception, e.off_route, e.recorded_at, e.operator,
  r.event_id IS NOT NULL AS retracted, r.reason AS retraction_reason
FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id;

CREATE VIEW live_events AS
SELECT * FROM events WHERE id NOT IN (SELECT event_id FROM event_retractions);

CREATE VIEW route_legs AS
SELECT
  l.route, r.corridor, l.seq, l.from_location, l.to_location, l.mode, l.distance_km, l.transit_hours,
  SUM(l.distance_km) OVER (PARTITION BY l.route ORDER BY l.seq) AS cumulative_km,
  SUM(l.transit_hours) OVER (PARTITION BY l.route ORDER BY l.seq) AS cumulative_hours,
  l.border_crossing, l.border_countries, l.gauge_change, l.transshipment
FROM legs l JOIN routes r ON r.code = l.route;

CREATE VIEW shipment_status AS
SELECT s.ref, s.route,
  CASE
    WHEN EXISTS (SELECT 1 FROM shipment_cancellations c WHERE c.ref = s.ref) THEN 'cancelled'
    WHEN EXISTS (SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref)
     AND NOT EXISTS (
       SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref AND NOT EXISTS (
         SELECT 1 FROM events e INDEXED BY events_container_time
         WHERE e.container = sc.container AND e.shipment = s.ref AND e.classifier = 'ACT' AND e.code IN ('GTOT', 'STRP')
           AND e.location = (SELECT l.to_location FROM legs l WHERE l.route = s.route ORDER BY l.seq DESC LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = e.id)))
      THEN 'delivered'
    WHEN EXISTS (
      SELECT 1 FROM shipment_containers sc JOIN events h INDEXED BY events_container_time ON h.container = sc.container
      WHERE sc.shipment = s.ref AND h.shipment = s.ref AND h.classifier = 'ACT' AND h.code IN ('CUSS', 'CUSI')
        AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = h.id)
        AND NOT EXISTS (
          SELECT 1 FROM events r INDEXED BY events_container_time
          WHERE r.container = h.container AND r.at_ms >= h.at_ms AND r.location = h.location AND r.code = 'CUSR'
            AND r.classifier = 'ACT' AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = r.id)))
      THEN 'customs-hold'
    WHEN EXISTS (
      SELECT 1 FROM shipment_containers sc JOIN events e INDEXED BY events_container_time ON e.container = sc.container
      WHERE sc.shipment = s.ref AND e.shipment = s.ref AND e.classifier = 'ACT'
        AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = e.id))
      THEN 'in-transit'
    ELSE 'booked'
  END AS status
FROM shipments s;
