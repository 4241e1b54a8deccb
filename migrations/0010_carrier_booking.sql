-- A carrier's booking reference as a terminal or railway reported it (EDIFACT RFF+BN): often not a
-- Corridor shipment. When it names a known shipment the event goes on that shipment; otherwise
-- the event keeps the reference here, and the DCSA export writes it back as a document reference.
ALTER TABLE events ADD COLUMN carrier_booking TEXT CHECK (carrier_booking IS NULL OR length(carrier_booking) BETWEEN 1 AND 100);
