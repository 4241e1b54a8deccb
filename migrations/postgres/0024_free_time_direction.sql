-- PostgreSQL's copy of migration 0024: the direction a free-time rule applies to.
ALTER TABLE free_time_rules ADD COLUMN direction TEXT
  CHECK (direction IS NULL OR direction IN ('export', 'import', 'transit', 'domestic'));
