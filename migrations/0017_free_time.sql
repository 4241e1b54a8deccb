-- Who owns a box (`container add --owner`): a shipper-owned box (SOC, common on the China-Europe
-- trains) never pays detention. NULL: not recorded, and priced as the carrier's (the trade's
-- default: a box is the line's unless said otherwise).
ALTER TABLE containers ADD COLUMN owner TEXT CHECK (owner IS NULL OR owner IN ('carrier', 'shipper'));

-- Free-time rules: the reference file's `freeTime` section (docs/waiting-costs.md). A rule prices
-- the stays of boxes at a place (NULL: any place) between two events: `free_days` without
-- charge, then the daily rates of `tiers`, written `FROM-TO:AMOUNT` joined by `;` with an open
-- last tier (`6-:75.00`), amounts in `currency`. `name` is derived from the fields that make
-- two rules compete (place, kind, equipment, owner, commodities) and `valid_from`; two rules
-- that compete and overlap in time are refused when loaded.
CREATE TABLE free_time_rules (
  name TEXT PRIMARY KEY,
  location TEXT REFERENCES locations(code),
  kind TEXT NOT NULL CHECK (kind IN ('demurrage', 'detention', 'storage')),
  starts TEXT NOT NULL CHECK (length(starts) = 4),
  ends TEXT NOT NULL CHECK (length(ends) = 4),
  equipment TEXT NOT NULL CHECK (equipment IN ('20', '40', '45', 'any')),
  ownership TEXT CHECK (ownership IS NULL OR ownership IN ('carrier', 'shipper')),
  commodities TEXT CHECK (commodities IS NULL OR commodities <> ''),
  free_days INTEGER NOT NULL CHECK (free_days BETWEEN 0 AND 3650),
  day_count TEXT NOT NULL CHECK (day_count IN ('calendar', 'working')),
  tiers TEXT NOT NULL CHECK (tiers <> ''),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source TEXT
) STRICT;

-- The boxes with a stay still open at a place (`report free-time`): each place's discharges,
-- gate-outs and gate-ins, grouped by box, so one place's candidates are one range of the index
-- read in box order. Arrivals and departures (storage at border stations) are `events_stops`'.
CREATE INDEX events_yard ON events(location, container, code, at_ms)
  WHERE code IN ('DISC', 'GTOT', 'GTIN') AND classifier = 'ACT';
