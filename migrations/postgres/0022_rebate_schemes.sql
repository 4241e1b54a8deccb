-- PostgreSQL's copy of migration 0022: the rail-sea rebate schemes (departure, exit port).
CREATE TABLE rebate_schemes (
  departure TEXT NOT NULL REFERENCES locations(code),
  exit_port TEXT NOT NULL CHECK (length(exit_port) = 5),
  exit_name TEXT NOT NULL CHECK (length(exit_name) BETWEEN 1 AND 200),
  valid_from TEXT NOT NULL CHECK (length(valid_from) = 10),
  valid_to TEXT CHECK (valid_to IS NULL OR (length(valid_to) = 10 AND valid_to >= valid_from)),
  source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 2000),
  PRIMARY KEY (departure, exit_port, valid_from)
);
