-- PostgreSQL's copy of migration 0017: free time, demurrage, detention and storage rules.
ALTER TABLE containers ADD COLUMN owner TEXT CHECK (owner IS NULL OR owner IN ('carrier', 'shipper'));

CREATE TABLE free_time_rules (
  name TEXT PRIMARY KEY,
  location TEXT REFERENCES locations(code),
  kind TEXT NOT NULL CHECK (kind IN ('demurrage', 'detention', 'storage')),
  starts TEXT NOT NULL CHECK (length(starts) = 4),
  ends TEXT NOT NULL CHECK (length(ends) = 4),
  equipment TEXT NOT NULL CHECK (equipment IN ('20', '40', '45', 'any')),
  ownership TEXT CHECK (ownership IS NULL OR ownership IN ('carrier', 'shipper')),
  commodities TEXT CHECK (commodities IS NULL OR commodities <> ''),
  free_days BIGINT NOT NULL CHECK (free_days BETWEEN 0 AND 3650),
  day_count TEXT NOT NULL CHECK (day_count IN ('calendar', 'working')),
  tiers TEXT NOT NULL CHECK (tiers <> ''),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source TEXT
);

CREATE INDEX events_yard ON events(location, container, code, at_ms)
  WHERE code IN ('DISC', 'GTOT', 'GTIN') AND classifier = 'ACT';
