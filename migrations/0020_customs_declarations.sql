-- Customs declarations in the ledger (docs/customs.md): a goods declaration for a shipment's
-- boxes at the office where customs acts, its boxes each with a status (release and detention
-- may be partial), and every status customs gave it. The transitions are the model's
-- (`DeclarationStatus.next`); the CHECKs bound what a row may hold.
CREATE TABLE declarations (
  number TEXT PRIMARY KEY CHECK (length(number) BETWEEN 1 AND 35),
  -- 1: another country's number (free text); 0: China's 18 digits.
  foreign_number INTEGER NOT NULL CHECK (foreign_number IN (0, 1)),
  shipment TEXT NOT NULL REFERENCES shipments(ref),
  procedure TEXT NOT NULL CHECK (procedure IN ('export', 'import', 'transit')),
  office TEXT NOT NULL REFERENCES locations(code),
  mode TEXT NOT NULL CHECK (mode IN ('one-step', 'two-step')),
  value_minor INTEGER CHECK (value_minor IS NULL OR value_minor >= 0),
  currency TEXT CHECK ((value_minor IS NULL) = (currency IS NULL) AND (currency IS NULL OR length(currency) = 3)),
  declared_at_ms INTEGER NOT NULL,
  declared_at_offset_minutes INTEGER NOT NULL CHECK (declared_at_offset_minutes BETWEEN -1080 AND 1080),
  status TEXT NOT NULL CHECK (status IN ('summary', 'declared', 'accepted', 'rejected', 'selected', 'inspected', 'detained', 'released', 'seized', 'closed')),
  -- The complete declaration of a two-step one (NULL until lodged, and for one-step).
  completed_at_ms INTEGER,
  completed_at_offset_minutes INTEGER CHECK ((completed_at_ms IS NULL) = (completed_at_offset_minutes IS NULL)),
  created_at TEXT NOT NULL,
  operator TEXT NOT NULL
) STRICT;
CREATE INDEX declarations_shipment ON declarations(shipment);

CREATE TABLE declaration_boxes (
  declaration TEXT NOT NULL REFERENCES declarations(number),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  container TEXT NOT NULL REFERENCES containers(number),
  status TEXT NOT NULL CHECK (status IN ('summary', 'declared', 'accepted', 'rejected', 'selected', 'inspected', 'detained', 'released', 'seized', 'closed')),
  PRIMARY KEY (declaration, container),
  UNIQUE (declaration, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX declaration_boxes_container ON declaration_boxes(container);

CREATE TABLE declaration_history (
  declaration TEXT NOT NULL REFERENCES declarations(number),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  status TEXT NOT NULL CHECK (status IN ('summary', 'declared', 'accepted', 'rejected', 'selected', 'inspected', 'detained', 'released', 'seized', 'closed')),
  at_ms INTEGER NOT NULL,
  at_offset_minutes INTEGER NOT NULL CHECK (at_offset_minutes BETWEEN -1080 AND 1080),
  -- The boxes a partial change names, space-separated; NULL: every box of the declaration.
  containers TEXT CHECK (containers IS NULL OR containers <> ''),
  check_kind TEXT CHECK (check_kind IS NULL OR check_kind IN ('document', 'physical', 'scan')),
  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('clear', 'discrepancy', 'seized')),
  note TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
  recorded_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  PRIMARY KEY (declaration, seq)
) STRICT;
