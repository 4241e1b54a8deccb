-- Freight costs: tariffs, cost-reduction policies and exchange rates. Amounts are integer minor
-- units of their currency; rates and percentages are exact decimal text (never REAL).

CREATE TABLE tariffs (
  id INTEGER PRIMARY KEY,
  route TEXT NOT NULL REFERENCES routes(code),
  -- 1-based leg of the route, or NULL for the whole route.
  leg INTEGER CHECK (leg IS NULL OR leg >= 1),
  component TEXT NOT NULL CHECK (component IN ('base', 'thc', 'baf', 'border', 'customs', 'security', 'documentation', 'other')),
  equipment TEXT NOT NULL CHECK (equipment IN ('20', '40', '45', 'any')),
  basis TEXT NOT NULL CHECK (basis IN ('container', 'teu', 'shipment')),
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source TEXT,
  illustrative INTEGER NOT NULL DEFAULT 0 CHECK (illustrative IN (0, 1)),
  UNIQUE (route, leg, component, equipment, valid_from)
) STRICT;
CREATE INDEX tariffs_route ON tariffs(route, valid_from);

CREATE TABLE policies (
  name TEXT PRIMARY KEY CHECK (name <> ''),
  corridor TEXT NOT NULL REFERENCES corridors(code),
  route TEXT REFERENCES routes(code),
  kind TEXT NOT NULL CHECK (kind IN ('percent', 'per-teu', 'per-container')),
  -- Exact decimal text: a percentage for `percent`, an amount in `currency` otherwise.
  value TEXT NOT NULL,
  currency TEXT CHECK ((kind = 'percent') = (currency IS NULL)),
  -- Comma-separated components the policy reduces.
  components TEXT NOT NULL DEFAULT 'base',
  cap_minor INTEGER CHECK (cap_minor IS NULL OR cap_minor >= 0),
  cap_currency TEXT CHECK ((cap_minor IS NULL) = (cap_currency IS NULL)),
  origin TEXT REFERENCES locations(code),
  -- Comma-separated commodity categories; NULL for all.
  commodities TEXT,
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source TEXT,
  illustrative INTEGER NOT NULL DEFAULT 0 CHECK (illustrative IN (0, 1))
) STRICT;

-- 1 `base` = `rate` `quote` on `date`.
CREATE TABLE fx_rates (
  date TEXT NOT NULL,
  base TEXT NOT NULL CHECK (length(base) = 3),
  quote TEXT NOT NULL CHECK (length(quote) = 3 AND quote <> base),
  rate TEXT NOT NULL,
  source TEXT,
  PRIMARY KEY (date, base, quote)
) STRICT;

-- TEU per shipment (20 ft = 1; 40 and 45 ft = 2).
CREATE VIEW shipment_teu AS
SELECT sc.shipment, count(*) AS containers,
  sum(CASE substr(c.size_type, 1, 1) WHEN '2' THEN 1 ELSE 2 END) AS teu
FROM shipment_containers sc JOIN containers c ON c.number = sc.container
GROUP BY sc.shipment;
