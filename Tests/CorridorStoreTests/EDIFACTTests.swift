import CorridorInterchange
import CorridorPresentation
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// The shipped EDIFACT fixtures (hand-written, one per message type and mapping rule).
func edifactFixture(_ name: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures/edifact/\(name)").path
}

/// Every row of an EDIFACT text, or the error that ended it.
func edifactRows(_ text: String, zones: [String: String] = ["CNCQI": "Asia/Shanghai"]) throws -> (rows: [ImportRow], unmapped: [String: Int]) {
  let source = EDIFACTEventSource(bytes: Array(text.utf8), file: "t.edi", zones: zones)
  var rows: [ImportRow] = []
  while let row = try source.next() { rows.append(row) }
  return (rows, source.unmapped.counts)
}

/// One interchange around `segments` (UNH…, without UNT), with correct counts.
func interchange(_ segments: [String], type: String = "CODECO:D:95B:UN", reference: String = "1") -> String {
  let message = ["UNH+\(reference)+\(type)"] + segments
  return "UNB+UNOA:2+SENDER+CORRIDOR+240304:0915+IC1'" + message.joined(separator: "'") + "'UNT+\(message.count + 1)+\(reference)'UNZ+1+IC1'"
}

@Suite struct EDIFACTTests {
  let gateIn = [
    "BGM+34+GI1+9", "TDT+1++3+31++++YU A12345", "LOC+165+CNCQI:139:6", "EQD+CN+CSQU3054383+42G1:102:5++2+5", "RFF+BN:COSU6283746",
    "DTM+7:202403040900:203", "SEL+CN123+CA",
  ]

  // MARK: - Tokenizer and envelope

  @Test func aCODECOGateInMapsEverySegment() throws {
    let (rows, unmapped) = try edifactRows(interchange(gateIn))
    #expect(unmapped.isEmpty)
    #expect(rows.count == 1)
    let r = try #require(try rows.first?.result.get())
    #expect(r.code == .GTIN && r.container.text == "CSQU3054383" && r.location.text == "CNCQI")
    // 09:00 without a zone is Chongqing's local time.
    #expect(r.time.description == "2024-03-04T09:00:00+08:00")
    #expect(r.mode == .TRUCK && r.vehicle == "YU A12345" && r.seal == "CN123" && r.emptyLaden == .LADEN)
    #expect(r.shipment == nil && r.carrierBooking == "COSU6283746")
    #expect(r.id?.hasPrefix("edi-") == true)
    #expect(rows.first?.sizeType == "42G1")
    // The same file gives the same ids; another message reference another.
    #expect(try edifactRows(interchange(gateIn)).rows.first?.result.get().id == r.id)
    #expect(try edifactRows(interchange(gateIn, reference: "2")).rows.first?.result.get().id != r.id)
  }

  /// A gate-out as a terminal's system writes it, with the segments Corridor does not record
  /// (parties, measures, damage, dangerous goods, …): read silently; an unknown tag is counted.
  @Test func aFullTerminalMessageReadsWithItsOtherSegments() throws {
    let segments = [
      "BGM+36+GO2403050001+9", "DTM+137:202403050931:203", "FTX+AAI+++released by customs", "RFF+BN:COSU6283746",
      "TDT+1++3+31+COSCO:172:20+++YU B7788",
      "NAD+MS+CQTERM:160:166", "NAD+CF+COSCO:160:166", "CTA+IC+:OPS DESK", "COM+8613800000000:TE", "EQD+CN+CSQU3054383+42G1:102:5++3+5",
      "TMD+3", "DTM+7:202403050930:203", "LOC+165+CNCQI:139:6+CQTERM:TER:ZZZ", "MEA+AAE+G+KGM:24500", "DIM+1+CMT:2:3:4", "SEL+CN123+CA",
      "EQA+CH+CHAS1234", "DAM+1+DT", "DGS+IMD+3+1263", "XYZ+1", "CNT+16:1",
    ]
    let (rows, unmapped) = try edifactRows(interchange(segments))
    let r = try #require(try rows.first?.result.get())
    #expect(rows.count == 1 && r.code == .GTOT && r.time.description == "2024-03-05T09:30:00+08:00")
    #expect(r.vehicle == "YU B7788" && r.mode == .TRUCK && r.note == "released by customs" && r.carrierBooking == "COSU6283746")
    #expect(unmapped == ["segment XYZ": 1])
  }

  @Test func gateOutLoadingAndDischargeFollowTheirDocumentCodes() throws {
    func code(_ type: String, _ bgm: String, _ loc: String) throws -> (EventCode, String) {
      let segments = ["BGM+\(bgm)+X+9", loc, "EQD+CN+CSQU3054383", "DTM+203:202403040900:203"]
      let r = try #require(try edifactRows(interchange(segments, type: type)).rows.first?.result.get())
      return (r.code, r.location.text)
    }
    #expect(try code("CODECO:D:95B:UN", "36", "LOC+165+CNCQI:139:6") == (.GTOT, "CNCQI"))
    #expect(try code("COARRI:D:95B:UN", "46", "LOC+9+CNCQI:139:6") == (.LOAD, "CNCQI"))
    #expect(try code("COARRI:D:95B:UN", "44", "LOC+11+CNQZH:139:6") == (.DISC, "CNQZH"))
    #expect(try code("COARRI:D:00B:UN", "270", "LOC+9+CNCQI:139:6") == (.LOAD, "CNCQI"))
    // A document code with no Corridor event is counted, not guessed.
    let (rows, unmapped) = try edifactRows(interchange(["BGM+999+X+9", "EQD+CN+CSQU3054383"]))
    #expect(rows.isEmpty && unmapped["CODECO BGM 999"] == 1)
  }

  @Test func twoDigitYearsCancellationsAndTheOtherEndOfTheVoyage() throws {
    // Format 201 (YYMMDDHHMM), as older D95B gate messages write it.
    let old = gateIn.map { $0 == "DTM+7:202403040900:203" ? "DTM+7:2403040900:201" : $0 }
    #expect(try edifactRows(interchange(old)).rows.first?.result.get().time.description == "2024-03-04T09:00:00+08:00")
    // A cancelled report (BGM message function 1) is no event, and is counted.
    let cancelled = try edifactRows(interchange(gateIn.map { $0 == "BGM+34+GI1+9" ? "BGM+34+GI1+1" : $0 }))
    #expect(cancelled.rows.isEmpty && cancelled.unmapped == ["CODECO cancellation (BGM message function 1)": 1])
    // A discharge is never placed at the port of loading, even when nothing better is given.
    func discharge(_ locs: [String]) throws -> Result<EventReport, CorridorError>? {
      try edifactRows(interchange(["BGM+44+D+9"] + locs + ["EQD+CN+CSQU3054383", "DTM+203:202403040900:203"], type: "COARRI:D:95B:UN")).rows
        .first?.result
    }
    #expect(try discharge(["LOC+9+SGSIN:139:6", "LOC+165+CNQZH:139:6"])?.get().location.text == "CNQZH")
    let error = #expect(throws: CorridorError.self) { try discharge(["LOC+9+SGSIN:139:6"])?.get() }
    #expect(error?.rule == .edifactMapping)
  }

  @Test func iftstaStatusesTheirTimesAndUnknownCodes() throws {
    let segments = [
      "BGM+23+S+9", "CNI+1", "STS+1+24", "DTM+334:202403051000?+08:303", "LOC+175+CNCQI:139:6", "EQD+CN+CSQU3054383", "STS+1+16",
      "DTM+178:20240308120000?+0600:304", "LOC+175+CNAKL:139:6", "EQD+CN+CSQU3054383", "STS+1+99", "EQD+CN+CSQU3054383", "STS+1+1",
      "DTM+132:202403201000Z:303", "LOC+175+DEDUI:139:6", "EQD+CN+CSQU3054383", "STS+1+CUSI::ZZZ", "DTM+334:202403181000:203",
      "LOC+175+PLMAA:139:6", "EQD+CN+CSQU3054383", "QTY+1:1",
    ]
    let (rows, unmapped) = try edifactRows(interchange(segments, type: "IFTSTA:D:00B:UN"), zones: ["PLMAA": "Europe/Warsaw"])
    let reports = try rows.map { try $0.result.get() }
    #expect(reports.map(\.code) == [.DEPA, .CROS, .ARRI, .CUSI])
    #expect(reports[0].time.description == "2024-03-05T10:00:00+08:00")
    #expect(reports[1].time.description == "2024-03-08T12:00:00+06:00")
    // Estimated arrival → EST.
    #expect(reports[2].classifier == .EST && reports[2].time.utc == "2024-03-20T10:00:00Z")
    // Warsaw in March is UTC+1.
    #expect(reports[3].time.description == "2024-03-18T10:00:00+01:00")
    #expect(unmapped == ["IFTSTA STS 99 from SENDER": 1, "segment QTY": 0].filter { $0.value > 0 })
  }

  @Test func unaWithOtherSeparatorsTheReleaseCharacterAndWrappedLines() throws {
    let text =
      "UNA|*,\\ ~UNB*UNOB|3*S*R*240305|0830*IC9~UNH*7*COARRI|D|00B|UN~BGM*46*LD*9~LOC*9*CNCQI|139|6~EQD*CN*CSQU30\n54383~"
      + "DTM*203|202403050800~FTX*AAI***wagon 12\\*B\\~x~UNT*7*7~UNZ*1*IC9~\n"
      // A second interchange without UNA: back to the defaults.
      + interchange(gateIn)
    let (rows, _) = try edifactRows(text)
    let reports = try rows.map { try $0.result.get() }
    #expect(reports.map(\.code) == [.LOAD, .GTIN])
    #expect(reports[0].container.text == "CSQU3054383")
    #expect(reports[0].note == "wagon 12*B~x")
  }

  @Test func iso8859TextIsReadAsUTF8() throws {
    var bytes = Array(interchange(gateIn + ["FTX+AAI+++D"]).utf8)
    bytes = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "UNOA:2", with: "UNOC:3").utf8)
    let index = try #require(bytes.firstIndex(of: UInt8(ascii: "D"), after: "FTX+AAI+++"))
    bytes.insert(contentsOf: [0xE9, 0x70, 0xF4, 0x74], at: index + 1)  // "Dépôt" in ISO 8859-1
    let source = EDIFACTEventSource(bytes: bytes, file: "t.edi")
    #expect(try source.next()?.result.get().note == "Dépôt")
    // The same byte in UNOA is refused with its place.
    var unoa = bytes
    unoa.replaceSubrange(4..<8, with: Array("UNOA".utf8))
    let error = #expect(throws: CorridorError.self) { _ = try EDIFACTEventSource(bytes: unoa, file: "t.edi").next() }
    #expect(error?.rule == .edifact && error?.message.contains("UNOA") == true)
  }

  @Test(arguments: [
    ("UNT count", "UNT+99+1'", "UNT counts 99 segments"),
    ("UNT reference", "UNT+9+2'", "does not match UNH's 1"),
    ("UNZ count", "UNZ+5+IC1'", "UNZ counts 5 messages"),
    ("UNZ reference", "UNZ+1+OTHER'", "does not match UNB's IC1"),
  ])
  func aBrokenEnvelopeNamesItsPlace(_ name: String, _ replacement: String, _ message: String) throws {
    var text = interchange(gateIn)
    let tag = String(replacement.prefix(3))
    let range = try #require(text.range(of: "\(tag)+[^']*'", options: .regularExpression))
    text.replaceSubrange(range, with: replacement)
    let error = #expect(throws: CorridorError.self, "\(name)") { _ = try edifactRows(text) }
    #expect(error?.rule == .edifact && error?.kind == .invalidData)
    #expect(error?.message.contains(message) == true, "\(error?.text ?? "")")
    #expect(error?.position?.detail?.contains("interchange IC1") == true)
    #expect(error?.position?.detail?.contains("byte") == true)
  }

  @Test func controlCountsMayHaveLeadingZeros() throws {
    let text = interchange(gateIn).replacingOccurrences(of: "UNT+9+1", with: "UNT+000009+1").replacingOccurrences(of: "UNZ+1+IC1", with: "UNZ+01+IC1")
    #expect(try edifactRows(text).rows.count == 1)
  }

  @Test func aTruncatedFileIsRefusedWithItsPlace() throws {
    let text = interchange(gateIn)
    for cut in [text.count - 3, text.count / 2, 10] {
      let error = #expect(throws: CorridorError.self) { _ = try edifactRows(String(text.prefix(cut))) }
      #expect(error?.rule == .edifact, "cut at \(cut): \(error?.text ?? "")")
    }
    let error = #expect(throws: CorridorError.self) { _ = try edifactRows(String(text.prefix(text.count - 12))) }
    #expect(error?.text.contains("t.edi: interchange IC1, message 1, segment 9, byte") == true, "\(error?.text ?? "")")
  }

  @Test func aWrongCheckDigitIsARowErrorNamingTheRightOne() throws {
    let segments = gateIn.map { $0.replacingOccurrences(of: "CSQU3054383", with: "CSQU3054384") }
    let row = try #require(try edifactRows(interchange(segments)).rows.first)
    #expect(throws: CorridorError.self) { try row.result.get() }
    if case .failure(let error) = row.result {
      #expect(error.rule == .iso6346 && error.message.contains("3"), "\(error.text)")
      #expect(error.position?.detail?.hasPrefix("interchange IC1, message 1, segment 5, byte ") == true, "\(error.text)")
    }
  }

  /// 10,000 mutations of valid interchanges: every one either reads or fails with a clean
  /// invalid-data error (exit 65), never a trap or another kind of error.
  @Test func fuzzingTheTokenizerNeverTraps() throws {
    let seeds = [
      interchange(gateIn), try String(contentsOfFile: edifactFixture("codeco-gate-in-d95b.edi"), encoding: .utf8),
      String(decoding: try #require(fileBytes(edifactFixture("coarri-iftsta-two-interchanges.edi"))), as: UTF8.self),
    ].map { Array($0.utf8) }
    var generator = SplitMix(seed: 0x5EED)
    let specials = Array("'+:?UNAUNBUNHUNTUNZ\n\r".utf8) + [0x00, 0xFF, 0xE9]
    var clean = 0
    for index in 0..<10_000 {
      var bytes = seeds[index % seeds.count]
      for _ in 0..<(1 + Int(generator.next() % 4)) {
        let position = Int(generator.next() % UInt64(max(bytes.count, 1)))
        switch generator.next() % 4 {
        case 0: bytes[min(position, bytes.count - 1)] = specials[Int(generator.next() % UInt64(specials.count))]
        case 1: bytes.insert(specials[Int(generator.next() % UInt64(specials.count))], at: position)
        case 2: bytes.removeSubrange(position..<min(bytes.count, position + Int(generator.next() % 8)))
        default: bytes = Array(bytes.prefix(position))
        }
        if bytes.isEmpty { bytes = [0x55] }
      }
      let source = EDIFACTEventSource(bytes: bytes, file: "fuzz.edi", zones: ["CNCQI": "Asia/Shanghai"])
      do {
        while let row = try source.next() {
          if case .failure(let error) = row.result { #expect(error.kind == .invalidData) }
        }
        clean += 1
      } catch let error as CorridorError {
        #expect(error.kind == .invalidData && error.rule == .edifact, "case \(index): \(error.text)")
      }
    }
    #expect(clean > 0)
  }
}

/// A small deterministic generator, so that a failing fuzz case can be reproduced.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension Array where Element == UInt8 {
  /// The index of `byte` after the first occurrence of `marker`.
  func firstIndex(of byte: UInt8, after marker: String) -> Int? {
    let m = Array(marker.utf8)
    guard m.count <= count else { return nil }
    for start in 0...(count - m.count) where Array(self[start..<(start + m.count)]) == m {
      return self[(start + m.count)...].firstIndex(of: byte)
    }
    return nil
  }
}

/// EDIFACT through the import, the engine and the audit trail.
@Suite struct EDIFACTImportTests {
  func importEDIFACT(_ j: Journey, _ path: String, register: Bool = false, skipInvalid: Bool = false) throws -> EventImportSummary {
    var options = EventImportOptions()
    options.operatorName = "terminal"
    options.now = j.now
    options.registerContainers = register
    options.skipInvalid = skipInvalid
    return try j.db.eventStore.importEvents(path: path, format: .edifact, options: options)
  }

  @Test func theFixturesImportOnceAndResendingThemChangesNothing() throws {
    let j = try Journey()
    let first = try importEDIFACT(j, edifactFixture("codeco-gate-in-d95b.edi"))
    #expect(first.imported == 1)
    let second = try importEDIFACT(j, edifactFixture("coarri-iftsta-two-interchanges.edi"))
    // LOAD, DEPA, the estimated ARRI and the estimated CUSS; STS 17 is counted, not guessed.
    #expect(second.imported == 4 && second.unmapped == ["IFTSTA STS 17 from CQRAIL": 1])
    let events = try j.db.eventStore.events(container: j.box)
    #expect(events.map(\.code) == [.GTIN, .LOAD, .DEPA, .ARRI, .CUSS])
    // The unknown carrier reference is kept; the event takes the container's open shipment.
    #expect(events[0].report.shipment == "CQ24-0001" && events[0].report.carrierBooking == "COSU6283746")
    // A reference that names a shipment puts the event on it, and is not kept twice.
    #expect(events[1].report.shipment == "CQ24-0001" && events[1].report.carrierBooking == nil)
    #expect(events[1].report.note == "loaded on wagon 12*B" && events[1].report.mode == .RAIL && events[1].report.vehicle == "X8001")
    #expect(events[2].report.location.text == "CNCQI" && events[2].report.note == "Dépôt 'A' on time")
    #expect(events[3].report.classifier == .EST && events[4].report.classifier == .EST)
    #expect(try importEDIFACT(j, edifactFixture("codeco-gate-in-d95b.edi")).duplicates == 1)
    #expect(try importEDIFACT(j, edifactFixture("coarri-iftsta-two-interchanges.edi")).duplicates == 4)
    #expect(try j.eventCount() == 5)
    #expect(try j.db.auditTrail.verifyAudit().intact)
    // The kept reference goes out as a second BKG document reference and in again.
    var lines: [String] = []
    _ = try j.db.eventStore.exportEvents(container: j.box, format: .ndjson) { lines.append($0) }
    #expect(
      lines[0].contains(
        #"{"documentReferenceType":"BKG","documentReferenceValue":"CQ24-0001"},{"documentReferenceType":"BKG","documentReferenceValue":"COSU6283746"}"#
      ))
    let reread = try NDJSONEventSource(bytes: Array(lines[0].utf8), file: "x").next()?.result.get()
    #expect(reread?.shipment == "CQ24-0001" && reread?.carrierBooking == "COSU6283746")
  }

  @Test func anUnregisteredContainerIsRefusedWithAHintOrRegisteredFromEQD() throws {
    let j = try Journey()
    let text = interchange([
      "BGM+34+GI1+9", "LOC+165+CNCQI:139:6", "EQD+CN+MSKU0308961+22G1:102:5", "DTM+7:202403040900:203",
    ])
    let path = try writeFile(text, name: "new.edi")
    let error = #expect(throws: CorridorError.self) { try importEDIFACT(j, path) }
    #expect(error?.rule == .unknownContainer && error?.hint?.contains("--register-containers") == true)
    #expect(error?.position?.detail?.hasPrefix("interchange IC1, message 1, segment 4") == true, "\(error?.text ?? "")")
    #expect(try j.eventCount() == 0)
    #expect(try importEDIFACT(j, path, register: true).imported == 1)
    let box = try ContainerNumber(parsing: "MSKU0308961")
    #expect(try j.db.containerStore.container(box)?.sizeType.code == "22G1")
    #expect(try j.db.connection.scalarInt("SELECT count(*) FROM audit_log WHERE entity = 'container' AND key = 'MSKU0308961'") == 1)
    #expect(try j.db.auditTrail.verifyAudit().intact)
    // A wrong check digit is refused naming the right one, with the flag too.
    let wrong = try writeFile(text.replacingOccurrences(of: "MSKU0308961", with: "MSKU0308962"), name: "wrong.edi")
    let refused = #expect(throws: CorridorError.self) { try importEDIFACT(j, wrong, register: true) }
    #expect(refused?.rule == .iso6346 && refused?.message.contains("1") == true, "\(refused?.text ?? "")")
  }

  @Test func anIFTSTAExportReadsBackToTheSameEvents() throws {
    let j = try Journey()
    try j.departChongqing()
    try j.record(.ARRI, "2024-03-08T10:00:00+08:00", "CNAKL", note: "on time: 'ok'+?")
    try j.record(.CROS, "2024-03-09T10:00:30+08:00", "CNAKL")
    try j.record(.ARRI, "2024-03-20T10:00:00+01:00", "DEDUI", classifier: .EST)
    var iftsta = ""
    _ = try j.db.eventStore.exportEvents(format: .iftsta) { iftsta += $0 }
    var csv = ""
    _ = try j.db.eventStore.exportEvents(format: .csv) { csv += $0 }
    let other = try Journey()
    let summary = try importEDIFACT(other, try writeFile(iftsta, name: "out.edi"))
    #expect(summary.imported == 6 && summary.unmapped.isEmpty)
    var again = ""
    _ = try other.db.eventStore.exportEvents(format: .csv) { again += $0 }
    #expect(again == csv)
    var twice = ""
    _ = try other.db.eventStore.exportEvents(format: .iftsta) { twice += $0 }
    #expect(twice == iftsta)
  }

  @Test func skippedRowsNameTheirInterchangeMessageSegmentAndRule() throws {
    let j = try Journey()
    let text = interchange([
      "BGM+34+GI1+9", "LOC+165+CNCQI:139:6", "EQD+CN+CSQU3054383", "DTM+7:202403040900:203", "EQD+CN+CSQU3054383", "DTM+7:2024:203",
    ])
    var rejects: [(Int, CorridorError)] = []
    var options = EventImportOptions()
    options.now = j.now
    options.skipInvalid = true
    let summary = try j.db.eventStore.importEvents(path: try writeFile(text, name: "s.edi"), format: .edifact, options: options) {
      rejects.append(($0.line, $1))
    }
    #expect(summary.imported == 1 && summary.rejected == 1)
    #expect(rejects.first?.1.rule == .timestamp)
    #expect(rejects.first?.1.text.contains("s.edi: interchange IC1, message 1, segment 6, byte ") == true, "\(rejects.first?.1.text ?? "")")
  }
}

/// Real feeds (issue 28): the stages of transport and the dates of a status, read as the
/// directories define them. Minimal messages written from the segment layouts of D95B and D00B.
@Suite struct EDIFACTStageAndDateTests {
  /// A discharge list: the vessel in the header's main carriage (`TDT+20`), each box's onward
  /// truck in its own group (`TDT+30`). The discharge is from the vessel; the truck never
  /// replaces it, whatever the order of the groups.
  @Test func aDischargeIsFromTheMainCarriageNotTheOnwardTruck() throws {
    let header = ["BGM+44+D1+9", "TDT+20+V123E+1++COSCO:172:20+++9811000:146:11:COSCO PRIDE", "LOC+11+CNQZH:139:6"]
    let box = ["EQD+CN+CSQU3054383+42G1:102:5++3+5", "DTM+203:202403040900:203", "TDT+30++3+31++++GUI A7788"]
    let (rows, unmapped) = try edifactRows(interchange(header + box, type: "COARRI:D:95B:UN"), zones: ["CNQZH": "Asia/Shanghai"])
    let r = try #require(try rows.first?.result.get())
    #expect(r.code == .DISC && r.mode == .VESSEL && r.vehicle == "V123E", "\(r)")
    #expect(unmapped.isEmpty, "\(unmapped)")
    // Mode 9 (not applicable) is no mode, and the vessel is kept; it is not a mapping gap.
    let notApplicable = ["BGM+44+D1+9", "TDT+20+V123E+9", "LOC+11+CNQZH:139:6"] + box
    let (rows9, unmapped9) = try edifactRows(interchange(notApplicable, type: "COARRI:D:95B:UN"), zones: ["CNQZH": "Asia/Shanghai"])
    let r9 = try #require(try rows9.first?.result.get())
    #expect(r9.mode == nil && r9.vehicle == "V123E", "\(r9)")
    #expect(unmapped9.isEmpty, "\(unmapped9)")
    // A pre-carriage stage (10) alone gives a loading no conveyance rather than the wrong one.
    let loading = ["BGM+46+L1+9", "LOC+9+CNQZH:139:6", "EQD+CN+CSQU3054383+42G1:102:5++2+5", "DTM+203:202403040900:203", "TDT+10++2+++++X8001"]
    let l = try #require(try edifactRows(interchange(loading, type: "COARRI:D:95B:UN"), zones: ["CNQZH": "Asia/Shanghai"]).rows.first?.result.get())
    #expect(l.code == .LOAD && l.mode == nil && l.vehicle == nil, "\(l)")
    // A gate move takes the truck nearest the box, whatever its stage.
    let gate = [
      "BGM+34+G1+9", "TDT+20+V123E+1", "LOC+165+CNQZH:139:6", "EQD+CN+CSQU3054383+42G1:102:5++2+5", "DTM+7:202403040900:203",
      "TDT+1++3+++++GUI B1",
    ]
    let g = try #require(try edifactRows(interchange(gate), zones: ["CNQZH": "Asia/Shanghai"]).rows.first?.result.get())
    #expect(g.code == .GTIN && g.mode == .TRUCK && g.vehicle == "GUI B1", "\(g)")
  }

  static func status(_ dates: [String], leg: [String]) -> String {
    interchange(
      ["BGM+23+S1+9", "CNI+1", "STS+1+24"] + dates + ["LOC+175+CNQZH:139:6"] + leg + ["EQD+CN+CSQU3054383"],
      type: "IFTSTA:D:00B:UN")
  }

  /// A status's own change time (334) is the event's time; a leg's arrival elsewhere (178) is
  /// not, even where the leg comes first; a status with only another place's leg date is a row
  /// error with its position.
  @Test func aStatusTakesItsOwnTimeNotItsLegs() throws {
    let zones = ["CNQZH": "Asia/Shanghai", "SGSIN": "Asia/Singapore"]
    let leg = ["TDT+20+V123E+1", "LOC+11+SGSIN:139:6", "DTM+178:202403080600:203"]
    let own = try #require(try edifactRows(Self.status(["DTM+334:202403060900:203"], leg: leg), zones: zones).rows.first?.result.get())
    #expect(own.code == .DEPA && own.location.text == "CNQZH" && own.time.description == "2024-03-06T09:00:00+08:00", "\(own)")
    // The same with the status's own time after the leg's in the file: still the status's.
    let ownFirst = ["DTM+7:202403060930:203"]
    let effective = try #require(try edifactRows(Self.status(ownFirst, leg: leg), zones: zones).rows.first?.result.get())
    #expect(effective.time.description == "2024-03-06T09:30:00+08:00", "\(effective)")
    // Only a leg date, of Singapore, for a departure from Qinzhou: refused, with the position.
    let onlyLeg = try #require(try edifactRows(Self.status([], leg: leg), zones: zones).rows.first)
    guard case .failure(let error) = onlyLeg.result else {
      Issue.record("a leg date of another place was read as the status's time: \(onlyLeg.result)")
      return
    }
    #expect(error.message.contains("DTM+178") && error.message.contains("SGSIN") && error.rule == .edifactMapping, "\(error)")
    #expect(error.position != nil)
    // A status change time (334) written after the leg is still the status's own.
    let late = try #require(
      try edifactRows(Self.status([], leg: leg + ["DTM+334:202403061000:203"]), zones: zones).rows.first?.result.get())
    #expect(late.time.description == "2024-03-06T10:00:00+08:00", "\(late)")
    // A leg at the status's own place may give the time.
    let here = ["TDT+20+V123E+1", "LOC+9+CNQZH:139:6", "DTM+186:202403060800:203"]
    let local = try #require(try edifactRows(Self.status([], leg: here), zones: zones).rows.first?.result.get())
    #expect(local.time.description == "2024-03-06T08:00:00+08:00", "\(local)")
  }
}
