-- The DCSA event feed at a year's volume (`GET /v2/events`, subscriptions): a client polling
-- "created since" (`eventCreatedDateTime:gte`) and a consignee asking for its carrier's booking
-- reference must not scan every event. The booking index is partial: most events keep none.
CREATE INDEX events_recorded_at ON events(recorded_at);
CREATE INDEX events_carrier_booking ON events(carrier_booking) WHERE carrier_booking IS NOT NULL;
