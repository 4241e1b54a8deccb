-- PostgreSQL's copy of migration 0021: a shipment with a seized box is `held-by-customs`, after
-- `cancelled` and before every other status.
CREATE OR REPLACE VIEW shipment_status AS
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
         SELECT 1 FROM events e
         WHERE e.container = sc.container AND e.shipment = s.ref AND e.classifier = 'ACT' AND e.code IN ('GTOT', 'STRP')
           AND e.location = (SELECT l.to_location FROM legs l WHERE l.route = s.route ORDER BY l.seq DESC LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = e.id)))
      THEN 'delivered'
    WHEN EXISTS (
      SELECT 1 FROM shipment_containers sc JOIN events h ON h.container = sc.container
      WHERE sc.shipment = s.ref AND h.shipment = s.ref AND h.classifier = 'ACT' AND h.code IN ('CUSS', 'CUSI')
        AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = h.id)
        AND NOT EXISTS (
          SELECT 1 FROM events r
          WHERE r.container = h.container AND r.at_ms >= h.at_ms AND r.location = h.location AND r.code = 'CUSR'
            AND r.classifier = 'ACT' AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = r.id)))
      THEN 'customs-hold'
    WHEN EXISTS (
      SELECT 1 FROM events e
      WHERE e.shipment = s.ref AND e.classifier = 'ACT'
        AND EXISTS (SELECT 1 FROM shipment_containers sc WHERE sc.shipment = s.ref AND sc.container = e.container)
        AND NOT EXISTS (SELECT 1 FROM event_retractions x WHERE x.event_id = e.id))
      THEN 'in-transit'
    ELSE 'booked'
  END AS status
FROM shipments s;
