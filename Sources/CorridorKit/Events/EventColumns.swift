import SQLite

/// The events table's columns as the audit trail names them, in canonical (sorted) order, with
/// where each value comes from when an accepted event is written. The one description that the
/// events INSERT, `AuditedEntity.eventSelect` (what `event record` audits and `audit verify`
/// re-reads) and the import's state writer are all made from.
enum EventColumns {
  /// What a written row is made of, besides the accepted event.
  struct Row {
    let accepted: EventAcceptance.Accepted
    let recordedAt: String
    let operatorName: String
  }

  struct Column: Sendable {
    let name: String
    let column: String
    /// Nil for `seq`, which SQLite assigns. Borrowing: a row is not copied (nor its strings
    /// retained) once per column.
    let value: (@Sendable (borrowing Row) -> SQLValue)?
  }

  static let all: [Column] = [
    .init(name: "atMs", column: "at_ms") { .integer($0.accepted.report.time.milliseconds) },
    .init(name: "atOffsetMinutes", column: "at_offset_minutes") { .integer(Int64($0.accepted.report.time.offsetMinutes)) },
    .init(name: "classifier", column: "classifier") { .text($0.accepted.report.classifier.rawValue) },
    .init(name: "code", column: "code") { .text($0.accepted.report.code.rawValue) },
    .init(name: "container", column: "container") { .text($0.accepted.report.container.text) },
    .init(name: "emptyLaden", column: "empty_laden") { SQLValue($0.accepted.report.emptyLaden?.rawValue) },
    .init(name: "exception", column: "exception") { SQLValue($0.accepted.exception?.name) },
    .init(name: "id", column: "id") { .text($0.accepted.id) },
    .init(name: "location", column: "location") { .text($0.accepted.report.location.text) },
    .init(name: "mode", column: "mode") { SQLValue($0.accepted.report.mode?.rawValue) },
    .init(name: "note", column: "note") { SQLValue($0.accepted.report.note) },
    .init(name: "offRoute", column: "off_route") { SQLValue($0.accepted.offRoute) },
    .init(name: "operator", column: "operator") { .text($0.operatorName) },
    .init(name: "recordedAt", column: "recorded_at") { .text($0.recordedAt) },
    .init(name: "seal", column: "seal") { SQLValue($0.accepted.report.seal) },
    .init(name: "seq", column: "seq", value: nil),
    .init(name: "shipment", column: "shipment") { SQLValue($0.accepted.report.shipment) },
    .init(name: "vehicle", column: "vehicle") { SQLValue($0.accepted.report.vehicle) },
  ]

  static let layout = AuditedEntity.StateLayout(names: all.map(\.name))
  static let seqIndex = all.firstIndex { $0.value == nil } ?? 0

  static let insertSQL: String = {
    let written = all.filter { $0.value != nil }
    return "INSERT INTO events(\(written.map(\.column).joined(separator: ", "))) VALUES (\(written.map { _ in "?" }.joined(separator: ", ")))"
  }()

  static let select =
    "SELECT id AS key, " + all.map { $0.name == $0.column ? $0.column : "\($0.column) AS \($0.name)" }.joined(separator: ", ")
    + " FROM events"

  /// Inserts `row` with `statement` (prepared from `insertSQL`); the values are left in `values`,
  /// in `all`'s order (`seq` still NULL), for `writeState`.
  static func insert(_ row: borrowing Row, with statement: Statement, values: inout [SQLValue]) throws {
    values.removeAll(keepingCapacity: true)
    var parameter: Int32 = 0
    for column in all {
      guard let value = column.value?(row) else {
        values.append(.null)
        continue
      }
      values.append(value)
      parameter += 1
      try statement.bind(value, at: parameter)
    }
    try statement.run()
  }

  /// The inserted row's audited state (`values` from `insert`, `seq` as SQLite assigned it),
  /// followed by a newline: byte for byte what `audit verify` renders reading the row back.
  static func writeState(values: inout [SQLValue], seq: Int64, to out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    values[seqIndex] = .integer(seq)
    layout.write(values, to: &out)
    out.append(0x0A)
  }
}
