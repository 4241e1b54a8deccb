-- The land-route departure-port export tax rebate (启运港退税; docs/customs.md): which inland
-- departure port and exit port a scheme links, from and to when, and its source. Reference data
-- (`rebateSchemes` in fixtures/reference), audited like the tariffs.
CREATE TABLE rebate_schemes (
  departure TEXT NOT NULL REFERENCES locations(code),
  -- A UN/LOCODE; the exit port need not be a place of the network.
  exit_port TEXT NOT NULL CHECK (length(exit_port) = 5),
  exit_name TEXT NOT NULL CHECK (length(exit_name) BETWEEN 1 AND 200),
  valid_from TEXT NOT NULL CHECK (length(valid_from) = 10),
  valid_to TEXT CHECK (valid_to IS NULL OR (length(valid_to) = 10 AND valid_to >= valid_from)),
  source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 2000),
  PRIMARY KEY (departure, exit_port, valid_from)
) STRICT;
