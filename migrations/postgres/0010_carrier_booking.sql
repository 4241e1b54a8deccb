-- PostgreSQL's copy of migration 0010: the carrier's booking reference on an event.
ALTER TABLE events ADD COLUMN carrier_booking TEXT CHECK (carrier_booking IS NULL OR length(carrier_booking) BETWEEN 1 AND 100);
-- live_events reads the new column too (see 0003).
DROP VIEW live_events;
CREATE VIEW live_events AS
SELECT * FROM events WHERE id NOT IN (SELECT event_id FROM event_retractions);
