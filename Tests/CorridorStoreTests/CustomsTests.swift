import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// Customs declarations (issue 29, the first part): the number checked at the edge, the one
/// definition of the statuses, partial release and detention per box, two-step declarations, and
/// the store refusing with nothing written and auditing every change.
@Suite struct CustomsTests {
  static let day = Day(year: 2024, month: 3, day: 1)

  @Test func chinasDeclarationNumberIsChecked() throws {
    let export = try DeclarationNumber(parsing: "500020240000001234", foreign: false, procedure: .export, declaredOn: Self.day)
    #expect(export.text == "500020240000001234" && !export.isForeign)
    #expect((try? DeclarationNumber(parsing: "500020241000001234", foreign: false, procedure: .import, declaredOn: Self.day)) != nil)
    // Transit takes either flag.
    for flag in ["0", "1"] {
      #expect((try? DeclarationNumber(parsing: "50002024\(flag)000001234", foreign: false, procedure: .transit, declaredOn: Self.day)) != nil)
    }
    let refusals: [(String, CustomsProcedure, String)] = [
      ("50002024000000123", .export, "has 17 characters"), ("5000202400000012345", .export, "has 19 characters"),
      ("50002024000000123A", .export, "not a digit"), ("５00020240000001234", .export, "characters"),
      ("500019990000001234", .export, "year 1999"), ("500021000000001234", .export, "year 2100"),
      ("500020250000001234", .export, "after the declaration's date 2024-03-01"), ("500020242000001234", .export, "flag (digit 9) is 2"),
      ("500020241000001234", .export, "an import number"), ("500020240000001234", .import, "an export number"),
    ]
    for (text, procedure, reason) in refusals {
      #expect(throws: CorridorError.self, "\(text)") {
        try DeclarationNumber(parsing: text, foreign: false, procedure: procedure, declaredOn: Self.day)
      }
      do {
        _ = try DeclarationNumber(parsing: text, foreign: false, procedure: procedure, declaredOn: Self.day)
      } catch {
        #expect(error.message.contains(reason) && error.rule == .declarationNumber, "\(text): \(error.message)")
      }
    }
    // Another country's: free text of 1 to 35 printable characters.
    #expect(try DeclarationNumber(parsing: "KZ/DOS/2024/00042", foreign: true, procedure: .transit, declaredOn: Self.day).isForeign)
    for bad in ["", String(repeating: "9", count: 36), "A\u{7}B", "   "] {
      #expect(throws: CorridorError.self, "\(bad.debugDescription)") {
        try DeclarationNumber(parsing: bad, foreign: true, procedure: .transit, declaredOn: Self.day)
      }
    }
  }

  static func time(_ hour: Int) throws -> EventTime { try EventTime(parsing: String(format: "2024-03-01T%02d:00:00+08:00", hour)) }

  static func declaration(_ mode: DeclarationMode = .oneStep, boxes: [String] = ["CSQU3054383", "MSKU9070323"]) throws -> Declaration {
    let first = Declaration.firstStatus(mode)
    return Declaration(
      number: DeclarationNumber(stored: "500020240000001234", foreign: false), shipment: "S1", procedure: .export,
      office: LocationCode(trusted: "CNCQI"), mode: mode, value: nil, declaredAt: try time(8), status: first,
      boxes: try boxes.map { (try ContainerNumber(parsing: $0), first) }, completedAt: nil,
      history: [DeclarationChange(status: first, at: try time(8), recordedAt: "t", operatorName: "t")])
  }

  static func change(
    _ status: DeclarationStatus, _ hour: Int, boxes: [String]? = nil, check: CustomsCheck? = nil, outcome: InspectionOutcome? = nil
  ) throws -> DeclarationChange {
    DeclarationChange(
      status: status, at: try time(hour), containers: try boxes.map { try $0.map { try ContainerNumber(parsing: $0) } }, check: check,
      outcome: outcome, recordedAt: "t", operatorName: "t")
  }

  @Test func theStatusesFollowOneDefinition() throws {
    var d = try Self.declaration()
    for (status, hour, check, outcome) in [
      (DeclarationStatus.accepted, 9, CustomsCheck?.none, InspectionOutcome?.none), (.selected, 10, .physical, nil),
      (.inspected, 11, nil, .clear), (.released, 12, nil, nil), (.closed, 13, nil, nil),
    ] {
      d = try d.applying(try Self.change(status, hour, check: check, outcome: outcome))
      #expect(d.status == status && d.boxes.allSatisfy { $0.status == status })
    }
    #expect(d.history.map(\.status) == [.declared, .accepted, .selected, .inspected, .released, .closed] && !d.isOpen)
    // Every refusal says why, and the rule.
    let start = try Self.declaration()
    let accepted = try start.applying(try Self.change(.accepted, 9))
    for (from, change, reason) in [
      (start, try Self.change(.released, 9), "released may not follow declared (after declared: accepted, rejected)"),
      (accepted, try Self.change(.selected, 10), "selected needs --check"),
      (accepted, try Self.change(.released, 10, check: .scan), "--check scan goes with selected only"),
      (accepted, try Self.change(.released, 10, outcome: .clear), "--outcome clear goes with inspected only"),
      (accepted, try Self.change(.released, 7), "is before its last status"),
      (accepted, try Self.change(.accepted, 10, boxes: ["CSQU3054383"]), "is for the whole declaration"),
      (accepted, try Self.change(.released, 10, boxes: ["TGHU1234567"]), "TGHU1234567 is not on it"),
      (try start.applying(try Self.change(.rejected, 9)), try Self.change(.accepted, 10), "may not follow rejected (after rejected: nothing)"),
    ] {
      do {
        _ = try from.applying(change)
        Issue.record("\(change.status) after \(from.status) was allowed")
      } catch {
        #expect(error.message.contains(reason) && error.rule == .declarationStatus, "\(error.message)")
      }
    }
  }

  /// Release and detention per box: the declaration follows its boxes.
  @Test func releaseAndDetentionPerBox() throws {
    var d = try Self.declaration(boxes: ["CSQU3054383", "MSKU9070323", "TGHU1234567"])
    d = try d.applying(try Self.change(.accepted, 9)).applying(try Self.change(.selected, 10, check: .document))
    d = try d.applying(try Self.change(.released, 11, boxes: ["CSQU3054383"]))
    #expect(d.status == .selected && d.boxes.map(\.status) == [.released, .selected, .selected])
    d = try d.applying(try Self.change(.detained, 12, boxes: ["MSKU9070323"]))
    #expect(d.status == .detained && d.boxes.map(\.status) == [.released, .detained, .selected])
    // A released box cannot be detained again by name; the held one is seized, the last released.
    #expect(throws: CorridorError.self) { try d.applying(try Self.change(.detained, 13, boxes: ["CSQU3054383"])) }
    d = try d.applying(try Self.change(.seized, 13, boxes: ["MSKU9070323"]))
    #expect(d.status == .selected && d.boxes.map(\.status) == [.released, .seized, .selected])
    d = try d.applying(try Self.change(.released, 14, boxes: ["TGHU1234567"]))
    #expect(d.status == .released && d.boxes.map(\.status) == [.released, .seized, .released])
    d = try d.applying(try Self.change(.closed, 15))
    #expect(d.status == .closed && d.boxes.map(\.status) == [.closed, .seized, .closed])
  }

  /// Two-step: the goods may be released on the summary; the complete declaration follows and
  /// is recorded without changing the status.
  @Test func twoStepDeclarations() throws {
    var d = try Self.declaration(.twoStep)
    #expect(d.status == .summary)
    d = try d.applying(try Self.change(.released, 9))
    #expect(d.status == .released && d.completedAt == nil)
    d = try d.applying(try Self.change(.declared, 10))
    let ten = try Self.time(10)
    #expect(d.status == .released && d.completedAt == ten)
    #expect(throws: CorridorError.self) { try d.applying(try Self.change(.declared, 11)) }
    d = try d.applying(try Self.change(.closed, 12))
    #expect(d.status == .closed)
    // Or the usual way: summary, then the complete declaration, then customs' answer.
    let usual = try Self.declaration(.twoStep).applying(try Self.change(.declared, 9)).applying(try Self.change(.accepted, 10))
    let nine = try Self.time(9)
    #expect(usual.status == .accepted && usual.completedAt == nine)
  }

  /// In the ledger: a declaration for the demo's shipment, refusals that write nothing, a
  /// round trip, every change audited and the chain intact.
  @Test func theLedgerKeepsDeclarationsAndAuditsEveryChange() throws {
    let db = try Self.ledger()
    let boxes = try ["CSQU3054383", "MSKU9070323"].map { try ContainerNumber(parsing: $0) }
    func request(_ number: String, containers: [ContainerNumber]? = nil, shipment: String = "S1", office: String = "CNCQI") throws
      -> DeclarationRequest
    {
      DeclarationRequest(
        number: number, foreign: false, shipment: shipment, procedure: .export, office: office, containers: containers, mode: .oneStep,
        value: nil, at: try Self.time(8))
    }
    let before = try db.auditTrail.verifyAudit()
    for (bad, reason) in [
      (try request("500020240000000001", shipment: "NOPE"), "unknown shipment NOPE"),
      (try request("500020240000000001", office: "XXNOP"), "XXNOP"),
      (try request("500020240000000001", containers: [try ContainerNumber(parsing: "TGHU1234567")]), "TGHU1234567 is not on shipment S1"),
      (try request("50002024"), "has 8 characters"),
    ] {
      do {
        try db.customsStore.declare(bad, operator: "t")
        Issue.record("declared \(bad.number)")
      } catch let error as CorridorError {
        #expect(error.message.contains(reason), "\(error.message)")
      }
    }
    #expect(try db.customsStore.declarations().isEmpty)
    #expect(try db.auditTrail.verifyAudit().entries == before.entries)
    let declared = try db.customsStore.declare(try request("500020240000000001"), operator: "t")
    #expect(declared.boxes.map(\.container) == boxes)
    #expect(throws: CorridorError.self) { try db.customsStore.declare(try request("500020240000000001"), operator: "t") }
    try db.customsStore.record("500020240000000001", try Self.change(.accepted, 9), operator: "t")
    try db.customsStore.record("500020240000000001", try Self.change(.selected, 10, check: .scan), operator: "t")
    let partial = try db.customsStore.record("500020240000000001", try Self.change(.released, 11, boxes: ["CSQU3054383"]), operator: "t")
    // A refused change writes nothing.
    #expect(throws: CorridorError.self) { try db.customsStore.record("500020240000000001", try Self.change(.closed, 12), operator: "t") }
    let stored = try #require(try db.customsStore.declaration("500020240000000001"))
    #expect(stored == partial && stored.status == .selected && stored.boxes.map(\.status) == [.released, .selected])
    #expect(stored.history.map(\.status) == [.declared, .accepted, .selected, .released] && stored.history[2].check == .scan)
    #expect(try db.customsStore.declarations(openOnly: true).count == 1 && db.customsStore.declarations(status: .closed).isEmpty)
    #expect(try db.customsStore.declarations(office: "CNCQI").count == 1 && db.customsStore.declarations(shipment: "S2").isEmpty)
    // Four changes, and the events they meant through the engine: CUSS for both boxes when
    // selected for a scan, CUSR for the one released.
    let verified = try db.auditTrail.verifyAudit()
    #expect(verified.intact && verified.entries == before.entries + 4 + 3)
    #expect(try db.eventStore.events(container: boxes[0], shipment: "S1").map(\.code) == [.CUSS, .CUSR])
    #expect(try db.eventStore.events(container: boxes[1], shipment: "S1").map(\.code) == [.CUSS])
    // report exceptions: the open declaration once it is older than the threshold, and a
    // two-step one with no complete declaration 14 days after its summary.
    let lodged = try Self.time(8)
    func exceptions(afterHours hours: Int64) throws -> [ExceptionItem] {
      try db.reportStore.exceptions(
        staleHours: 72, now: EventTime(milliseconds: lodged.milliseconds + hours * 3_600_000, offsetMinutes: 480)
      ).filter { $0.kind.hasPrefix("declaration") }
    }
    #expect(try exceptions(afterHours: 71).isEmpty)
    let open = try exceptions(afterHours: 73)
    #expect(open.map(\.reason) == [.declarationOpen(number: "500020240000000001", status: "selected", hours: 73, threshold: 72)])
    #expect(open.first?.container == boxes[0] && open.first?.location.text == "CNCQI" && open.first?.shipment == "S1")
    #expect(Words.english.detail(of: try #require(open.first)) == "declaration 500020240000000001 selected for 73 h (threshold 72 h)")
    #expect(Words(.simplifiedChinese).detail(of: try #require(open.first)) == "报关单 500020240000000001 处于“被布控”已 73 小时（阈值 72 小时）")
    var twoStep = try request("500020240000000002")
    twoStep.mode = .twoStep
    try db.customsStore.declare(twoStep, operator: "t")
    try db.customsStore.record("500020240000000002", try Self.change(.released, 9), operator: "t")
    #expect(try exceptions(afterHours: 14 * 24 - 1).filter { $0.kind == "declaration-overdue" }.isEmpty)
    let overdue = try exceptions(afterHours: 15 * 24).filter { $0.kind == "declaration-overdue" }
    #expect(overdue.map(\.reason) == [.completeDeclarationOverdue(number: "500020240000000002", days: 15)])
    try db.customsStore.record("500020240000000002", try Self.change(.declared, 10), operator: "t")
    #expect(try exceptions(afterHours: 15 * 24).filter { $0.kind == "declaration-overdue" }.isEmpty)

    // The JSON contract.
    let json = String(decoding: try JSONEncoder().encode(DeclarationView(stored)), as: UTF8.self)
    #expect(json.contains("\"status\":\"selected\"") && json.contains("\"containers\":[\"CSQU3054383\"]"))
  }

  /// An export declaration holds its boxes at the office from the moment it is lodged until
  /// customs releases them, through every door (one event, an import), by the one customs-hold
  /// rule; a partial release frees the released box only; a rejected declaration holds nothing;
  /// a seized box stays held and its shipment is held-by-customs.
  @Test func anExportDeclarationHoldsItsBoxesUntilReleased() throws {
    let db = try Self.ledger()
    let boxes = try ["CSQU3054383", "MSKU9070323"].map { try ContainerNumber(parsing: $0) }
    func event(_ code: EventCode, _ hour: Int, _ box: ContainerNumber, minute: Int = 0) throws -> EventReport {
      EventReport(
        container: box, code: code, time: try EventTime(parsing: String(format: "2024-03-01T%02d:%02d:00+08:00", hour, minute)),
        location: try LocationCode(parsing: "CNCQI"), shipment: "S1")
    }
    func refusal(_ report: EventReport) -> CorridorError? {
      #expect(throws: CorridorError.self) { try db.eventStore.record(report, operator: "t") }
    }
    for box in boxes { try db.eventStore.record(try event(.GTIN, 7, box), operator: "t") }
    // Departing before the declaration is lodged is the shipper's business; after, it is not.
    let number = "500020240000000001"
    try db.customsStore.declare(
      DeclarationRequest(
        number: number, foreign: false, shipment: "S1", procedure: .export, office: "CNCQI", containers: nil, mode: .oneStep, value: nil,
        at: try Self.time(8)), operator: "t")
    try db.customsStore.record(number, try Self.change(.accepted, 9), operator: "t")
    let held = refusal(try event(.GTOT, 9, boxes[0], minute: 30))
    #expect(held?.rule == .customsHold)
    #expect(held?.message == "GTOT at CNCQI while export declaration \(number) (lodged 2024-03-01T08:00:00+08:00) has not released the container")
    #expect(held?.hint == "record the release first: corridor customs record \(number) released --at TIME")
    // An import is judged by the same rule: refused, and nothing written.
    var csv = "id,container,code,at,location,shipment,classifier,mode,vehicle,emptyLaden,seal,note\n"
    csv += "i1,\(boxes[1]),GTOT,2024-03-01T09:40:00+08:00,CNCQI,S1,ACT,,,,,\n"
    let path = try writeFile(csv)
    var options = EventImportOptions()
    options.operatorName = "t"
    let imported = #expect(throws: CorridorError.self) { try db.eventStore.importEvents(path: path, format: .csv, options: options) }
    #expect(imported?.rule == .customsHold && imported?.message.contains(number) == true, "\(imported?.message ?? "")")
    // Released for the first box only: it may leave, the other may not.
    try db.customsStore.record(number, try Self.change(.selected, 10, check: .document), operator: "t")
    try db.customsStore.record(number, try Self.change(.released, 11, boxes: [boxes[0].text]), operator: "t")
    try db.eventStore.record(try event(.GTOT, 11, boxes[0], minute: 30), operator: "t")
    #expect(refusal(try event(.GTOT, 11, boxes[1], minute: 30))?.rule == .customsHold)
    // Detained, then seized: held for good, and the shipment is held by customs.
    #expect(try db.shipmentStore.shipmentStatus("S1") == .customsHold)
    try db.customsStore.record(number, try Self.change(.detained, 12, boxes: [boxes[1].text]), operator: "t")
    try db.customsStore.record(number, try Self.change(.seized, 13, boxes: [boxes[1].text]), operator: "t")
    #expect(try db.shipmentStore.shipmentStatus("S1") == .heldByCustoms)
    #expect(refusal(try event(.GTOT, 14, boxes[1]))?.rule == .customsHold)
    #expect(try db.auditTrail.verifyAudit().intact)

    // A rejected declaration holds nothing from its rejection on; an import one never holds.
    var declaration = try Self.declaration()
    declaration = try declaration.applying(try Self.change(.rejected, 9))
    let hold = try #require(declaration.hold(on: boxes[0]))
    #expect(hold.holds(at: try LocationCode(parsing: "CNCQI"), time: try Self.time(8)))
    #expect(!hold.holds(at: try LocationCode(parsing: "CNCQI"), time: try Self.time(9)))
    #expect(!hold.holds(at: try LocationCode(parsing: "CNAKL"), time: try Self.time(8)))
    declaration.procedure = .import
    #expect(declaration.hold(on: boxes[0]) == nil)
  }

  /// A ledger with shipment S1 (two boxes, CQ-AKL-DUI, shipper A) and S2 (one box, shipper C).
  static func ledger() throws -> CorridorDatabase {
    let db = try shippedLedger(operator: "t")
    for (ref, shipper, boxes) in [("S1", "A", ["CSQU3054383", "MSKU9070323"]), ("S2", "C", ["TGHU1234567"])] {
      _ = try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: "CQ-AKL-DUI", shipper: shipper, consignee: "B", commodity: ref == "S1" ? .laptops : .machinery, hsCode: nil,
          value: try Money(parsing: "1000.00", currency: .usd), bookedOn: Self.day), operator: "t")
      for text in boxes {
        let box = try ContainerNumber(parsing: text)
        _ = try db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), operator: "t")
        _ = try db.shipmentStore.assign(box, to: ref, operator: "t")
      }
    }
    return db
  }

  /// `report clearance` by hand: four declarations at Chongqing released after 2, 4, 6 and 10
  /// hours (nearest rank: 25th 2 h, median 4 h, 75th 6 h), one selected for a document check and
  /// one for a physical inspection (25.0 % each) found clear, one detained then released; one
  /// at Alashankou rejected and never released; the month grouping; a party's own only.
  @Test func clearanceReportByHand() throws {
    let db = try Self.ledger()
    func at(_ day: Int, _ hour: Int) throws -> EventTime {
      try EventTime(parsing: String(format: "2024-03-%02d T%02d:00:00+08:00", day, hour).replacingOccurrences(of: " ", with: ""))
    }
    func declare(_ sequence: Int, shipment: String = "S1", office: String = "CNCQI", day: Int) throws -> String {
      let number = String(format: "50002024000000%04d", sequence)
      try db.customsStore.declare(
        DeclarationRequest(
          number: number, foreign: false, shipment: shipment, procedure: .transit, office: office, containers: nil, mode: .oneStep,
          value: nil, at: try at(day, 8)), operator: "t")
      return number
    }
    func record(_ number: String, _ status: DeclarationStatus, _ day: Int, _ hour: Int, check: CustomsCheck? = nil, outcome: InspectionOutcome? = nil)
      throws
    {
      try db.customsStore.record(
        number, DeclarationChange(status: status, at: try at(day, hour), check: check, outcome: outcome, recordedAt: "t", operatorName: "t"),
        operator: "t")
    }
    for (index, hours) in [2, 4, 6, 10].enumerated() {
      let day = index + 2
      let number = try declare(index + 1, shipment: index == 3 ? "S2" : "S1", day: day)
      try record(number, .accepted, day, 9)
      switch index {
      case 1:
        try record(number, .selected, day, 9, check: .document)
        try record(number, .detained, day, 10)
      case 2:
        try record(number, .selected, day, 9, check: .physical)
        try record(number, .inspected, day, 10, outcome: .clear)
      default: break
      }
      try record(number, .released, day, 8 + hours)
    }
    let rejected = try declare(5, office: "CNAKL", day: 20)
    try record(rejected, .rejected, 20, 9)

    let byOffice = try db.customsStore.clearanceReport(from: nil, to: nil, by: .office, party: nil)
    #expect(byOffice.map(\.group) == ["CNAKL", "CNCQI"])
    let chongqing = byOffice[1]
    #expect(chongqing.declarations == 4 && chongqing.release?.figures == [120, 120, 240, 360, 600])
    #expect(chongqing.selectedPercent(.document) == "25.0" && chongqing.selectedPercent(.physical) == "25.0")
    #expect(chongqing.selectedPercent(.scan) == "0.0" && chongqing.outcomes == [.clear: 1])
    #expect(chongqing.detained == 1 && chongqing.seized == 0 && chongqing.rejected == 0)
    #expect(byOffice[0].declarations == 1 && byOffice[0].rejected == 1 && byOffice[0].release == nil)
    let row = ClearanceGroupView(chongqing).row
    #expect(row == ["CNCQI", "4", "4", "2.0", "4.0", "6.0", "25.0", "25.0", "0.0", "1", "0", "1", "0", "0"])
    // A period, a grouping, a party.
    #expect(
      try db.customsStore.clearanceReport(from: Day(year: 2024, month: 3, day: 3), to: Day(year: 2024, month: 3, day: 4), by: .office, party: nil)
        .map(\.declarations) == [2])
    #expect(try db.customsStore.clearanceReport(from: nil, to: nil, by: .commodity, party: nil).map(\.group) == ["laptops", "machinery"])
    #expect(try db.customsStore.clearanceReport(from: nil, to: nil, by: .month, party: nil).map(\.group) == ["2024-03"])
    #expect(try db.customsStore.clearanceReport(from: nil, to: nil, by: .office, party: "C").map(\.declarations) == [1])
    let page = try db.customsStore.clearancePage(from: nil, to: nil, by: .office, party: nil, language: .simplifiedChinese)
    #expect(page.contains("海关通关") && page.contains("CNCQI 重庆团结村") && page.contains("25.0"))
  }

  /// The rail departure-port rebate on both sides of 2024-12-01 (Zhanjiang an exit port from
  /// then): a box that left Chongqing at 00:30 on 1 December in Chongqing (30 November in UTC)
  /// qualifies, by the departure port's local day; one that left on 30 November does not. The
  /// days by hand: left Chongqing 1 Dec, left Zhanjiang 4 Dec: 3 days earlier; before the ship
  /// sails, the plan's 48 h rail to Zhanjiang: 3 Dec, 2 days. No released export declaration, no
  /// rebate; a route that is not rail to a seaport, no scheme.
  @Test func theRailRebateByHand() throws {
    let db = try Self.ledger()
    _ = try db.loadReference(
      bytes: Array(
        """
        {"locations": [{"code": "CNZNG", "name": "Zhanjiang", "country": "CN", "kind": "seaport", "timeZone": "Asia/Shanghai"}],
         "routes": [{"code": "CQ-ZNG-SIN", "corridor": "ILSTC", "name": "Chongqing - Zhanjiang - Singapore", "legs": [
           {"from": "CNCQI", "to": "CNZNG", "mode": "rail", "distanceKm": 1500, "transitHours": 48, "borderCrossing": false, "gaugeChange": false},
           {"from": "CNZNG", "to": "SGSIN", "mode": "sea", "distanceKm": 2300, "transitHours": 120, "borderCrossing": true, "gaugeChange": false}]}]}
        """.utf8), file: "zhanjiang.json", operator: "t")
    for (ref, box) in [("Z1", "CSQU3054383"), ("Z2", "MSKU9070323")] {
      _ = try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: "CQ-ZNG-SIN", shipper: "A", consignee: "B", commodity: .laptops, hsCode: nil,
          value: try Money(parsing: "1000.00", currency: .usd), bookedOn: Day(year: 2024, month: 11, day: 25)), operator: "t")
      // The ledger's S1 holds these boxes too: cancel it so that the boxes may take Z1 and Z2.
      if ref == "Z1" { try db.shipmentStore.cancelShipment("S1", reason: "rebooked", operator: "t") }
      _ = try db.shipmentStore.assign(try ContainerNumber(parsing: box), to: ref, operator: "t")
    }
    func move(_ ref: String, _ box: String, _ steps: [(EventCode, String, String)]) throws {
      for (code, at, place) in steps {
        try db.eventStore.record(
          EventReport(
            container: try ContainerNumber(parsing: box), code: code, time: try EventTime(parsing: at), location: try LocationCode(parsing: place),
            shipment: ref, mode: code == .GTIN ? nil : .RAIL), operator: "t")
      }
    }
    func declareAndRelease(_ ref: String, _ sequence: Int, at: String) throws {
      let number = String(format: "50002024000000%04d", sequence)
      try db.customsStore.declare(
        DeclarationRequest(
          number: number, foreign: false, shipment: ref, procedure: .export, office: "CNCQI", containers: nil, mode: .oneStep, value: nil,
          at: try EventTime(parsing: at)), operator: "t")
      try db.customsStore.record(
        number, DeclarationChange(status: .accepted, at: try EventTime(parsing: at), recordedAt: "t", operatorName: "t"), operator: "t")
      try db.customsStore.record(
        number, DeclarationChange(status: .released, at: try EventTime(parsing: at), recordedAt: "t", operatorName: "t"), operator: "t")
    }
    try declareAndRelease("Z1", 1, at: "2024-11-30T08:00:00+08:00")
    try move(
      "Z1", "CSQU3054383",
      [(.GTIN, "2024-11-30T10:00:00+08:00", "CNCQI"), (.LOAD, "2024-11-30T20:00:00+08:00", "CNCQI"), (.DEPA, "2024-12-01T00:30:00+08:00", "CNCQI")])
    try move(
      "Z2", "MSKU9070323",
      [(.GTIN, "2024-11-29T10:00:00+08:00", "CNCQI"), (.LOAD, "2024-11-29T20:00:00+08:00", "CNCQI"), (.DEPA, "2024-11-30T22:00:00+08:00", "CNCQI")])
    // Released before the box left (the declaration held it until then).
    let planned = try db.customsStore.rebate(shipment: "Z1")
    var unreleased = planned.facts
    unreleased.exportReleased = false
    #expect(RebateAssessment.assess(unreleased, schemes: try db.customsStore.rebateSchemes()).reason == "no released export declaration at CNCQI")
    #expect(planned.claimableFrom == Day(year: 2024, month: 12, day: 1) && planned.withoutScheme == Day(year: 2024, month: 12, day: 3))
    #expect(planned.withoutSchemeBasis == .plan && planned.daysEarlier == 2 && planned.scheme?.exit == "CNZNG")
    try move(
      "Z1", "CSQU3054383",
      [(.ARRI, "2024-12-03T01:00:00+08:00", "CNZNG"), (.DEPA, "2024-12-04T18:00:00+08:00", "CNZNG")])
    let sailed = try db.customsStore.rebate(shipment: "Z1")
    #expect(sailed.withoutScheme == Day(year: 2024, month: 12, day: 4) && sailed.withoutSchemeBasis == .actual && sailed.daysEarlier == 3)
    let early = try db.customsStore.rebate(shipment: "Z2")
    #expect(!early.qualifies && early.reason == "the boxes left CNCQI on 2024-11-30, outside the scheme's dates" && early.daysEarlier == nil)
    try declareAndRelease("Z2", 2, at: "2024-11-29T08:00:00+08:00")
    #expect(try db.customsStore.rebate(shipment: "Z2").reason == "the boxes left CNCQI on 2024-11-30, outside the scheme's dates")
    // The year: one qualifying ILSTC shipment, 3 days; JSON and table from the same view.
    let year = RebateYearView(year: 2024, try db.customsStore.rebates(year: 2024))
    #expect(year.rows == [["ILSTC", "1", "3"]] && year.shipments.map(\.shipment) == ["Z1", "Z2"])
    #expect(try db.customsStore.rebates(year: 2023).isEmpty)
    #expect(try db.customsStore.rebate(shipment: "S2").reason == "route CQ-AKL-DUI is not rail to a seaport and then sea")
    #expect(try db.auditTrail.verifyAudit().intact)
  }

  /// Customs' statuses are facts: none more than 15 minutes ahead of the clock (as actual
  /// events), and a note is free text of 1 to 500 characters without control characters.
  @Test func noFutureStatusesAndNoControlCharactersInNotes() throws {
    let db = try Self.ledger()
    let future = EventTime(milliseconds: db.clock.now().milliseconds + 16 * 60_000, offsetMinutes: 480)
    let request = DeclarationRequest(
      number: "500020240000000001", foreign: false, shipment: "S1", procedure: .export, office: "CNCQI", containers: nil, mode: .oneStep,
      value: nil, at: future)
    let early = #expect(throws: CorridorError.self) { try db.customsStore.declare(request, operator: "t") }
    #expect(early?.message.contains("is more than 15 minutes in the future") == true && early?.rule == .declarationStatus)
    var now = request
    now.at = try Self.time(8)
    try db.customsStore.declare(now, operator: "t")
    for (change, reason) in [
      (DeclarationChange(status: .accepted, at: future, recordedAt: "t", operatorName: "t"), "in the future"),
      (DeclarationChange(status: .accepted, at: try Self.time(9), note: "ok\u{1B}[31m", recordedAt: "t", operatorName: "t"), "control character"),
      (
        DeclarationChange(status: .accepted, at: try Self.time(9), note: String(repeating: "x", count: 501), recordedAt: "t", operatorName: "t"),
        "1 to 500"
      ),
    ] {
      let refused = #expect(throws: CorridorError.self) { try db.customsStore.record("500020240000000001", change, operator: "t") }
      #expect(refused?.message.contains(reason) == true, "\(refused?.message ?? "")")
    }
    #expect(try db.customsStore.declaration("500020240000000001")?.history.count == 1)
  }
}
