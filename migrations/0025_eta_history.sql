-- What each stretch of the corridors took, week by week: the learned ETA's summaries
-- (docs/eta.md). Derived from the events, never edited by hand: `corridor eta refresh` (and
-- every write door, after its commit) adds what the events recorded since `eta_watermark`
-- completed. A segment is a leg (`leg:FROM>TO`, from departing FROM to arriving at TO) or a
-- stop (`stop:PLACE>NEXT`, from arriving at PLACE to departing it for NEXT); `week` is the
-- Monday-based week (days since 1970 plus 3, divided by 7) in which the segment ended, so an
-- estimate made at an instant reads only weeks that had ended before it.
CREATE TABLE eta_durations (
  segment TEXT NOT NULL CHECK (length(segment) BETWEEN 9 AND 40),
  week INTEGER NOT NULL CHECK (week BETWEEN -100000 AND 100000),
  hours INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 100000),
  boxes INTEGER NOT NULL CHECK (boxes > 0),
  PRIMARY KEY (segment, week, hours)
) STRICT, WITHOUT ROWID;

-- The last event sequence number the summaries have seen.
CREATE TABLE eta_watermark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  through_seq INTEGER NOT NULL CHECK (through_seq >= 0)
) STRICT;
INSERT INTO eta_watermark(id, through_seq) VALUES (1, 0);
