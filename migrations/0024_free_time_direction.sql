-- A free-time rule limited to one direction of travel (issue 32): a line's terms for boxes coming
-- home often differ from those going out. NULL: both ways. The direction is the shipment's route's.
ALTER TABLE free_time_rules ADD COLUMN direction TEXT
  CHECK (direction IS NULL OR direction IN ('export', 'import', 'transit', 'domestic'));
