-- PostgreSQL's copy of migration 0015: a seal's source and type (DCSA code lists).
ALTER TABLE events ADD COLUMN seal_source TEXT CHECK (seal_source IS NULL OR seal_source IN ('CAR', 'SHI', 'PHY', 'VET', 'CUS'));
ALTER TABLE events ADD COLUMN seal_type TEXT CHECK (seal_type IS NULL OR seal_type IN ('KLP', 'BLT', 'WIR'));
-- live_events reads the new columns too (see 0003).
DROP VIEW live_events;
CREATE VIEW live_events AS
SELECT * FROM events WHERE id NOT IN (SELECT event_id FROM event_retractions);
