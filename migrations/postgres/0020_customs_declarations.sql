-- PostgreSQL's copy of migration 0020: customs declarations, their boxes and their history.
CREATE TABLE declarations (
  number TEXT PRIMARY KEY CHECK (length(number) BETWEEN 1 AND 35),
  foreign_number BIGINT NOT NULL CHECK (foreign_number IN (0, 1)),
  shipment TEXT NOT NULL REFERENCES shipments(ref),
  procedure TEXT NOT NULL CHECK (procedure IN ('export', 'import', 'transit')),
  office TEXT NOT NULL REFERENCES locations(code),
  mode TEXT NOT NULL CHECK (mode IN ('one-step', 'two-step')),
  value_minor BIGINT CHECK (value_minor IS NULL OR value_minor >= 0),
  currency TEXT CHECK ((value_minor IS NULL) = (currency IS NULL) AND (currency IS NULL OR length(currency) = 3)),
  declared_at_ms BIGINT NOT NULL,
  declared_at_offset_minutes BIGINT NOT NULL CHECK (declared_at_offset_minutes BETWEEN -1080 AND 1080),
  status TEXT NOT NULL CHECK (status IN ('summary', 'declared', 'accepted', 'rejected', 'selected', 'inspected', 'detained', 'released', 'seized', 'closed')),
  completed_at_ms BIGINT,
  completed_at_offset_minutes BIGINT CHECK ((completed_at_ms IS NULL) = (completed_at_offset_minutes IS NULL)),
  created_at TEXT NOT NULL,
  operator TEXT NOT NULL
);
CREATE INDEX declarations_shipment ON declarations(shipment);

CREATE TABLE declaration_boxes (
  declaration TEXT NOT NULL REFERENCES declarations(number),
  seq BIGINT NOT NULL CHECK (seq >= 1),
  container TEXT NOT NULL REFERENCES containers(number),
  status TEXT NOT NULL CHECK (status IN ('summary', 'declared', 'accepted', 'rejected', 'selected', 'inspected', 'detained', 'released', 'seized', 'closed')),
  PRIMARY KEY (declaration, container),
  UNIQUE (declaration, seq)
);
CREATE INDEX declaration_boxes_container ON declaration_boxes(container);

CREATE TABLE declaration_history (
  declaration TEXT NOT NULL REFERENCES declarations(number),
  seq BIGINT NOT NULL CHECK (seq >= 1),
  status TEXT NOT NULL CHECK (status IN ('summary', 'declared', 'accepted', 'rejected', 'selected', 'inspected', 'detained', 'released', 'seized', 'closed')),
  at_ms BIGINT NOT NULL,
  at_offset_minutes BIGINT NOT NULL CHECK (at_offset_minutes BETWEEN -1080 AND 1080),
  containers TEXT CHECK (containers IS NULL OR containers <> ''),
  check_kind TEXT CHECK (check_kind IS NULL OR check_kind IN ('document', 'physical', 'scan')),
  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('clear', 'discrepancy', 'seized')),
  note TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
  recorded_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  PRIMARY KEY (declaration, seq)
);
