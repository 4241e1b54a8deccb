import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// `import customs`: CUSRES messages written from the directory's segment layout (UNH, BGM, DTM,
/// LOC, GIS, EQD, then RFF, ERP/ERC/FTX), one for every GIS processing indicator Corridor reads,
/// and the CSV; positions in every error, resending a no-op, a refused interchange writing
/// nothing, `--create` for declarations lodged outside Corridor.
@Suite struct CustomsResponseTests {
  /// One CUSRES message: BGM response type, DTM (Chongqing time, no zone: the place's), LOC,
  /// GIS codes, EQD boxes, RFF+AAE, and rejection reasons.
  static func message(
    _ reference: Int, number: String, type: String = "AP", at: String = "202403011000", gis: [String] = [], boxes: [String] = [],
    place: String = "CNCQI", reasons: [(String, String)] = [], release: String = "96A"
  ) -> [String] {
    var segments = ["BGM+962+RSP\(reference)+9+\(type)", "DTM+137:\(at):203", "LOC+22+\(place)"]
    segments += gis.map { "GIS+\($0)" } + boxes.map { "EQD+CN+\($0)" } + ["RFF+AAE:\(number)"]
    for (code, text) in reasons { segments += ["ERP+1", "ERC+\(code)", "FTX+AAO+++\(text)"] }
    return ["UNH+\(reference)+CUSRES:D:\(release):UN"] + segments + ["UNT+\(segments.count + 2)+\(reference)"]
  }

  static func interchange(_ reference: String, _ messages: [[String]]) -> String {
    "UNA:+.? '"
      + (["UNB+UNOC:3+CNCQCUSTOMS+CORRIDOR+240301:1000+\(reference)"] + messages.flatMap { $0 } + ["UNZ+\(messages.count)+\(reference)"])
      .joined(separator: "'\n") + "'\n"
  }

  static func declare(_ db: CorridorDatabase, _ sequence: Int, procedure: CustomsProcedure = .export, office: String = "CNCQI") throws -> String {
    let number = String(format: "50002024000000%04d", sequence)
    try db.customsStore.declare(
      DeclarationRequest(
        number: number, foreign: false, shipment: "S1", procedure: procedure, office: office, containers: nil, mode: .oneStep, value: nil,
        at: try EventTime(parsing: "2024-03-01T08:00:00+08:00")), operator: "t")
    return number
  }

  func load(_ db: CorridorDatabase, _ text: String, name: String = "cusres.edi", create: Bool = false) throws -> CustomsImportSummary {
    try db.customsStore.importResponses(path: try writeFile(text, name: name), name: name, create: create, operator: "customs")
  }

  @Test func everyProcessingIndicatorMapsToAStatus() throws {
    let db = try CustomsTests.ledger()
    let n = try (1...7).map { try Self.declare(db, $0) }
    let (box1, box2) = ("CSQU3054383", "MSKU9070323")
    let text = Self.interchange(
      "IC1",
      [
        Self.message(1, number: n[0], gis: ["9"]),  // accepted, awaiting arrival of the goods
        Self.message(2, number: n[0], at: "202403011100", gis: ["6"]),  // documents to be produced: a document check
        Self.message(3, number: n[0], at: "202403011200", gis: ["7"], boxes: [box2]),  // detained, one box
        Self.message(4, number: n[0], at: "202403011300", gis: ["4"], boxes: [box1]),  // released, the other
        Self.message(5, number: n[1], gis: ["1"], boxes: [box1, box2]),  // every box listed: the whole declaration
        Self.message(6, number: n[1], at: "202403011100", gis: ["5"]),  // required for examination: physical
        Self.message(7, number: n[2], gis: ["2"], reasons: [("12", "HS code missing")]),
        Self.message(8, number: n[3], type: "RE", reasons: [("15", "value not declared")]),
        Self.message(9, number: n[4], gis: ["3"]),
        Self.message(10, number: n[5], type: "CA"),  // conditionally accepted
        Self.message(11, number: n[5], at: "202403011500", gis: ["8"]),  // may move under customs transfer
        Self.message(12, number: n[6], type: "AB"),  // an acknowledgement only
        Self.message(13, number: n[6], gis: ["17"]),  // received
      ])
    let before = try db.auditTrail.verifyAudit().entries
    let summary = try load(db, text)
    #expect(summary == CustomsImportSummary(responses: 13, applied: 11, duplicates: 0, acknowledgements: 2, created: 0))
    func declaration(_ i: Int) throws -> Declaration { try #require(try db.customsStore.declaration(n[i])) }
    let first = try declaration(0)
    #expect(first.history.map(\.status) == [.declared, .accepted, .selected, .detained, .released])
    #expect(first.history[2].check == .document && first.boxes.map(\.status) == [.released, .detained])
    #expect(first.history[1].at.description == "2024-03-01T10:00:00+08:00" && first.history[4].containers?.map(\.text) == [box1])
    #expect(try declaration(1).history.last?.check == .physical && declaration(1).status == .selected)
    #expect(try declaration(2).status == .rejected && declaration(2).history.last?.note == "error 12; HS code missing")
    #expect(try declaration(3).status == .rejected && declaration(3).history.last?.note == "error 15; value not declared")
    #expect(try declaration(4).status == .rejected)
    #expect(try declaration(5).history.map(\.status) == [.declared, .accepted, .released])
    #expect(try declaration(5).history[1].note == "conditionally accepted")
    #expect(try declaration(6).history.map(\.status) == [.declared])
    // The statuses meant events through the engine: CUSI when selected (two declarations at
    // 11:00), CUSR for the released box (13:00).
    let events = try db.eventStore.events(container: try ContainerNumber(parsing: box1), shipment: "S1").map(\.code)
    #expect(events == [.CUSI, .CUSI, .CUSR])
    let applied = try db.auditTrail.verifyAudit()
    #expect(applied.intact && applied.entries > before)

    // Resending the interchange is a no-op.
    let again = try load(db, text)
    #expect(again.applied == 0 && again.duplicates == 11 && again.acknowledgements == 2)
    #expect(try db.auditTrail.verifyAudit().entries == applied.entries)
  }

  @Test func aRefusedInterchangeWritesNothingAndSaysWhere() throws {
    let db = try CustomsTests.ledger()
    let number = try Self.declare(db, 1)
    let before = try db.auditTrail.verifyAudit().entries
    func refusal(_ text: String, name: String = "cusres.edi", create: Bool = false) -> CorridorError? {
      #expect(throws: CorridorError.self) { try load(db, text, name: name, create: create) }
    }
    // The second message's detention may not follow acceptance: the first message's acceptance
    // is not written either.
    let order = refusal(Self.interchange("IC2", [Self.message(1, number: number, gis: ["1"]), Self.message(2, number: number, gis: ["7"])]))
    #expect(order?.text.hasPrefix("cusres.edi: interchange IC2, message 2, segment 5, byte ") == true, "\(order?.text ?? "")")
    #expect(order?.message.contains("detained may not follow accepted") == true && order?.rule == .declarationStatus)
    let code = refusal(Self.interchange("IC3", [Self.message(7, number: number, gis: ["12"])]))
    #expect(code?.text.contains("message 7, segment 5") == true && code?.message.contains("GIS processing indicator (7365) \"12\"") == true)
    let type = refusal(Self.interchange("IC4", [Self.message(1, number: number, type: "XX")]))
    #expect(type?.message.contains("BGM response type (4343) \"XX\"") == true && type?.text.contains("segment 2") == true)
    let directory = refusal(Self.interchange("IC5", [Self.message(1, number: number, gis: ["1"], release: "95B")]))
    #expect(directory?.message == "CUSRES directory D.95B is not read; expected D.96A to D.01B (UNH 0052, 0054)")
    let unknown = refusal(Self.interchange("IC6", [Self.message(1, number: "500020240000009999", gis: ["1"])]))
    #expect(unknown?.message == "no declaration 500020240000009999" && unknown?.text.contains("message 1, segment 5") == true)
    let box = refusal(Self.interchange("IC7", [Self.message(1, number: number, gis: ["4"], boxes: ["CSQU3054384"])]))
    #expect(box?.text.contains("segment 6") == true && box?.message.hasPrefix("EQD+CN:") == true)
    let envelope = refusal(
      Self.interchange("IC8", [Self.message(1, number: number, gis: ["1"])]).replacingOccurrences(of: "UNT+7+1", with: "UNT+6+1"))
    #expect(envelope?.message.contains("UNT counts 6 segments") == true)
    // The CSV: file:line:column.
    let csv = refusal("number,status,at\n\(number),accepted,2024-03-01T10:00:00+08:00\n\(number),cleared,2024-03-01T11:00:00+08:00\n", name: "r.csv")
    #expect(csv?.text.hasPrefix("r.csv:3:20: status \"cleared\": expected one of summary, declared") == true, "\(csv?.text ?? "")")
    #expect(try db.customsStore.declaration(number)?.history.count == 1)
    #expect(try db.auditTrail.verifyAudit().entries == before)
  }

  @Test func declarationsLodgedOutsideCorridorWithCreateAndTheCSV() throws {
    let db = try CustomsTests.ledger()
    // A transit declaration at Alashankou under Kazakhstan's number, first heard of at release.
    let text = Self.interchange(
      "IC9", [Self.message(1, number: "KZ-TR-2024-0042", at: "202403051000", gis: ["4"], boxes: ["CSQU3054383", "MSKU9070323"], place: "CNAKL")])
    #expect(throws: CorridorError.self) { try load(db, text) }
    let summary = try load(db, text, create: true)
    #expect(summary.created == 1 && summary.applied == 1)
    let created = try #require(try db.customsStore.declaration("KZ-TR-2024-0042"))
    #expect(created.number.isForeign && created.procedure == .transit && created.office.text == "CNAKL" && created.shipment == "S1")
    #expect(created.history.map(\.status) == [.declared, .accepted, .released])
    #expect(created.history[1].note == "implied by the response (lodged outside Corridor)")
    #expect(try load(db, text, create: true).duplicates == 1)
    // The CSV, with a declaration it creates (export at Chongqing by the number's flag) and a
    // status for it.
    let csv = """
      number,status,at,containers,check,outcome,note,office,shipment,procedure,foreign
      500020240000000077,declared,2024-03-02T08:00:00+08:00,,,,,CNCQI,S1,,
      500020240000000077,accepted,2024-03-02T09:00:00+08:00,,,,,,,,
      500020240000000077,selected,2024-03-02T10:00:00+08:00,,scan,,,,,,
      500020240000000077,inspected,2024-03-02T11:00:00+08:00,,,clear,x-ray clear,,,,
      500020240000000077,released,2024-03-02T12:00:00+08:00,CSQU3054383,,,,,,,

      """
    let rows = try db.customsStore.importResponses(path: try writeFile(csv, name: "c.csv"), create: true, operator: "customs")
    #expect(rows == CustomsImportSummary(responses: 5, applied: 5, duplicates: 0, acknowledgements: 0, created: 1))
    let export = try #require(try db.customsStore.declaration("500020240000000077"))
    #expect(export.procedure == .export && export.status == .inspected && export.boxes.map(\.status) == [.released, .inspected])
    #expect(export.history[3].outcome == .clear && export.history[3].note == "x-ray clear")
    #expect(try db.auditTrail.verifyAudit().intact)
  }
}
