-- PostgreSQL's copy of migration 0002: the corridor network and container identity, with the
-- same rules (SQLite's GLOB patterns are regular expressions here).
CREATE TABLE locations (
  code TEXT PRIMARY KEY CHECK (length(code) = 5 AND code ~ '^[A-Z][A-Z][A-Z2-9][A-Z2-9][A-Z2-9]$'),
  name TEXT NOT NULL CHECK (name <> ''),
  country TEXT NOT NULL CHECK (country = substr(code, 1, 2)),
  kind TEXT NOT NULL CHECK (kind IN (
    'city', 'rail-terminal', 'seaport', 'inland-port', 'border-crossing', 'bonded-zone', 'depot')),
  time_zone TEXT NOT NULL CHECK (time_zone <> ''),
  latitude DOUBLE PRECISION CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
  longitude DOUBLE PRECISION CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
  source TEXT
);

CREATE TABLE location_aliases (
  alias TEXT PRIMARY KEY CHECK (length(alias) = 5),
  code TEXT NOT NULL REFERENCES locations(code)
);

CREATE TABLE corridors (
  code TEXT PRIMARY KEY CHECK (code <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  source TEXT
);

CREATE TABLE routes (
  code TEXT PRIMARY KEY CHECK (code <> ''),
  corridor TEXT NOT NULL REFERENCES corridors(code),
  name TEXT NOT NULL CHECK (name <> ''),
  source TEXT
);

CREATE TABLE legs (
  route TEXT NOT NULL REFERENCES routes(code) ON DELETE CASCADE,
  seq BIGINT NOT NULL CHECK (seq >= 1),
  from_location TEXT NOT NULL REFERENCES locations(code),
  to_location TEXT NOT NULL REFERENCES locations(code),
  mode TEXT NOT NULL CHECK (mode IN ('rail', 'sea', 'road', 'river')),
  distance_km BIGINT NOT NULL CHECK (distance_km >= 0),
  transit_hours BIGINT NOT NULL CHECK (transit_hours >= 0),
  border_crossing BIGINT NOT NULL CHECK (border_crossing IN (0, 1)),
  border_countries TEXT,
  gauge_change BIGINT NOT NULL CHECK (gauge_change IN (0, 1)),
  transshipment BIGINT NOT NULL CHECK (transshipment IN (0, 1)),
  source TEXT,
  PRIMARY KEY (route, seq),
  CHECK (from_location <> to_location)
);

CREATE TABLE containers (
  number TEXT PRIMARY KEY CHECK (length(number) = 11 AND number ~ '^[A-Z][A-Z][A-Z][UJZ][0-9]{7}$'),
  size_type TEXT NOT NULL CHECK (length(size_type) = 4),
  tare_kg BIGINT CHECK (tare_kg IS NULL OR tare_kg > 0),
  max_gross_kg BIGINT CHECK (max_gross_kg IS NULL OR max_gross_kg > 0),
  created_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  CHECK (tare_kg IS NULL OR max_gross_kg IS NULL OR tare_kg < max_gross_kg)
);

CREATE VIEW route_legs AS
SELECT
  l.route, r.corridor, l.seq, l.from_location, l.to_location, l.mode, l.distance_km, l.transit_hours,
  SUM(l.distance_km) OVER (PARTITION BY l.route ORDER BY l.seq) AS cumulative_km,
  SUM(l.transit_hours) OVER (PARTITION BY l.route ORDER BY l.seq) AS cumulative_hours,
  l.border_crossing, l.border_countries, l.gauge_change, l.transshipment
FROM legs l JOIN routes r ON r.code = l.route;
