-- What each stretch of the corridors took, week by week: the learned ETA's summaries
-- (docs/eta.md). Derived from the events, never edited by hand: `corridor eta refresh` (and
-- every write door, after its commit) adds what the events recorded since `eta_watermark`
-- completed. A segment is a route's leg (`leg:ROUTE:FROM>TO`, from departing FROM to arriving
-- at TO) or stop (`stop:ROUTE:PLACE>NEXT`, from arriving at PLACE to departing it for NEXT);
-- `day` is the UTC day (since 1970) on which the segment ended, so an estimate made on a day
-- reads only days that had ended before it.
CREATE TABLE eta_durations (
  segment TEXT NOT NULL CHECK (length(segment) BETWEEN 14 AND 200),
  day INTEGER NOT NULL CHECK (day BETWEEN -1000000 AND 1000000),
  hours INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 100000),
  boxes INTEGER NOT NULL CHECK (boxes > 0),
  PRIMARY KEY (segment, day, hours)
) STRICT, WITHOUT ROWID;

-- The last event sequence number the summaries have seen.
CREATE TABLE eta_watermark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  through_seq INTEGER NOT NULL CHECK (through_seq >= 0)
) STRICT;
INSERT INTO eta_watermark(id, through_seq) VALUES (1, 0);
