-- A freight-cost policy limited to one direction of travel (issue 32): support often differs for
-- return trains. NULL: both ways. The direction is the route's (derived from its ends' countries,
-- never stored on the route); the policy names which it takes.
ALTER TABLE policies ADD COLUMN direction TEXT
  CHECK (direction IS NULL OR direction IN ('export', 'import', 'transit', 'domestic'));
