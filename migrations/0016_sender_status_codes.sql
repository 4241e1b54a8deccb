-- A sender's own IFTSTA status codes (railways and carriers send mutually defined codes, such as
-- STS+1+P::HS), mapped once by an operator to the Corridor event they mean: the reference data's
-- `statusCodes` section. `sender` is the interchange sender (UNB 0004); `list` and `agency` are
-- the code's list and responsible agency as sent (C555 1131 and 3055; '' when not given).
CREATE TABLE sender_status_codes (
  sender TEXT NOT NULL CHECK (sender <> ''),
  code TEXT NOT NULL CHECK (code <> ''),
  list TEXT NOT NULL,
  agency TEXT NOT NULL,
  event TEXT NOT NULL CHECK (length(event) = 4),
  note TEXT,
  PRIMARY KEY (sender, code, list, agency)
) STRICT;
