-- A box customs seized ends its journey at the office (docs/customs.md): its shipment's status is
-- `held-by-customs` until the shipment is cancelled. The view is migration 0009's with that one
-- test added after `cancelled`, through the declarations' shipment index.
DROP VIEW shipment_status;
CREATE VIEW shipment_status AS
SELECT s.ref, s.route,
  CASE
    WHEN EXISTS (SELECT 1 FROM shipment_cancellations c WHERE c.ref = s.ref) THEN 'cancelled'
    WHEN EXISTS (
      SELECT 1 FROM declarations d JOIN declaration_boxes b ON b.declaration = d.number
      WHERE d.shipment = s.ref AND b.status = 'seized')
      THEN 'held-by-customs'
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
