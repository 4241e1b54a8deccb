import CorridorInterchange
import CorridorModel
import SQLite

/// The events table's columns as the audit trail names them, in canonical (sorted) order, with
/// where each value comes from when an accepted event is written. The one description that the
/// events INSERT, `EventColumns.select` (what `event record` audits and `audit verify`
/// re-reads) and the import's state writer are all made from.
enum EventColumns {
  /// What a written row is made of, besides the accepted event.
  struct Row {
    let accepted: EventAcceptance.Accepted
    let recordedAt: String
    let operatorName: String
  }

  /// (state key, column), sorted by key: the canonical order of the audited state.
  static let all: [(name: String, column: String)] = [
    ("atMs", "at_ms"), ("atOffsetMinutes", "at_offset_minutes"), ("carrierBooking", "carrier_booking"), ("classifier", "classifier"),
    ("code", "code"),
    ("container", "container"), ("emptyLaden", "empty_laden"), ("exception", "exception"), ("id", "id"), ("location", "location"),
    ("mode", "mode"), ("note", "note"), ("offRoute", "off_route"), ("operator", "operator"), ("recordedAt", "recorded_at"),
    ("seal", "seal"), ("sealSource", "seal_source"), ("sealType", "seal_type"), ("seq", "seq"), ("shipment", "shipment"),
    ("vehicle", "vehicle"),
  ]

  /// The row's values in `all`'s order, `seq` NULL until SQLite assigns it. One function rather
  /// than a closure a column: this runs for every imported row. (A misplaced value would make the
  /// import's digests disagree with `audit verify`, which the import tests check.)
  static func values(_ row: Row, into values: inout [SQLValue]) {
    let report = row.accepted.report
    values.removeAll(keepingCapacity: true)
    values.append(.integer(report.time.milliseconds))
    values.append(.integer(Int64(report.time.offsetMinutes)))
    values.append(SQLValue(report.carrierBooking))
    values.append(.text(report.classifier.rawValue))
    values.append(.text(report.code.rawValue))
    values.append(.text(report.container.text))
    values.append(SQLValue(report.emptyLaden?.rawValue))
    values.append(SQLValue(row.accepted.exception?.name))
    values.append(.text(row.accepted.id))
    values.append(.text(report.location.text))
    values.append(SQLValue(report.mode?.rawValue))
    values.append(SQLValue(report.note))
    values.append(SQLValue(row.accepted.offRoute))
    values.append(.text(row.operatorName))
    values.append(.text(row.recordedAt))
    values.append(SQLValue(report.seal))
    values.append(SQLValue(report.sealSource?.rawValue))
    values.append(SQLValue(report.sealType?.rawValue))
    values.append(.null)  // seq
    values.append(SQLValue(report.shipment))
    values.append(SQLValue(report.vehicle))
  }

  static let layout = AuditedEntity.StateLayout(names: all.map(\.name))
  static let seqIndex = all.firstIndex { $0.column == "seq" } ?? 0

  static let insertSQL = insertSQL(rows: 1)

  /// The columns an INSERT gives (all but `seq`).
  static let written = all.filter { $0.column != "seq" }
  /// Every column, `seq` too, in `all`'s order: what a `COPY` that numbers its rows gives.
  static let columns = all.map(\.column)

  /// One INSERT of `rows` rows: SQLite opens the table's and its indexes' cursors once for all of
  /// them, which the import's chunks use.
  static func insertSQL(rows: Int) -> String {
    let one = "(" + written.map { _ in "?" }.joined(separator: ", ") + ")"
    return "INSERT INTO events(\(written.map(\.column).joined(separator: ", "))) VALUES "
      + Array(repeating: one, count: max(1, rows)).joined(separator: ", ")
  }

  /// Binds a row's `values` (in `all`'s order) as row `row` of a statement from `insertSQL(rows:)`.
  static func bind(_ values: [SQLValue], asRow row: Int, to statement: Statement) throws {
    var parameter = Int32(row * written.count)
    for (index, value) in values.enumerated() where index != seqIndex {
      parameter += 1
      try statement.bind(value, at: parameter)
    }
  }

  static let select =
    "SELECT id AS key, " + all.map { $0.name == $0.column ? $0.column : "\($0.column) AS \"\($0.name)\"" }.joined(separator: ", ")
    + " FROM events"

  /// The inserted row's audited state (`values` in `all`'s order, `seq` as the engine assigned it),
  /// followed by a newline: byte for byte what `audit verify` renders reading the row back.
  static func writeState(values: inout [SQLValue], seq: Int64, to out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    values[seqIndex] = .integer(seq)
    layout.write(values, to: &out)
    out.append(0x0A)
  }
}
