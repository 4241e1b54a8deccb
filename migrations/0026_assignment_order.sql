-- The order in which boxes were assigned to a shipment, which `shipment show`, costs and
-- emissions list them in: SQLite keeps it as shipment_containers' rowid, which needs no schema
-- change here. PostgreSQL's copy of this migration adds a `rowid` column that keeps the same
-- order there, so that the same SQL (`ORDER BY sc.rowid`) reads both and `db copy` carries it.
SELECT 1;
