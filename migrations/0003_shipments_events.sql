-- Shipments, container assignments and movement events (DCSA Track & Trace vocabulary).
-- Events and retractions are append-only: triggers refuse UPDATE and DELETE, so a mistake is
-- withdrawn with a retraction row, never edited away.

CREATE TABLE shipments (
  ref TEXT PRIMARY KEY CHECK (ref <> ''),
  route TEXT NOT NULL REFERENCES routes(code),
  shipper TEXT NOT NULL CHECK (shipper <> ''),
  consignee TEXT NOT NULL CHECK (consignee <> ''),
  commodity TEXT NOT NULL CHECK (commodity IN (
    'laptops', 'motorcycles', 'automobiles', 'electric-vehicles', 'auto-parts', 'machinery', 'electronics',
    'chemicals', 'agricultural', 'food', 'general')),
  hs_code TEXT CHECK (hs_code IS NULL OR (length(hs_code) BETWEEN 6 AND 10 AND hs_code NOT GLOB '*[^0-9]*')),
  -- Declared value in integer minor units of `currency` (fen for CNY).
  value_minor INTEGER NOT NULL CHECK (value_minor >= 0),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  booked_on TEXT NOT NULL CHECK (booked_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  created_at TEXT NOT NULL,
  operator TEXT NOT NULL
) STRICT;
CREATE INDEX shipments_route ON shipments(route);
CREATE INDEX shipments_booked ON shipments(booked_on);

CREATE TABLE shipment_cancellations (
  ref TEXT PRIMARY KEY REFERENCES shipments(ref),
  reason TEXT NOT NULL CHECK (reason <> ''),
  cancelled_at TEXT NOT NULL,
  operator TEXT NOT NULL
) STRICT;

CREATE TABLE shipment_containers (
  shipment TEXT NOT NULL REFERENCES shipments(ref),
  container TEXT NOT NULL REFERENCES containers(number),
  gross_kg INTEGER CHECK (gross_kg IS NULL OR gross_kg > 0),
  -- Seal numbers, space-separated.
  seals TEXT,
  assigned_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  PRIMARY KEY (shipment, container)
) STRICT;
CREATE INDEX shipment_containers_container ON shipment_containers(container);

CREATE TABLE events (
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
  at_ms INTEGER NOT NULL,
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
CREATE INDEX events_container_time ON events(container, at_ms);
CREATE INDEX events_shipment ON events(shipment);
CREATE INDEX events_time ON events(at_ms);

CREATE TABLE event_retractions (
  event_id TEXT PRIMARY KEY REFERENCES events(id),
  reason TEXT NOT NULL CHECK (reason <> ''),
  recorded_at TEXT NOT NULL,
  operator TEXT NOT NULL
) STRICT;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: retract the event and record a new one'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: retract the event and record a new one'); END;
CREATE TRIGGER event_retractions_no_update BEFORE UPDATE ON event_retractions
BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
CREATE TRIGGER event_retractions_no_delete BEFORE DELETE ON event_retractions
BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;

-- Events as people read them: UTC text, local offset, retraction.
CREATE VIEW event_log AS
SELECT
  e.seq, e.id, e.container, e.shipment, e.code, e.classifier,
  strftime('%Y-%m-%dT%H:%M:%SZ', e.at_ms / 1000, 'unixepoch') AS at_utc,
  e.at_offset_minutes, e.location, e.mode, e.vehicle, e.empty_laden, e.seal, e.note,
  e.exception, e.off_route, e.recorded_at, e.operator,
  r.event_id IS NOT NULL AS retracted, r.reason AS retraction_reason
FROM events e LEFT JOIN event_retractions r ON r.event_id = e.id;

-- Events that have not been retracted: what every rule and report works from.
CREATE VIEW live_events AS
SELECT * FROM events WHERE id NOT IN (SELECT event_id FROM event_retractions);

-- A shipment's status, derived from its events (never stored, so it cannot drift):
-- cancelled; delivered when every assigned container has an actual gate-out or stripping at the
-- route's final node; customs-hold while a CUSS/CUSI has no later CUSR at the same place;
-- in-transit once any actual event exists; else booked.
CREATE VIEW shipment_status AS
SELECT s.ref, s.route,
  CASE
    WHEN EXISTS (SELECT 1 FROM shipment_cancellations c WHERE c.ref = s.ref) THEN 'cancelled'
    WHEN EXISTS (SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref)
     AND NOT EXISTS (
       SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref AND NOT EXISTS (
         SELECT 1 FROM live_events e
         WHERE e.shipment = s.ref AND e.container = sc.container AND e.classifier = 'ACT' AND e.code IN ('GTOT', 'STRP')
           AND e.location = (SELECT l.to_location FROM legs l WHERE l.route = s.route ORDER BY l.seq DESC LIMIT 1)))
      THEN 'delivered'
    WHEN EXISTS (
      SELECT 1 FROM live_events h
      WHERE h.shipment = s.ref AND h.classifier = 'ACT' AND h.code IN ('CUSS', 'CUSI')
        AND NOT EXISTS (
          SELECT 1 FROM live_events r
          WHERE r.container = h.container AND r.location = h.location AND r.code = 'CUSR' AND r.classifier = 'ACT'
            AND r.at_ms >= h.at_ms))
      THEN 'customs-hold'
    WHEN EXISTS (SELECT 1 FROM live_events e WHERE e.shipment = s.ref AND e.classifier = 'ACT') THEN 'in-transit'
    ELSE 'booked'
  END AS status
FROM shipments s;
