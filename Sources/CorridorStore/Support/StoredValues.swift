import CorridorInterchange
import CorridorModel
import SQLite

/// Reading the domain's value types back from rows: each value is checked as strictly as when
/// it was parsed at the edge, so that a value written around Corridor (the sqlite3 shell with
/// `PRAGMA ignore_check_constraints`, a damaged page) stops the command with the table and
/// column instead of becoming a wrong figure or an arithmetic trap.
extension Row {
  func container(_ column: String) throws(RowDecodingError) -> ContainerNumber {
    try parsed(column, "container number") { try? ContainerNumber(parsing: $0) }
  }

  func location(_ column: String) throws(RowDecodingError) -> LocationCode {
    try parsed(column, "UN/LOCODE") { LocationCode.isWellFormed($0) ? LocationCode(trusted: $0) : nil }
  }

  func optionalLocation(_ column: String) throws(RowDecodingError) -> LocationCode? {
    try optionalParsed(column, "UN/LOCODE") { LocationCode.isWellFormed($0) ? LocationCode(trusted: $0) : nil }
  }

  func day(_ column: String) throws(RowDecodingError) -> Day {
    try parsed(column, "date (YYYY-MM-DD)") { try? Day(parsing: $0) }
  }

  func optionalDay(_ column: String) throws(RowDecodingError) -> Day? {
    try optionalParsed(column, "date (YYYY-MM-DD)") { try? Day(parsing: $0) }
  }

  func currency(_ column: String) throws(RowDecodingError) -> Currency {
    try parsed(column, "ISO 4217 currency Corridor knows") { try? Currency(parsing: $0) }
  }

  /// Minor units within the bound amounts are parsed with (and the schema's CHECKs state).
  func minorUnits(_ column: String) throws(RowDecodingError) -> Int64 {
    try int64(column, in: 0...Money.maxMinorUnits)
  }

  func eventTime(milliseconds: String, offset: String) throws(RowDecodingError) -> EventTime {
    EventTime(
      milliseconds: try int64(milliseconds, in: EventTime.storableMilliseconds),
      offsetMinutes: try int(offset, in: EventTime.storableOffsetMinutes))
  }
}
