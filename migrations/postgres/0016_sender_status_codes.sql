-- PostgreSQL's copy of migration 0016: a sender's own status codes mapped to DCSA events.
CREATE TABLE sender_status_codes (
  sender TEXT NOT NULL CHECK (sender <> ''),
  code TEXT NOT NULL CHECK (code <> ''),
  list TEXT NOT NULL,
  agency TEXT NOT NULL,
  event TEXT NOT NULL CHECK (length(event) = 4),
  note TEXT,
  PRIMARY KEY (sender, code, list, agency)
);
