-- PostgreSQL's copy of migration 0009: the partial indexes that serve the year-scale questions
-- (flagged events, customs holds and releases, deliveries).
CREATE INDEX events_flagged ON events(at_ms, seq) WHERE exception IS NOT NULL OR off_route = 1;
CREATE INDEX events_customs_holds ON events(at_ms, container, location, code, classifier, id)
  WHERE code IN ('CUSS', 'CUSI') AND classifier = 'ACT';
CREATE INDEX events_customs_holds_container ON events(container, shipment, location, at_ms, code, classifier, id)
  WHERE code IN ('CUSS', 'CUSI') AND classifier = 'ACT';
CREATE INDEX events_customs_releases ON events(container, location, at_ms, code, classifier, id)
  WHERE code = 'CUSR' AND classifier = 'ACT';
CREATE INDEX events_deliveries ON events(container, shipment, location, code, classifier, id)
  WHERE code IN ('GTOT', 'STRP') AND classifier = 'ACT';
