-- Transit and dwell times (`report transit`): each box's departure from its route's origin, its
-- arrival at the destination, and its arrival at and departure from each border crossing and
-- gauge change. Keyed by place first, so one place's stays are one range of the index, and within
-- it a box's arrival and departure are neighbours: the report reads ranges of this index and
-- never the events themselves (a year of Chongqing is 10,000,000 events; arrivals and departures
-- are about half). `classifier` is stored so that the index covers the queries.
CREATE INDEX events_stops ON events(location, shipment, container, code, classifier, at_ms)
  WHERE code IN ('ARRI', 'DEPA') AND classifier = 'ACT';
