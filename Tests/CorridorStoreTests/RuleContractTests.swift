import CorridorInterchange
import CorridorPresentation
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// The contracts around the rules: the documented rule table (docs/shipments-and-events.md) names exactly the rules the engine
/// has; the schema's code lists are the enums' cases; the `shipment_status` view and the one
/// Swift definition of a shipment's status agree on every status.
@Suite struct RuleContractTests {
  /// The page that documents the rules (docs/shipments-and-events.md, linked from the README).
  static let readme: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return (try? String(contentsOf: root.appendingPathComponent("docs/shipments-and-events.md"), encoding: .utf8)) ?? ""
  }()

  @Test func theReadmeRuleTableIsTheEnginesRules() throws {
    let section = try #require(Self.readme.components(separatedBy: "### Validation of actual events").dropFirst().first)
    let table = section.split(separator: "\n").drop { !$0.hasPrefix("| rule") }.prefix { $0.hasPrefix("|") }.dropFirst(2)
    var named: [String] = []
    for row in table {
      let first = row.split(separator: "|").first ?? ""
      named += first.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
    #expect(Set(named) == Set(RuleID.eventRules.map(\.name)), "README names \(named)")
    #expect(named.count == RuleID.eventRules.count, "a rule named twice")
  }

  /// Rule ids are declared by their features (`extension RuleID` beside the feature's code), so no
  /// list catches two features naming the same rule: the sources are read instead.
  @Test func everyRuleNameIsDeclaredOnceAndKebabCase() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let sources = root.appendingPathComponent("Sources")
    var declared: [String: [String]] = [:]
    let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
    let pattern = /static let (\w+) = RuleID\("([^"]*)"\)/
    for file in files where file.pathExtension == "swift" {
      for match in try String(contentsOf: file, encoding: .utf8).matches(of: pattern) {
        declared[String(match.output.2), default: []].append("\(file.lastPathComponent) \(match.output.1)")
      }
    }
    #expect(declared.count > 60, "\(declared.count) rules found: the pattern no longer matches the declarations")
    for (name, places) in declared {
      #expect(places.count == 1, "\(name) is declared \(places.count) times: \(places)")
      #expect(name.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/) != nil, "\(name) is not kebab-case")
    }
    for rule in RuleID.stored { #expect(declared[rule.name] != nil, "\(rule.name)") }
  }

  /// Each `IN (…)` / `instr(…)` code list in the schema equals the Swift enum's cases.
  @Test(.sqliteOnly) func everyCheckListIsTheEnumsCases() throws {
    let db = try freshDatabase()
    func sql(_ table: String) throws -> String {
      try #require(try db.connection.scalarText("SELECT sql FROM sqlite_schema WHERE name = ?", [.text(table)]))
    }
    func quoted(in text: String, after marker: String) throws -> Set<String> {
      let start = try #require(text.range(of: marker))
      let rest = text[start.upperBound...]
      let list = rest[..<(rest.firstIndex(of: ")") ?? rest.endIndex)]
      let pieces = list.split(separator: "'", omittingEmptySubsequences: false)
      return Set(pieces.enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
    }
    func words(in text: String, after marker: String) throws -> Set<String> {
      let start = try #require(text.range(of: marker))
      let rest = text[start.upperBound...]
      return Set(rest[..<(rest.firstIndex(of: "'") ?? rest.endIndex)].split(separator: " ").map(String.init))
    }
    let events = try sql("events")
    #expect(try words(in: events, after: "instr(' ") == Set(EventCode.allCases.map(\.rawValue)))
    #expect(try quoted(in: events, after: "CHECK (classifier") == Set(EventClassifier.allCases.map(\.rawValue)))
    #expect(try quoted(in: events, after: "CHECK (mode IS NULL") == Set(TransportModeCode.allCases.map(\.rawValue)))
    #expect(try quoted(in: events, after: "CHECK (empty_laden IS NULL") == Set(["EMPTY", "LADEN"]))
    #expect(try quoted(in: try sql("legs"), after: "mode IN (") == Set(TransportMode.allCases.map(\.rawValue)))
    #expect(try quoted(in: try sql("locations"), after: "kind IN (") == Set(LocationKind.allCases.map(\.rawValue)))
    #expect(try quoted(in: try sql("shipments"), after: "commodity IN (") == Set(Commodity.allCases.map(\.rawValue)))
    let tariffs = try sql("tariffs")
    #expect(try quoted(in: tariffs, after: "component IN (") == Set(CostComponent.allCases.map(\.rawValue)))
    #expect(try quoted(in: tariffs, after: "equipment IN (") == Set(Equipment.allCases.map(\.rawValue)))
    #expect(try quoted(in: tariffs, after: "basis IN (") == Set(TariffBasis.allCases.map(\.rawValue)))
    #expect(try quoted(in: try sql("policies"), after: "kind IN (") == Set(PolicyKind.allCases.map(\.rawValue)))
  }

  // MARK: - "Delivered" and the shipment_status view

  struct Scenario: CustomStringConvertible {
    let name: String
    let expected: ShipmentStatus
    /// code, hours after the start, place, retract it
    let events: [(EventCode, Int, String, Bool)]
    var secondBox: [(EventCode, Int, String, Bool)]? = nil
    var cancel = false
    /// Customs seizes the first box (a declaration selected, detained, seized) after the events.
    var seize = false
    var description: String { name }
  }

  static let toDuisburg: [(EventCode, Int, String, Bool)] = [
    (.GTIN, 0, "CNCQI", false), (.LOAD, 1, "CNCQI", false), (.ARRI, 300, "DEDUI", false), (.DISC, 301, "DEDUI", false),
  ]

  static let scenarios: [Scenario] = [
    Scenario(name: "booked", expected: .booked, events: []),
    Scenario(name: "a forecast only", expected: .booked, events: [(.ARRI, 300, "DEDUI", false)]),
    Scenario(name: "in transit", expected: .inTransit, events: [(.GTIN, 0, "CNCQI", false), (.LOAD, 1, "CNCQI", false)]),
    Scenario(name: "held", expected: .customsHold, events: [(.GTIN, 0, "CNCQI", false), (.CUSI, 1, "CNCQI", false)]),
    Scenario(
      name: "released", expected: .inTransit,
      events: [(.GTIN, 0, "CNCQI", false), (.CUSI, 1, "CNCQI", false), (.CUSR, 2, "CNCQI", false)]),
    Scenario(name: "hold retracted", expected: .inTransit, events: [(.GTIN, 0, "CNCQI", false), (.CUSS, 1, "CNCQI", true)]),
    Scenario(name: "delivered by gate-out", expected: .delivered, events: toDuisburg + [(.GTOT, 302, "DEDUI", false)]),
    Scenario(name: "delivered by stripping", expected: .delivered, events: toDuisburg + [(.STRP, 302, "DEDUI", false)]),
    Scenario(name: "gate-out retracted", expected: .inTransit, events: toDuisburg + [(.GTOT, 302, "DEDUI", true)]),
    Scenario(name: "gate-out elsewhere", expected: .inTransit, events: [(.GTIN, 0, "CNCQI", false), (.GTOT, 1, "CNCQI", false)]),
    Scenario(
      name: "one of two boxes delivered", expected: .inTransit, events: toDuisburg + [(.GTOT, 302, "DEDUI", false)],
      secondBox: [(.GTIN, 0, "CNCQI", false)]),
    Scenario(
      name: "both boxes delivered", expected: .delivered, events: toDuisburg + [(.GTOT, 302, "DEDUI", false)],
      secondBox: toDuisburg + [(.STRP, 303, "DEDUI", false)]),
    Scenario(name: "cancelled", expected: .cancelled, events: [(.GTIN, 0, "CNCQI", false)], cancel: true),
    Scenario(name: "a box seized", expected: .heldByCustoms, events: [(.GTIN, 0, "CNCQI", false)], seize: true),
    Scenario(name: "seized, then cancelled", expected: .cancelled, events: [(.GTIN, 0, "CNCQI", false)], cancel: true, seize: true),
  ]

  @Test func everyStatusIsCovered() {
    #expect(Set(Self.scenarios.map(\.expected)) == Set(ShipmentStatus.allCases))
  }

  @Test(arguments: scenarios) func theViewAgreesWithTheSwiftDefinition(_ scenario: Scenario) throws {
    let now = EventTime(milliseconds: Day(year: 2025, month: 6, day: 1).startMilliseconds, offsetMinutes: 0)
    let db = try shippedLedger(at: now, operator: "t")
    try db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: "S1", route: "CQ-AKL-DUI", shipper: "a", consignee: "b", commodity: .laptops, hsCode: nil,
        value: try Money(parsing: "1.00", currency: .usd), bookedOn: try Day(parsing: "2025-01-02")),
      operator: "t")
    let start = Day(year: 2025, month: 3, day: 1).startMilliseconds
    let boxes = [("CSQU3054383", scenario.events), ("MSCU1234566", scenario.secondBox)].compactMap { number, events in
      events.map { (try? ContainerNumber(parsing: number), $0) }
    }
    for (box, _) in boxes {
      let box = try #require(box)
      try db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), operator: "t")
      try db.shipmentStore.assign(box, to: "S1", operator: "t")
    }
    for (box, events) in boxes {
      let box = try #require(box)
      for (code, hours, place, retract) in events {
        let report = EventReport(
          container: box, code: code, time: EventTime(milliseconds: start + Int64(hours) * 3_600_000, offsetMinutes: 0),
          location: try LocationCode(parsing: place), classifier: code == .ARRI && events.count == 1 ? .EST : .ACT)
        guard case .recorded(let id, _, _) = try db.eventStore.record(report, allowGap: true, operator: "t") else {
          Issue.record("not recorded: \(code)")
          continue
        }
        if retract { try db.eventStore.retract(eventID: id, reason: "test", operator: "t") }
      }
    }
    if scenario.seize {
      let number = "500020250000000001"
      try db.customsStore.declare(
        DeclarationRequest(
          number: number, foreign: false, shipment: "S1", procedure: .export, office: "CNCQI", containers: nil, mode: .oneStep, value: nil,
          at: EventTime(milliseconds: start + 3_600_000, offsetMinutes: 0)), operator: "t")
      for (hour, status) in [(2, DeclarationStatus.accepted), (3, .selected), (4, .detained), (5, .seized)] {
        try db.customsStore.record(
          number,
          DeclarationChange(
            status: status, at: EventTime(milliseconds: start + Int64(hour) * 3_600_000, offsetMinutes: 0),
            containers: status == .seized || status == .detained ? [try #require(boxes.first?.0)] : nil, check: status == .selected ? .physical : nil,
            recordedAt: "t", operatorName: "t"), operator: "t")
      }
    }
    if scenario.cancel { try db.shipmentStore.cancelShipment("S1", reason: "test", operator: "t") }

    let view = try #require(try db.connection.scalarText("SELECT status FROM shipment_status WHERE ref = 'S1'"))
    let shipment = try #require(try db.shipmentStore.shipment("S1"))
    let containers = Set(shipment.containers.map(\.container))
    let live = try containers.flatMap { try db.eventStore.events(container: $0) }.filter { !$0.retracted }
    let derived = ShipmentStatus.derived(
      cancelled: shipment.cancellationReason != nil,
      seized: try db.customsStore.declarations(shipment: "S1").contains { $0.boxes.contains { $0.status == .seized } }, containers: containers,
      events: live.filter { $0.report.shipment == "S1" },
      containerEvents: live, finalNode: try db.networkStore.route("CQ-AKL-DUI")?.nodes.last)
    #expect(view == derived.rawValue, "\(scenario)")
    #expect(derived == scenario.expected, "\(scenario)")
  }
}

extension ShipmentStatus {
  /// The test's own reading of the documented status rules (docs/shipments-and-events.md), kept
  /// apart from the view it checks. A shipment's status from its facts, in the rules' order: cancelled;
  /// held-by-customs when customs seized one of its boxes; delivered; customs-hold while a CUSS/CUSI of one of its events has no later CUSR of the
  /// same container at the same place; in-transit once any actual event exists; else booked.
  /// `events` are the shipment's live (unretracted) events; `containerEvents` every live event
  /// of its containers (a release may be recorded on no shipment).
  static func derived(
    cancelled: Bool, seized: Bool, containers: Set<ContainerNumber>, events: [MovementEvent], containerEvents: [MovementEvent],
    finalNode: LocationCode?
  ) -> ShipmentStatus {
    if cancelled { return .cancelled }
    if seized { return .heldByCustoms }
    let actual = events.filter { $0.report.classifier == .ACT }
    let delivered = Set(
      actual.filter { Delivery.delivers($0.code, classifier: $0.report.classifier, at: $0.location, finalNode: finalNode) }.map(\.container))
    if !containers.isEmpty, containers.isSubset(of: delivered) { return .delivered }
    let held = actual.contains { hold in
      (hold.code == .CUSS || hold.code == .CUSI) && containers.contains(hold.container)
        && !containerEvents.contains { release in
          release.code == .CUSR && release.report.classifier == .ACT && release.container == hold.container
            && release.location == hold.location && release.time.milliseconds >= hold.time.milliseconds
        }
    }
    if held { return .customsHold }
    return actual.contains { containers.contains($0.container) } ? .inTransit : .booked
  }
}
