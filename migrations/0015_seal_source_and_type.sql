-- Who put an event's seal on and what kind of seal it is (DCSA's sealSource and sealType, which
-- DCSA 2.2 requires of every seal it sends): kept from every way in that gives them (EDIFACT
-- SEL's sealing party, DCSA bodies, the CSV columns). NULL when the source did not say.
ALTER TABLE events ADD COLUMN seal_source TEXT CHECK (seal_source IS NULL OR seal_source IN ('CAR', 'SHI', 'PHY', 'VET', 'CUS'));
ALTER TABLE events ADD COLUMN seal_type TEXT CHECK (seal_type IS NULL OR seal_type IN ('KLP', 'BLT', 'WIR'));
