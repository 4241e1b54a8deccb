-- PostgreSQL's copy of migration 0008: emission factors (exact decimal text) and each leg's
-- traction.
ALTER TABLE legs ADD COLUMN traction TEXT CHECK (traction IS NULL OR traction IN ('electric', 'diesel'));

CREATE TABLE emission_factors (
  mode TEXT NOT NULL CHECK (mode IN ('rail-electric', 'rail-diesel', 'sea-container', 'road-truck', 'barge')),
  region TEXT CHECK (region IS NULL OR region <> ''),
  unit TEXT NOT NULL CHECK (unit IN ('g/tkm', 'g/TEU-km')),
  wtw TEXT NOT NULL CHECK (wtw <> ''),
  ttw TEXT NOT NULL CHECK (ttw <> ''),
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source TEXT NOT NULL CHECK (source <> '')
);
CREATE UNIQUE INDEX emission_factors_key ON emission_factors(mode, coalesce(region, ''), valid_from);

CREATE TABLE hub_factors (
  kind TEXT PRIMARY KEY CHECK (kind IN ('transshipment', 'gauge-change', 'terminal')),
  unit TEXT NOT NULL CHECK (unit IN ('kg/TEU', 'kg/container')),
  wtw TEXT NOT NULL CHECK (wtw <> ''),
  ttw TEXT NOT NULL CHECK (ttw <> ''),
  source TEXT NOT NULL CHECK (source <> '')
);
