-- PostgreSQL's copy of migration 0014: the ISO 6346 size-type code as the sender wrote it.
ALTER TABLE containers ADD COLUMN size_type_as_sent TEXT
  CHECK (size_type_as_sent IS NULL OR (length(size_type_as_sent) = 4 AND size_type_as_sent !~ '[^0-9]'));
