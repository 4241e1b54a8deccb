-- PostgreSQL's copy of migration 0006. On SQLite it pointed shipment_status at the (container,
-- time) index with INDEXED BY; PostgreSQL's planner picks indexes itself and 0003's view is
-- already written that way, so nothing changes here. The number is kept so that both ledgers
-- list the same versions.
SELECT 1;
