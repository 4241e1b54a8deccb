-- PostgreSQL's copy of migration 0012: the indexes behind GET /v2/events.
CREATE INDEX events_recorded_at ON events(recorded_at);
CREATE INDEX events_carrier_booking ON events(carrier_booking) WHERE carrier_booking IS NOT NULL;
