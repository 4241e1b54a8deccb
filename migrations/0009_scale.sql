-- Indexes for the questions an operator asks every day, at a year of Chongqing's volume (ten
-- million events): partial indexes hold only the few rows those questions look for, so the
-- answers stop walking every event of every container.

-- `report exceptions`: events recorded with --allow-gap or off their route.
CREATE INDEX events_flagged ON events(at_ms, seq) WHERE exception IS NOT NULL OR off_route = 1;

-- Actual customs holds (by time for `report exceptions`, by container for a shipment's status) and
-- releases, covering what the questions compare, so that only the holds still open are read.
CREATE INDEX events_customs_holds ON events(at_ms, container, location, code, classifier, id)
  WHERE code IN ('CUSS', 'CUSI') AND classifier = 'ACT';
CREATE INDEX events_customs_holds_container ON events(container, shipment, location, at_ms, code, classifier, id)
  WHERE code IN ('CUSS', 'CUSI') AND classifier = 'ACT';
CREATE INDEX events_customs_releases ON events(container, location, at_ms, code, classifier, id)
  WHERE code = 'CUSR' AND classifier = 'ACT';

-- Actual gate-outs and strippings, the events that can deliver a container: one index lookup per
-- container instead of reading each of its events, and covering (code and classifier included), so
-- the rows themselves are never read.
CREATE INDEX events_deliveries ON events(container, shipment, location, code, classifier, id)
  WHERE code IN ('GTOT', 'STRP') AND classifier = 'ACT';

-- The same statuses as migration 0006/0007 defined, each test through the narrow index that answers it.
DROP VIEW shipment_status;
CREATE VIEW shipment_status AS
SELECT s.ref, s.route,
  CASE
    WHEN EXISTS (SELECT 1 FROM shipment_cancellations c WHERE c.ref = s.ref) THEN 'cancelled'
    WHEN EXISTS (SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref)
     AND NOT EXISTS (
       SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref AND NOT EXISTS (
         SELECT 1 FROM events e INDEXED BY events_deliveries
         WHERE e.container = sc.container AND e.shipment = s.ref AND e.classifier = 'ACT' AND e.code IN ('GTOT', 'STRP')
           AND e.location = (SELECT l.to_location FROM legs l WHERE l.route = s.route ORDER BY l.seq DESC LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = e.id)))
      THEN 'delivered'
    WHEN EXISTS (
      SELECT 1 FROM shipment_containers sc JOIN events h INDEXED BY events_customs_holds_container ON h.container = sc.container
      WHERE sc.shipment = s.ref AND h.shipment = s.ref AND h.classifier = 'ACT' AND h.code IN ('CUSS', 'CUSI')
        AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = h.id)
        AND NOT EXISTS (
          SELECT 1 FROM events r INDEXED BY events_customs_releases
          WHERE r.container = h.container AND r.at_ms >= h.at_ms AND r.location = h.location AND r.code = 'CUSR'
            AND r.classifier = 'ACT' AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = r.id)))
      THEN 'customs-hold'
    WHEN EXISTS (
      SELECT 1 FROM events e INDEXED BY events_shipment
      WHERE e.shipment = s.ref AND e.classifier = 'ACT'
        AND EXISTS (SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref AND sc.container = e.container)
        AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = e.id))
      THEN 'in-transit'
    ELSE 'booked'
  END AS status
FROM shipments s;
