-- A container registered from a feed that sent a pre-1995 ISO 6346 size-type code (`2200`,
-- `4500`): the code as sent, kept beside today's code it was read as (`size_type`), so the
-- container's record says where its size-type came from. NULL when the code was today's.
ALTER TABLE containers ADD COLUMN size_type_as_sent TEXT
  CHECK (size_type_as_sent IS NULL OR (length(size_type_as_sent) = 4 AND size_type_as_sent NOT GLOB '*[^0-9]*'));
