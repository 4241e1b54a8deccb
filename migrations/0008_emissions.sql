-- Emissions (ISO 14083 / GLEC): emission intensity factors per mode, hub factors per kind of
-- hub operation, and a leg's traction, which picks the rail factor. Factor values are exact
-- decimal text (never REAL), like rates and percentages.

-- NULL where it does not matter or is not known; a rail leg needs one to be given emissions.
ALTER TABLE legs ADD COLUMN traction TEXT CHECK (traction IS NULL OR traction IN ('electric', 'diesel'));

-- g CO2e per tonne-km or per TEU-km, well-to-wheel and tank-to-wheel, valid over booked dates.
-- `region` is a country code or a corridor code; NULL for anywhere.
CREATE TABLE emission_factors (
  mode TEXT NOT NULL CHECK (mode IN ('rail-electric', 'rail-diesel', 'sea-container', 'road-truck', 'barge')),
  region TEXT CHECK (region IS NULL OR region <> ''),
  unit TEXT NOT NULL CHECK (unit IN ('g/tkm', 'g/TEU-km')),
  wtw TEXT NOT NULL CHECK (wtw <> ''),
  ttw TEXT NOT NULL CHECK (ttw <> ''),
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source TEXT NOT NULL CHECK (source <> '')
) STRICT;
CREATE UNIQUE INDEX emission_factors_key ON emission_factors(mode, ifnull(region, ''), valid_from);

-- kg CO2e per TEU or per container handled, by kind of hub operation.
CREATE TABLE hub_factors (
  kind TEXT PRIMARY KEY CHECK (kind IN ('transshipment', 'gauge-change', 'terminal')),
  unit TEXT NOT NULL CHECK (unit IN ('kg/TEU', 'kg/container')),
  wtw TEXT NOT NULL CHECK (wtw <> ''),
  ttw TEXT NOT NULL CHECK (ttw <> ''),
  source TEXT NOT NULL CHECK (source <> '')
) STRICT;
