-- PostgreSQL's copy of migration 0025: the learned ETA's summaries per route stretch and UTC
-- day, and the last event they have seen (docs/eta.md).
CREATE TABLE eta_durations (
  segment TEXT NOT NULL CHECK (length(segment) BETWEEN 14 AND 200),
  day BIGINT NOT NULL CHECK (day BETWEEN -1000000 AND 1000000),
  hours BIGINT NOT NULL CHECK (hours BETWEEN 0 AND 100000),
  boxes BIGINT NOT NULL CHECK (boxes > 0),
  PRIMARY KEY (segment, day, hours)
);

CREATE TABLE eta_watermark (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  through_seq BIGINT NOT NULL CHECK (through_seq >= 0)
);
INSERT INTO eta_watermark(id, through_seq) VALUES (1, 0);
