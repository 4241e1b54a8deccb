import CorridorModel
import CorridorStore
import CorridorTestSupport
import Foundation
import Testing

@testable import CorridorStorePostgres

/// `import events` on PostgreSQL: the same two passes and acceptance engine as on SQLite, the
/// accepted rows written with `COPY`, against a real server (`CORRIDOR_TEST_POSTGRES`).
@Suite(.serialized) struct PostgresImportTests {
  static let header = "id,container,code,at,location,shipment,classifier,mode,vehicle,emptyLaden,seal,note\n"
  /// 2024-06-01T00:00:00Z.
  static let now = EventTime(milliseconds: 1_717_200_000_000, offsetMinutes: 0)

  /// A ledger with the shipped network and `boxes` registered containers, on `location` or a file.
  static func ledger(_ location: PostgresLocation?, boxes: Int) throws -> (CorridorDatabase, [ContainerNumber]) {
    let db =
      try location.map { try PostgresLedger.database($0, clock: .fixed(now)) }
      ?? CorridorDatabase(path: temporaryFolder() + "/ledger.db", mode: .create, clock: .fixed(now))
    _ = try db.loadShippedReference(operator: "test")
    var numbers: [ContainerNumber] = []
    for serial in 1...boxes {
      let prefix = "TSTU" + String(format: "%06d", serial)
      let box = try ContainerNumber(parsing: prefix + String(ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0))
      try db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
      numbers.append(box)
    }
    return (db, numbers)
  }

  /// Each box's gate-in, load and departure at Chongqing (three accepted rows a box), and
  /// `estimated` estimated inspections after them (no sequence rule: as many as a test needs).
  static func file(_ boxes: [ContainerNumber], estimated: Int = 0, id: (Int) -> String = { "G-\($0)" }) throws -> String {
    var text = header
    for (index, box) in boxes.enumerated() {
      text += "\(id(index)),\(box),GTIN,2024-03-05T09:00:00+08:00,CNCQI,,ACT,,,LADEN,,\n"
      text += "L-\(index),\(box),LOAD,2024-03-05T10:00:00+08:00,CNCQI,,ACT,rail,X8001,LADEN,,\n"
      text += "D-\(index),\(box),DEPA,2024-03-05T12:00:00+08:00,CNCQI,,ACT,rail,X8001,LADEN,,\"tab\there, \"\"quoted\"\"\"\n"
      for hour in 0..<estimated {
        text +=
          "E-\(index)-\(hour),\(box),INSP,2024-04-\(String(format: "%02d", 1 + hour / 24))T\(String(format: "%02d", hour % 24)):00:00+08:00,CNCQI,,EST,,,,,\n"
      }
    }
    let path = temporaryFolder() + "/events.csv"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func importFile(
    _ path: String, into db: CorridorDatabase, skipInvalid: Bool = false, batchSize: Int = 25_000,
    rejected: @escaping (Int, CorridorError) -> Void = { _, _ in }
  ) throws -> EventImportSummary {
    var options = EventImportOptions()
    options.skipInvalid = skipInvalid
    options.batchSize = batchSize
    options.operatorName = "importer"
    options.now = now
    return try db.eventStore.importEvents(path: path, format: .csv, options: options, reject: { rejected($0.line, $1) })
  }

  static func head(_ db: CorridorDatabase) throws -> String? {
    try db.connection.fetchOne("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").map { "\($0[0].int64 ?? -1):\($0[1].text ?? "")" }
  }

  /// A full chunk of `COPY` and partial ones, in two batches: the same summary, the same events
  /// (sequence numbers included) and the same audit head as the same file on SQLite; an event
  /// recorded afterwards takes the next number on both (the identity sequence was moved past the
  /// import's rows); the rerun adds nothing.
  @Test(.enabled(if: TestPostgres.available)) func theSameFileImportsTheSameAsOnSQLite() throws {
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    let (pg, boxes) = try Self.ledger(location, boxes: 41)
    let (lite, _) = try Self.ledger(nil, boxes: 41)
    // 40 boxes of 3 + 50 rows: 2,120, a full COPY chunk (2,000) and partial ones, in two batches.
    let path = try Self.file(Array(boxes.prefix(40)), estimated: 50)
    let onPostgres = try Self.importFile(path, into: pg, batchSize: 2_050)
    let onSQLite = try Self.importFile(path, into: lite, batchSize: 2_050)
    #expect(onPostgres == onSQLite)
    #expect(onPostgres.imported == 2_120 && onPostgres.batches == 2, "\(onPostgres)")
    for db in [pg, lite] {
      _ = try db.eventStore.record(
        EventReport(
          container: boxes[40], code: .GTIN, time: try EventTime(parsing: "2024-03-06T09:00:00+08:00"),
          location: try LocationCode(parsing: "CNCQI")),
        operator: "test")
    }
    #expect(try Self.head(pg) == Self.head(lite))
    let select = "SELECT seq, id, container, code, note FROM events ORDER BY seq"
    #expect(try pg.connection.fetchAll(select) == lite.connection.fetchAll(select))
    #expect(try PostgresLedger.database(location).auditTrail.verifyAudit().intact)

    let again = try Self.importFile(path, into: pg)
    #expect(again.imported == 0 && again.duplicates == 2_120 && again.batches == 0)
    #expect(try Self.head(pg) == Self.head(lite))
  }

  /// A `COPY` that meets an id the facts did not know is refused by the id's UNIQUE index,
  /// which aborts PostgreSQL's transaction: the batch is rolled back and done again row by row,
  /// each row in a savepoint, with SQLite's answers (the one row an id conflict, the rest in).
  @Test(.enabled(if: TestPostgres.available)) func aRefusedCopyIsAnsweredRowByRow() throws {
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    let (pg, boxes) = try Self.ledger(location, boxes: 40)
    let (lite, _) = try Self.ledger(nil, boxes: 40)
    for db in [pg, lite] {
      _ = try db.eventStore.record(
        EventReport(
          id: "E-TAKEN", container: boxes[39], code: .GTIN, time: try EventTime(parsing: "2024-03-04T09:00:00+08:00"),
          location: try LocationCode(parsing: "CNCQI")),
        operator: "test")
    }
    // The 20th box's gate-in takes the id the 40th box's event has.
    let path = try Self.file(Array(boxes.prefix(30))) { $0 == 19 ? "E-TAKEN" : "G-\($0)" }
    var rejected: [(Int, RuleID?)] = []
    let summary = try Self.importFile(path, into: pg, skipInvalid: true) { rejected.append(($0, $1.rule)) }
    #expect(summary.rows == 90 && summary.imported == 89 && summary.rejected == 1 && summary.batches == 1, "\(summary)")
    #expect(rejected.map(\.0) == [59] && rejected.map(\.1) == [.eventIdConflict])
    #expect(try Self.importFile(path, into: lite, skipInvalid: true) == summary)
    #expect(try Self.head(pg) == Self.head(lite))
    #expect(try PostgresLedger.database(location).auditTrail.verifyAudit().intact)
  }

  /// All or nothing: a bad row late in the file is refused with its line in the first pass, and
  /// nothing is written (no event, no audit entry).
  @Test(.enabled(if: TestPostgres.available)) func aBadRowWritesNothing() throws {
    let location = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(location) }
    let (pg, boxes) = try Self.ledger(location, boxes: 10)
    let path = try Self.file(boxes)
    try (String(contentsOfFile: path, encoding: .utf8) + ",\(boxes[0]),ARRI,2024-03-08T10:00:00+08:00,CNXXX,,ACT,rail,,LADEN,,\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let audit = try Self.head(pg)
    let error = #expect(throws: CorridorError.self) { try Self.importFile(path, into: pg) }
    #expect(error?.rule == .unknownLocation && error?.text.hasPrefix("\(path):32:") == true, "\(error?.text ?? "")")
    #expect(try pg.connection.scalarInt("SELECT count(*) FROM events") == 0)
    #expect(try Self.head(pg) == audit)
  }
}
