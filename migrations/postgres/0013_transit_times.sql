-- PostgreSQL's copy of migration 0013: arrivals and departures at each place, for transit times.
CREATE INDEX events_stops ON events(location, shipment, container, code, classifier, at_ms)
  WHERE code IN ('ARRI', 'DEPA') AND classifier = 'ACT';
