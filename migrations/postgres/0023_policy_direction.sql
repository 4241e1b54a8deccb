-- PostgreSQL's copy of migration 0023: the direction a policy applies to.
ALTER TABLE policies ADD COLUMN direction TEXT
  CHECK (direction IS NULL OR direction IN ('export', 'import', 'transit', 'domestic'));
