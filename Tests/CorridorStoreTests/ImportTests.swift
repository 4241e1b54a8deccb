import CorridorInterchange
import CorridorPresentation
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

func writeFile(_ text: String, name: String = "events.csv") throws -> String {
  let path = temporaryFolder() + "/" + name
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  return path
}

let csvHeader = "id,container,code,at,location,shipment,classifier,mode,vehicle,emptyLaden,seal,note\n"

extension Journey {
  func importFile(
    _ path: String, format: EventFileFormat = .csv, skipInvalid: Bool = false, maxBoxes: Int = 16_384, maxShipments: Int = 1_024,
    batchSize: Int = 2, rejects: ((Int, CorridorError) -> Void)? = nil
  ) throws -> EventImportSummary {
    var options = EventImportOptions()
    options.maxBoxes = maxBoxes
    options.maxShipments = maxShipments
    options.skipInvalid = skipInvalid
    options.operatorName = "importer"
    options.now = now
    options.batchSize = batchSize
    return try db.eventStore.importEvents(path: path, format: format, options: options, reject: { row, error in rejects?(row.line, error) })
  }

  func auditCount() throws -> Int64 { try db.connection.scalarInt("SELECT count(*) FROM audit_log") ?? -1 }
}

@Suite struct ImportTests {
  let goodRows = #"""
    ,CSQU3054383,GTIN,2024-03-04T09:00:00+08:00,CNCQI,,ACT,,,LADEN,CN123,
    ,CSQU3054383,LOAD,2024-03-05T08:00:00+08:00,CNCKG,,ACT,rail,X8001,LADEN,,
    ,CSQU3054383,DEPA,2024-03-05T10:00:00+08:00,CNCQI,CQ24-0001,ACT,rail,X8001,LADEN,,"departed, ""on time"""

    """#

  @Test func importsValidRowsInAuditedBatches() throws {
    let j = try Journey()
    let before = try j.auditCount()
    let summary = try j.importFile(try writeFile(csvHeader + goodRows))
    #expect(summary == EventImportSummary(rows: 3, imported: 3, duplicates: 0, rejected: 0, batches: 2))
    let events = try j.db.eventStore.events(container: j.box)
    #expect(events.map(\.code) == [.GTIN, .LOAD, .DEPA])
    #expect(events[1].location.text == "CNCQI")  // alias resolved
    #expect(events[2].report.note == "departed, \"on time\"")
    #expect(events.allSatisfy { $0.report.shipment == "CQ24-0001" && $0.recordedBy == "importer" })
    #expect(try j.auditCount() == before + 2)  // one entry per committed batch
    let verification = try j.db.auditTrail.verifyAudit()
    #expect(verification.intact, "\(verification.findings)")
  }

  @Test func aRowWithoutAnIdGetsTheSameIdAsEventRecord() throws {
    let j = try Journey()
    _ = try j.importFile(try writeFile(csvHeader + goodRows))
    let first = try #require(try j.db.eventStore.events(container: j.box).first)
    let report = EventReport(
      container: j.box, code: .GTIN, time: try EventTime(parsing: "2024-03-04T09:00:00+08:00"), location: try LocationCode(parsing: "CNCQI"),
      shipment: "CQ24-0001", emptyLaden: .LADEN, seal: "CN123")
    #expect(first.id == report.derivedID)
    // `event record` of the same content, through the alias and without the shipment, finds it.
    var resent = report
    resent.location = try LocationCode(parsing: "CNCKG")
    resent.shipment = nil
    #expect(try j.db.eventStore.record(resent, operator: "test") == .duplicate(id: first.id, retraction: nil))
  }

  /// With room for two boxes, every box below is evicted between its rows: the dry run must get
  /// back what it simulated (the box is loaded, under a customs hold), not what the database
  /// knows (nothing), and the write pass must reload what it wrote.
  @Test func evictedBoxesKeepTheirSimulatedState() throws {
    let j = try Journey()
    let others = try ["TSTU0000014", "TSTU0000020", "TSTU0000035"].map { try ContainerNumber(parsing: $0) }
    for box in others {
      try j.db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
    }
    func rows(for box: ContainerNumber, hour: Int) -> String {
      ",\(box),GTIN,2024-03-04T0\(hour):00:00+08:00,CNCQI,,ACT,,,,,\n"
    }
    var file = csvHeader
    file += ",CSQU3054383,GTIN,2024-03-04T01:00:00+08:00,CNCQI,,ACT,,,,,\n"
    file += ",CSQU3054383,LOAD,2024-03-04T02:00:00+08:00,CNCQI,,ACT,,,,,\n"
    file += ",CSQU3054383,CUSI,2024-03-04T03:00:00+08:00,CNCQI,,ACT,,,,,\n"
    for (i, box) in others.enumerated() { file += rows(for: box, hour: 4 + i) }
    file += ",CSQU3054383,CUSR,2024-03-05T01:00:00+08:00,CNCQI,,ACT,,,,,\n"
    file += ",CSQU3054383,DEPA,2024-03-05T02:00:00+08:00,CNCQI,,ACT,,,,,\n"
    let summary = try j.importFile(try writeFile(file), maxBoxes: 2)
    #expect(summary.imported == 8)
    #expect(try j.db.eventStore.events(container: j.box).map(\.code) == [.GTIN, .LOAD, .CUSI, .CUSR, .DEPA])

    // Without the release the hold is still there after eviction: the departure is refused
    // and nothing of the file is written.
    let k = try Journey()
    for box in others {
      try k.db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
    }
    let held = file.replacingOccurrences(of: ",CSQU3054383,CUSR,2024-03-05T01:00:00+08:00,CNCQI,,ACT,,,,,\n", with: "")
    let error = #expect(throws: CorridorError.self) { try k.importFile(try writeFile(held), maxBoxes: 2) }
    #expect(error?.rule == .customsHold)
    #expect(try k.eventCount() == 0)
  }

  /// What the dry run keeps of an evicted box comes back whole.
  @Test func spilledBoxesComeBackWhole() throws {
    let spill = try BoxSpill()
    let box = ImportFacts.Box()
    let place = try LocationCode(parsing: "KZDOS")
    box.facts.state.position = .onConveyance(place)
    box.facts.state.holds[place] = try EventTime(parsing: "2024-03-09T14:00:00+05:00")
    box.facts.state.lastMilliseconds = 1_710_000_000_000
    box.facts.state.lastLocation = place
    box.facts.state.lastCode = .LOAD
    box.facts.openShipment = "CQ24-0001"
    box.pending = [.init(id: "a|b\u{1E}c", code: .DEPA, location: place, time: try EventTime(parsing: "2024-03-09T15:00:00+05:00"), seq: 7)]
    box.known = [.init(id: 1, content: 2), .init(id: .max, content: 0), .init(id: 0x0123_4567_89AB_CDEF, content: 0xFEDC_BA98_7654_3210)]
    box.knownIsComplete = false
    let container = try ContainerNumber(parsing: "CSQU3054383")
    try spill.keep(box, of: container)
    let back = try #require(try spill.take(container))
    #expect(back.facts.state == box.facts.state && back.facts.openShipment == "CQ24-0001")
    #expect(back.pending.map(\.id) == ["a|b\u{1E}c"] && back.pending.first?.time == box.pending.first?.time)
    #expect(back.pending.first?.time.offsetMinutes == 300 && back.pending.first?.seq == 7)
    #expect(back.known.map { [$0.id, $0.content] } == box.known.map { [$0.id, $0.content] } && !back.knownIsComplete)
    #expect(try spill.take(container) == nil)  // taken, not copied
  }

  /// A box with a longer history than the validator remembers: a resent old row is still
  /// recognised as recorded (looked up), not judged again by the sequence rules, in both passes.
  @Test func aResentOldRowOfALongHistoryIsADuplicate() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-01T00:00:00Z", "CNCQI")
    func at(hour: Int) -> String { String(format: "2024-03-%02dT%02d:00:00Z", 1 + hour / 24, hour % 24) }
    for pair in 0..<150 {
      try j.record(.LOAD, at(hour: 2 * pair + 1), "CNCQI")
      try j.record(.DISC, at(hour: 2 * pair + 2), "CNCQI")
    }
    #expect(try j.eventCount() == 301)
    let file =
      csvHeader + ",CSQU3054383,LOAD,2024-03-01T01:00:00Z,CNCQI,CQ24-0001,ACT,,,,,\n"
      + ",CSQU3054383,LOAD,2024-03-20T00:00:00Z,CNCQI,CQ24-0001,ACT,,,,,\n"
    let path = try writeFile(file)
    let summary = try j.importFile(path)
    #expect(summary.duplicates == 1 && summary.imported == 1)
    let again = try j.importFile(path, skipInvalid: true)
    #expect(again.duplicates == 2 && again.imported == 0 && again.rejected == 0)
  }

  /// A shipment the file delivers stays delivered in the validation pass after the validator
  /// has forgotten it: a later row on it is refused before anything is written.
  @Test func aShipmentDeliveredInTheFileStaysClosedAfterEviction() throws {
    let j = try Journey()
    var file = csvHeader
    file += ",CSQU3054383,GTIN,2024-03-20T08:00:00+02:00,DEDUI,,ACT,,,,,\n"
    file += ",CSQU3054383,GTOT,2024-03-20T09:00:00+02:00,DEDUI,,ACT,,,,,\n"  // CQ24-0001 delivered
    for (index, number) in ["TSTU0000014", "TSTU0000020", "TSTU0000035"].enumerated() {
      let box = try ContainerNumber(parsing: number)
      try j.db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
      try j.db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: "S\(index)", route: "CQ-QZH-SIN", shipper: "s", consignee: "c", commodity: .general, hsCode: nil,
          value: try Money(parsing: "1.00", currency: .cny), bookedOn: try Day(parsing: "2024-03-01")),
        operator: "test")
      try j.db.shipmentStore.assign(box, to: "S\(index)", grossKg: nil, seals: [], operator: "test")
      file += ",\(number),GTIN,2024-03-20T1\(index):00:00+08:00,CNCQI,,ACT,,,,,\n"
    }
    file += ",CSQU3054383,INSP,2024-03-21T09:00:00+02:00,DEDUI,CQ24-0001,ACT,,,,,\n"
    let error = #expect(throws: CorridorError.self) { try j.importFile(try writeFile(file), maxShipments: 2) }
    #expect(error?.rule == .shipmentClosed)
    #expect(error?.text.contains(":7:") == true, "\(error?.message ?? "")")
    #expect(try j.eventCount() == 0)
  }

  /// The write pass leaves ids of boxes without history to the UNIQUE index: a collision with
  /// another box's event is still answered as a conflict (here without a dry run, as with
  /// --skip-invalid), and the good rows are kept.
  @Test func anIdTakenByAnotherBoxIsAConflictInTheWritePass() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", id: "E-1")
    let other = try ContainerNumber(parsing: "TSTU0000014")
    try j.db.containerStore.addContainer(other, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
    let file =
      csvHeader + "E-1,TSTU0000014,GTIN,2024-03-04T10:00:00+08:00,CNCQI,,ACT,,,,,\n"
      + "E-2,TSTU0000014,GTIN,2024-03-04T11:00:00+08:00,CNCQI,,ACT,,,,,\n"
    var rejected: [(Int, RuleID?)] = []
    let summary = try j.importFile(try writeFile(file), skipInvalid: true) { line, error in rejected.append((line, error.rule)) }
    #expect(summary.imported == 1 && summary.rejected == 1)
    #expect(rejected.map(\.0) == [2] && rejected.map(\.1) == [.eventIdConflict])
    #expect(try j.db.eventStore.events(container: other).map(\.id) == ["E-2"])
  }

  /// The write pass inserts accepted rows in chunks of many rows; a chunk that meets an id the
  /// facts did not know is rolled back and the batch done again row by row: the same answers as
  /// row by row, the same audited digests.
  @Test func aCollisionInsideAChunkIsAnsweredRowByRow() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", id: "E-TAKEN")
    var file = csvHeader
    var boxes: [ContainerNumber] = []
    // Two chunks' worth of rows: the first chunk is full, so it goes in as one INSERT.
    for serial in 1...EventBatchWriter.chunkRows {
      let prefix = "TSTU" + String(format: "%06d", serial)
      let box = try ContainerNumber(parsing: prefix + String(ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0))
      try j.db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
      boxes.append(box)
      // The 20th box's gate-in (row 39) takes an id another box's event has: inside the first chunk.
      let id = serial == 20 ? "E-TAKEN" : "G-\(serial)"
      file += "\(id),\(box),GTIN,2024-03-05T09:00:00+08:00,CNCQI,,ACT,,,,,\n"
      file += "L-\(serial),\(box),LOAD,2024-03-05T10:00:00+08:00,CNCQI,,ACT,,,,,\n"
    }
    var rejected: [RuleID?] = []
    let summary = try j.importFile(try writeFile(file), skipInvalid: true, batchSize: 25_000) { _, error in rejected.append(error.rule) }
    let rows = 2 * EventBatchWriter.chunkRows
    #expect(summary.rows == rows && summary.imported == rows - 1 && summary.rejected == 1, "\(summary) \(rejected)")
    #expect(rejected == [.eventIdConflict])
    #expect(try j.eventCount() == rows)
    #expect(try j.db.eventStore.events(container: boxes[19]).map(\.id) == ["L-20"])
    #expect(try j.db.auditTrail.verifyAudit().intact)
    // Without a collision the same rows go in by chunks, and verify the same way.
    let k = try Journey()
    for box in boxes {
      try k.db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
    }
    let clean = try k.importFile(try writeFile(file.replacingOccurrences(of: "E-TAKEN,", with: "G-20,")), batchSize: 25_000)
    #expect(clean.imported == rows && clean.batches == 1)
    #expect(try k.db.auditTrail.verifyAudit().intact)
    #expect(try k.db.connection.scalarInt("SELECT count(*) FROM events") == Int64(rows))
  }

  /// A chunk can also be refused when the facts have its rows written before they read the
  /// database (here: the shipment of a later row): the batch is rolled back there and done again
  /// row by row, with the same answers.
  @Test func aChunkRefusedWhileTheFactsReadIsAnsweredRowByRow() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", id: "E-TAKEN")
    var file = csvHeader
    var boxes: [ContainerNumber] = []
    for serial in 1...10 {
      let prefix = "TSTU" + String(format: "%06d", serial)
      let box = try ContainerNumber(parsing: prefix + String(ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0))
      try j.db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
      boxes.append(box)
      file += "\(serial == 5 ? "E-TAKEN" : "G-\(serial)"),\(box),GTIN,2024-03-05T09:00:00+08:00,CNCQI,,ACT,,,,,\n"
    }
    // Fewer rows than a chunk are held; this row's shipment is read from the database, so they
    // are written first, and the taken id is refused there.
    file += "L-1,\(j.box),LOAD,2024-03-05T10:00:00+08:00,CNCQI,CQ24-0001,ACT,,,,,\n"
    var rejected: [(Int, RuleID?)] = []
    let summary = try j.importFile(try writeFile(file), skipInvalid: true, batchSize: 25_000) { line, error in
      rejected.append((line, error.rule))
    }
    #expect(summary.rows == 11 && summary.imported == 10 && summary.rejected == 1 && summary.batches == 1, "\(summary)")
    #expect(rejected.map(\.0) == [6] && rejected.map(\.1) == [.eventIdConflict])
    #expect(try j.db.eventStore.events(container: j.box).map(\.id) == ["E-TAKEN", "L-1"])
    #expect(try j.db.eventStore.events(container: boxes[4]).isEmpty)
    #expect(try j.eventCount() == 11)
    #expect(try j.db.auditTrail.verifyAudit().intact)
  }

  @Test func rerunningTheSameFileAddsNothing() throws {
    let j = try Journey()
    let path = try writeFile(csvHeader + goodRows)
    _ = try j.importFile(path)
    let audit = try j.auditCount()
    let again = try j.importFile(path)
    #expect(again.imported == 0 && again.duplicates == 3)
    #expect(try j.db.eventStore.events(container: j.box).count == 3)
    #expect(try j.auditCount() == audit)
  }

  @Test func allOrNothingByDefault() throws {
    let j = try Journey()
    let audit = try j.auditCount()
    let bad = goodRows + ",CSQU3054383,ARRI,2024-03-08T10:00:00+08:00,CNXXX,,ACT,rail,,LADEN,,\n"
    let path = try writeFile(csvHeader + bad)
    let error = #expect(throws: CorridorError.self) { try j.importFile(path) }
    #expect(error?.kind == .invalidData)
    #expect(error?.text.hasPrefix("\(path):5:") == true, "\(error?.message ?? "")")
    #expect(error?.rule == .unknownLocation)
    #expect(try j.eventCount() == 0)
    #expect(try j.auditCount() == audit)
  }

  @Test func sequenceRulesApplyToImportedRows() throws {
    let j = try Journey()
    let rows = ",CSQU3054383,LOAD,2024-03-05T08:00:00+08:00,CNCQI,,ACT,rail,,,,\n,CSQU3054383,LOAD,2024-03-05T09:00:00+08:00,CNCQI,,ACT,rail,,,,\n"
    let error = #expect(throws: CorridorError.self) { try j.importFile(try writeFile(csvHeader + rows)) }
    #expect(error?.rule == .loadWhenLoaded)
    #expect(error?.text.contains(":3:") == true)
    #expect(try j.eventCount() == 0)
  }

  @Test func skipInvalidKeepsTheGoodRowsAndReportsTheBad() throws {
    let j = try Journey()
    var rejected: [(Int, RuleID?)] = []
    let rows = goodRows + ",CSQU3054384,ARRI,2024-03-08T10:00:00+08:00,CNAKL,,ACT,,,,,\n,CSQU3054383,ARRI,not a time,CNAKL,,ACT,,,,,\n"
    let summary = try j.importFile(try writeFile(csvHeader + rows), skipInvalid: true) { line, error in rejected.append((line, error.rule)) }
    #expect(summary.imported == 3 && summary.rejected == 2)
    #expect(rejected.map(\.0) == [5, 6])
    #expect(rejected.map(\.1) == [.iso6346, .timestamp])
  }

  @Test func headerRules() throws {
    let j = try Journey()
    let unknown = #expect(throws: CorridorError.self) { try j.importFile(try writeFile("id,container,code,at,location,colour\n")) }
    #expect(unknown?.text.contains("unknown column \"colour\"") == true)
    #expect(unknown?.text.contains(":1:31:") == true)
    // A BOM and CRLF line ends are fine; the optional columns may be left out.
    let crlf = "\u{FEFF}container,code,at,location\r\nCSQU3054383,GTIN,2024-03-04T09:00:00+08:00,CNCQI\r\n"
    #expect(try j.importFile(try writeFile(crlf)).imported == 1)
  }

  @Test func dcsaNDJSONIsMappedFieldByField() throws {
    let j = try Journey()
    let lines = """
      {"eventID":"E-1","eventType":"EQUIPMENT","equipmentEventTypeCode":"GTIN","eventDateTime":"2024-03-04T09:00:00+08:00","eventClassifierCode":"ACT","equipmentReference":"CSQU3054383","eventLocation":{"UNLocationCode":"CNCQI"},"emptyIndicatorCode":"LADEN","seals":[{"sealNumber":"CN123"}]}
      {"eventID":"E-2","eventType":"EQUIPMENT","equipmentEventTypeCode":"LOAD","eventDateTime":"2024-03-05T08:00:00+08:00","eventClassifierCode":"ACT","equipmentReference":"CSQU3054383","eventLocation":{"UNLocationCode":"CNCQI"},"transportCall":{"modeOfTransport":"RAIL","exportVoyageNumber":"X8001"}}
      {"eventID":"E-3","eventType":"TRANSPORT","transportEventTypeCode":"DEPA","eventDateTime":"2024-03-05T10:00:00+08:00","eventClassifierCode":"ACT","equipmentReference":"CSQU3054383","transportCall":{"UNLocationCode":"CNCQI","modeOfTransport":"RAIL"},"documentReferences":[{"documentReferenceType":"BKG","documentReferenceValue":"CQ24-0001"}],"changeRemark":"on time"}

      """
    _ = try j.importFile(try writeFile(lines, name: "events.ndjson"), format: .ndjson)
    let events = try j.db.eventStore.events(container: j.box)
    #expect(events.map(\.id) == ["E-1", "E-2", "E-3"])
    #expect(events[0].report.seal == "CN123" && events[0].report.emptyLaden == .LADEN)
    #expect(events[1].report.mode == .RAIL && events[1].report.vehicle == "X8001")
    #expect(events[2].report.shipment == "CQ24-0001" && events[2].report.note == "on time")
  }

  @Test(arguments: [EventFileFormat.csv, .ndjson])
  func exportImportExportIsByteIdentical(format: EventFileFormat) throws {
    let a = try Journey()
    try a.departChongqing()
    try a.record(.ARRI, "2024-03-08T10:00:00+08:00", "CNAKL", note: "wait, \"long\" queue\nat the pass")
    try a.record(.ARRI, "2024-03-20T10:00:00+01:00", "DEDUI", classifier: .EST)
    var first = ""
    _ = try a.db.eventStore.exportEvents(format: format) { first += $0 }

    let b = try Journey()  // the same bookings, no events
    _ = try b.importFile(try writeFile(first, name: "a.\(format.rawValue)"), format: format)
    var second = ""
    _ = try b.db.eventStore.exportEvents(format: format) { second += $0 }
    #expect(second == first)
    #expect(first.contains("CNAKL"))
  }

  @Test(.sqliteOnly) func diskFullIsExit74AndLeavesTheDatabaseAsItWas() throws {
    let j = try Journey()
    var rows = ""
    for minute in 0..<500 {
      rows += ",CSQU3054383,INSP,2024-03-04T09:\(String(format: "%02d", minute / 10)):\(String(format: "%02d", minute % 60))+08:00,CNCQI,,ACT,,,,,\n"
    }
    let path = try writeFile(csvHeader + rows)
    let pages = try #require(try j.db.connection.scalarInt("PRAGMA page_count"))
    _ = try j.db.connection.scalarInt("PRAGMA max_page_count = \(pages + 2)")
    let audit = try j.auditCount()
    let error = #expect(throws: CorridorError.self) { try j.importFile(path) }
    #expect(error?.kind == .io)
    #expect(error?.text.contains("nothing was written") == true)
    #expect(try j.eventCount() == 0)
    #expect(try j.auditCount() == audit)
  }
}

extension ImportTests {
  /// When the disk fills in the middle of the write pass (here without the space check, as with
  /// --skip-invalid), the committed batches stay, are counted right and verify; the batch being
  /// written is rolled back.
  @Test(.sqliteOnly) func aDiskThatFillsMidWriteKeepsTheCommittedBatches() throws {
    let j = try Journey()
    var rows = ""
    for minute in 0..<600 {
      rows += ",CSQU3054383,INSP,2024-03-0\(1 + minute / 120)T0\(minute / 60 % 2):\(String(format: "%02d", minute % 60)):00+08:00,CNCQI,,ACT,,,,,\n"
    }
    let path = try writeFile(csvHeader + rows)
    let pages = try #require(try j.db.connection.scalarInt("PRAGMA page_count"))
    _ = try j.db.connection.scalarInt("PRAGMA max_page_count = \(pages + 6)")
    let error = #expect(throws: CorridorError.self) { try j.importFile(path, skipInvalid: true) }
    #expect(error?.kind == .io)
    let kept = try j.eventCount()
    #expect(kept > 0 && kept < 600)
    #expect(error?.text.contains("after \(kept) events in \(kept / 2) batches were committed") == true, "\(error?.message ?? "")")
    #expect(try j.db.auditTrail.verifyAudit().intact)
  }
}

/// Seeded fuzzing of both readers: whatever the bytes, the result is rows or a located
/// `CorridorError`, never a trap.
@Suite struct ReaderFuzzTests {
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  static let csvSeed = Array(
    (csvHeader + ",CSQU3054383,GTIN,2024-03-04T09:00:00+08:00,CNCQI,CQ24-0001,ACT,rail,X1,LADEN,S1,\"a, \"\"b\"\"\"\n").utf8)
  static let jsonSeed =
    Array(
      #"{"eventID":"E-1","equipmentEventTypeCode":"GTIN","eventDateTime":"2024-03-04T09:00:00+08:00","equipmentReference":"CSQU3054383","eventLocation":{"UNLocationCode":"CNCQI"},"seals":[{"sealNumber":"S"}]}"#
        .utf8) + [0x0A]

  static func mutate(_ seed: [UInt8], _ random: inout Random) -> [UInt8] {
    var bytes = seed
    switch random.below(8) {
    case 0: return (0..<random.below(300)).map { _ in UInt8(random.below(256)) }  // random bytes
    case 1: return Array(bytes.prefix(random.below(bytes.count)))  // truncated
    case 2: bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: random.below(bytes.count))  // invalid UTF-8
    case 3: bytes.insert(UInt8(ascii: "\""), at: random.below(bytes.count))  // unbalanced quote
    case 4: bytes.insert(0, at: random.below(bytes.count))  // NUL
    case 5: bytes.insert(contentsOf: Array(",,extra".utf8), at: random.below(bytes.count))  // wrong column count
    case 6: bytes.insert(contentsOf: Array("{[\"\\u".utf8), at: random.below(bytes.count))  // structure
    default:
      for _ in 0..<1 + random.below(6) { bytes[random.below(bytes.count)] = UInt8(random.below(256)) }
    }
    return bytes
  }

  static func drain(_ source: () throws -> EventRowSource) -> Int {
    var rows = 0
    do {
      let source = try source()
      while let row = try source.next() {
        rows += 1
        if case .failure(let error) = row.result { #expect(!error.message.isEmpty) }
      }
    } catch let error as CorridorError {
      #expect(error.kind == .invalidData)
      #expect(error.text.hasPrefix("fuzz:"), "\(error.message)")
    } catch {
      Issue.record("unexpected error type: \(error)")
    }
    return rows
  }

  @Test func tenThousandCasesOverBothReaders() {
    var random = Random(state: 20_241_231)
    for _ in 0..<5_000 {
      let csv = Self.mutate(Self.csvSeed, &random)
      _ = Self.drain { try CSVEventSource(reader: CSVReader(bytes: csv), file: "fuzz") }
      let json = Self.mutate(Self.jsonSeed, &random)
      _ = Self.drain { NDJSONEventSource(bytes: json, file: "fuzz") }
    }
  }

  @Test func aTenMegabyteLineIsRefusedWithAPosition() {
    let long = [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
    let csv = Array(csvHeader.utf8) + long + [0x0A]
    var error: CorridorError?
    do {
      let source = try CSVEventSource(reader: CSVReader(bytes: csv), file: "fuzz")
      while try source.next() != nil {}
    } catch let e as CorridorError { error = e } catch { Issue.record("not a CorridorError: \(error)") }
    #expect(error?.text.hasPrefix("fuzz:2:1:") == true, "\(error?.message ?? "none")")
    let json = long + [0x0A]
    do {
      let source = NDJSONEventSource(bytes: json, file: "fuzz")
      while try source.next() != nil {}
      Issue.record("no error")
    } catch let e as CorridorError {
      #expect(e.text.hasPrefix("fuzz:1:1: line longer than"))
    } catch { Issue.record("not a CorridorError: \(error)") }
  }
}

/// The DCSA writer writes canonical JSON (keys in code-point order at every level) by hand; a
/// full event must come out sorted and read back as the same report.
@Suite struct DCSAWriterTests {
  func sorted(_ node: JSONNode) -> Bool {
    switch node.value {
    case .object(let members):
      let keys = members.map { Array($0.key.utf8) }
      return zip(keys, keys.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) } && members.allSatisfy { sorted($0.value) }
    case .array(let items): return items.allSatisfy(sorted)
    default: return true
    }
  }

  @Test func everyFieldIsWrittenSortedAndReadsBack() throws {
    let j = try Journey()
    for (code, at, place, mode) in [
      (EventCode.GTIN, "2024-03-05T08:00:00+08:00", "CNCQI", TransportModeCode?.none), (.LOAD, "2024-03-05T09:00:00+08:00", "CNCQI", .RAIL),
      (.DEPA, "2024-03-05T10:00:00+08:00", "CNCQI", .RAIL),
    ] {
      let report = EventReport(
        id: nil, container: j.box, code: code, time: try EventTime(parsing: at), location: try LocationCode(parsing: place), shipment: nil,
        classifier: .ACT, mode: mode, vehicle: mode == nil ? nil : "X8001 \"express\"", emptyLaden: .LADEN, seal: "CN123",
        note: "Małaszewicze\n", carrierBooking: "MAEU-1")
      guard case .recorded(let id, _, _) = try j.db.eventStore.record(report, operator: "test") else { Issue.record("not recorded"); continue }
      let event = try #require(try j.db.eventStore.event(id: id))
      var bytes: [UInt8] = []
      DCSAEventMapping.write(event, created: .recorded, to: &bytes)
      let node = try JSONParser.parse(bytes)
      #expect(sorted(node), "\(String(decoding: bytes, as: UTF8.self))")
      var expected = event.report
      expected.id = id
      // The server names a seal's type, which DCSA requires, with the default when none was
      // recorded; the export writes only what was recorded, and reads back exactly.
      var served = expected
      served.sealType = SealType.whenNotGiven
      served.emptyLaden = served.emptyLaden ?? (code.isTransport ? nil : EmptyLaden.implied(by: expected))
      let back = try DCSAEventMapping.report(node) { at in SourcePosition(file: "-", line: at.line, column: at.column) }
      #expect(back == served)
      var exported: [UInt8] = []
      DCSAEventMapping.write(event, created: .eventTime, to: &exported)
      #expect(
        try DCSAEventMapping.report(try JSONParser.parse(exported)) { at in SourcePosition(file: "-", line: at.line, column: at.column) } == expected)
      #expect(node["eventCreatedDateTime"].flatMap { if case .string(let t) = $0.value { t } else { nil } } == event.recordedAt)
    }
  }
}

/// `GET /v2/events` with `eventCreatedDateTime`: the seq bound found in the recorded_at index
/// must not lose an event whose recording time is out of step with its sequence number (another
/// process's clock).
@Suite struct DCSAFeedTests {
  @Test func createdSinceHoldsWhenRecordingTimesAreOutOfOrder() throws {
    let j = try Journey()
    // Recorded at 10:00, 09:00 and 11:00: the second writer's clock was behind.
    for (code, at, recorded) in [
      (EventCode.GTIN, "2024-03-04T09:00:00+08:00", "2024-06-01T10:00:00Z"), (.LOAD, "2024-03-05T08:00:00+08:00", "2024-06-01T09:00:00Z"),
      (.DEPA, "2024-03-05T10:00:00+08:00", "2024-06-01T11:00:00Z"),
    ] {
      let writer = try j.ledger.reopened(clock: .fixed(try EventTime(parsing: recorded)))
      _ = try writer.eventStore.record(
        EventReport(
          id: nil, container: j.box, code: code, time: try EventTime(parsing: at), location: try LocationCode(parsing: "CNCQI"), shipment: nil,
          classifier: .ACT),
        operator: "test")
    }
    func codes(_ comparison: DCSAEventQuery.Comparison, _ at: String) throws -> [String] {
      var query = DCSAEventQuery()
      try query.addCreated(comparison, at)
      return try j.db.eventStore.dcsaEvents(query, party: nil).events.map(\.code.rawValue)
    }
    #expect(try codes(.gte, "2024-06-01T09:30:00Z") == ["GTIN", "DEPA"])
    #expect(try codes(.gte, "2024-06-01T08:00:00Z") == ["GTIN", "LOAD", "DEPA"])
    #expect(try codes(.eq, "2024-06-01T09:00:00Z") == ["LOAD"])
    #expect(try codes(.gt, "2024-06-01T11:00:00Z") == [])
    #expect(try codes(.lt, "2024-06-01T10:00:00Z") == ["LOAD"])
  }
}
