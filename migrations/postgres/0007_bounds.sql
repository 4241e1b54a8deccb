-- PostgreSQL's copy of migration 0007: the bounds the parsers enforce, stated in the schema too
-- (event times within years 0000-9999, legs up to 50,000 km and 20,000 h, at most 100 legs,
-- amounts up to 10^15 minor units). PostgreSQL adds a CHECK in place, where SQLite rebuilt the
-- tables.
ALTER TABLE events ADD CHECK (at_ms BETWEEN -62167219200000 AND 253402300799999);
ALTER TABLE legs ADD CHECK (seq BETWEEN 1 AND 100);
ALTER TABLE legs ADD CHECK (distance_km BETWEEN 0 AND 50000);
ALTER TABLE legs ADD CHECK (transit_hours BETWEEN 0 AND 20000);
ALTER TABLE tariffs ADD CHECK (amount_minor BETWEEN 0 AND 1000000000000000);
ALTER TABLE shipments ADD CHECK (value_minor BETWEEN 0 AND 1000000000000000);
