-- The corridor network and container identity. The rules live here as well as in Swift, so any
-- client (the sqlite3 shell, a BI tool) must obey them too.

-- UN/LOCODE locations: country (2 letters) + 3 letters or digits 2-9.
CREATE TABLE locations (
  code TEXT PRIMARY KEY
    CHECK (length(code) = 5 AND code GLOB '[A-Z][A-Z][A-Z2-9][A-Z2-9][A-Z2-9]'),
  name TEXT NOT NULL CHECK (name <> ''),
  country TEXT NOT NULL CHECK (country = substr(code, 1, 2)),
  kind TEXT NOT NULL CHECK (kind IN (
    'city', 'rail-terminal', 'seaport', 'inland-port', 'border-crossing', 'bonded-zone', 'depot')),
  time_zone TEXT NOT NULL CHECK (time_zone <> ''),
  latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
  longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
  source TEXT
) STRICT;

-- Codes carriers write for a place that has another canonical code (CNCKG for Chongqing).
CREATE TABLE location_aliases (
  alias TEXT PRIMARY KEY CHECK (length(alias) = 5),
  code TEXT NOT NULL REFERENCES locations(code)
) STRICT;

CREATE TABLE corridors (
  code TEXT PRIMARY KEY CHECK (code <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  source TEXT
) STRICT;

CREATE TABLE routes (
  code TEXT PRIMARY KEY CHECK (code <> ''),
  corridor TEXT NOT NULL REFERENCES corridors(code),
  name TEXT NOT NULL CHECK (name <> ''),
  source TEXT
) STRICT;

-- A route is an ordered, contiguous list of legs (seq 1..n; leg k ends where leg k+1 starts;
-- contiguity is checked when a route is loaded). gauge_change and transshipment describe what
-- happens at the leg's end node.
CREATE TABLE legs (
  route TEXT NOT NULL REFERENCES routes(code) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  from_location TEXT NOT NULL REFERENCES locations(code),
  to_location TEXT NOT NULL REFERENCES locations(code),
  mode TEXT NOT NULL CHECK (mode IN ('rail', 'sea', 'road', 'river')),
  distance_km INTEGER NOT NULL CHECK (distance_km >= 0),
  transit_hours INTEGER NOT NULL CHECK (transit_hours >= 0),
  border_crossing INTEGER NOT NULL CHECK (border_crossing IN (0, 1)),
  border_countries TEXT,
  gauge_change INTEGER NOT NULL CHECK (gauge_change IN (0, 1)),
  transshipment INTEGER NOT NULL CHECK (transshipment IN (0, 1)),
  source TEXT,
  PRIMARY KEY (route, seq),
  CHECK (from_location <> to_location)
) STRICT;

-- ISO 6346 containers. The check digit is validated in Swift before a number gets here.
CREATE TABLE containers (
  number TEXT PRIMARY KEY CHECK (length(number) = 11 AND number GLOB '[A-Z][A-Z][A-Z][UJZ][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  size_type TEXT NOT NULL CHECK (length(size_type) = 4),
  tare_kg INTEGER CHECK (tare_kg IS NULL OR tare_kg > 0),
  max_gross_kg INTEGER CHECK (max_gross_kg IS NULL OR max_gross_kg > 0),
  created_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  CHECK (tare_kg IS NULL OR max_gross_kg IS NULL OR tare_kg < max_gross_kg)
) STRICT;

-- Legs with cumulative figures, for the sqlite3 shell and reports.
CREATE VIEW route_legs AS
SELECT
  l.route, r.corridor, l.seq, l.from_location, l.to_location, l.mode, l.distance_km, l.transit_hours,
  SUM(l.distance_km) OVER (PARTITION BY l.route ORDER BY l.seq) AS cumulative_km,
  SUM(l.transit_hours) OVER (PARTITION BY l.route ORDER BY l.seq) AS cumulative_hours,
  l.border_crossing, l.border_countries, l.gauge_change, l.transshipment
FROM legs l JOIN routes r ON r.code = l.route;
