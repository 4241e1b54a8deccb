import CorridorInterchange
import CorridorPresentation
import CorridorTestSupport
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// One table of cases, each run through three doors: `event record`, a one-row CSV import and
/// a one-line NDJSON import. Every door must give the same outcome, rule, message and hint,
/// and the outcome the case expects: the rules live in one engine, not in each door.
@Suite struct AcceptanceEquivalenceTests {
  static let now = EventTime(milliseconds: Day(year: 2025, month: 6, day: 1).startMilliseconds, offsetMinutes: 0)
  static let box = "CSQU3054383"

  /// What a door did with the event.
  enum Outcome: Equatable, CustomStringConvertible {
    case accepted(exception: String?, offRoute: Bool)
    case duplicate
    case refused(rule: String?, message: String, hint: String?)

    var description: String {
      switch self {
      case .accepted(let exception, let offRoute): "accepted(exception: \(exception ?? "-"), offRoute: \(offRoute))"
      case .duplicate: "duplicate"
      case .refused(let rule, let message, let hint): "refused[\(rule ?? "-")] \(message) (hint: \(hint ?? "-"))"
      }
    }
  }

  enum Expected {
    case accepted(exception: RuleID? = nil, offRoute: Bool = false)
    case duplicate
    case refused(RuleID)
  }

  struct Case: CustomStringConvertible {
    let name: String
    var history: [EventReport] = []
    /// Retract the last history event after recording it.
    var retractLast = false
    let event: EventReport
    var allowGap = false
    let expected: Expected

    var description: String { name }
  }

  static func at(_ hours: Int) -> EventTime {
    EventTime(milliseconds: Day(year: 2025, month: 3, day: 1).startMilliseconds + Int64(hours) * 3_600_000, offsetMinutes: 480)
  }

  static func report(
    _ code: EventCode, _ hours: Int, _ place: String, id: String? = nil, shipment: String? = nil, classifier: EventClassifier = .ACT,
    container: String = box, time: EventTime? = nil, carrierBooking: String? = nil
  ) -> EventReport {
    // The fixtures are literals checked by the cases themselves; a typo fails the case.
    EventReport(
      id: id, container: (try? ContainerNumber(parsing: container)) ?? ContainerNumber(trusted: container), code: code,
      time: time ?? at(hours), location: LocationCode(trusted: place), shipment: shipment, classifier: classifier,
      carrierBooking: carrierBooking)
  }

  static let cases: [Case] = {
    let gateIn = report(.GTIN, 0, "CNCQI")
    let load = report(.LOAD, 2, "CNCQI")
    var cases: [Case] = [
      Case(name: "accepted", event: gateIn, expected: .accepted()),
      Case(name: "alias resolved", event: report(.GTIN, 0, "CNCKG"), expected: .accepted()),
      Case(name: "gate-in while loaded", history: [gateIn, load], event: report(.GTIN, 3, "CNCQI"), expected: .refused(.gateInWhileLoaded)),
      Case(
        name: "gate-in while in another facility", history: [gateIn], event: report(.GTIN, 3, "KZDOS"), expected: .refused(.gateInWhileInFacility)),
      Case(name: "gate-out not in facility", event: report(.GTOT, 0, "CNCQI"), expected: .refused(.gateOutNotInFacility)),
      Case(name: "load when loaded", history: [gateIn, load], event: report(.LOAD, 3, "CNCQI"), expected: .refused(.loadWhenLoaded)),
      Case(name: "load elsewhere", history: [gateIn], event: report(.LOAD, 3, "KZDOS"), expected: .refused(.loadNotAtPlace)),
      Case(name: "same instant, other place", history: [gateIn], event: report(.INSP, 0, "KZDOS"), expected: .refused(.sameInstantDifferentPlaces)),
      Case(
        name: "customs hold", history: [gateIn, report(.CUSI, 1, "CNCQI")], event: report(.LOAD, 3, "CNCQI"), expected: .refused(.customsHold)),
      Case(
        name: "future event", event: report(.GTIN, 0, "CNCQI", time: EventTime(milliseconds: now.milliseconds + 3_600_000, offsetMinutes: 0)),
        expected: .refused(.futureEvent)),
      Case(name: "a forecast is not sequence-checked", event: report(.ARRI, 400, "DEDUI", classifier: .EST), expected: .accepted()),
      Case(name: "unknown location", event: report(.GTIN, 0, "CNXXX"), expected: .refused(.unknownLocation)),
      Case(name: "unknown container", event: report(.GTIN, 0, "CNCQI", container: "MSCU1234566"), expected: .refused(.unknownContainer)),
      Case(name: "unknown shipment", event: report(.GTIN, 0, "CNCQI", shipment: "NOPE"), expected: .refused(.unknownShipment)),
      Case(name: "not on the shipment", event: report(.GTIN, 0, "CNCQI", shipment: "S2"), expected: .refused(.notOnShipment)),
      Case(name: "closed shipment", event: report(.GTIN, 0, "CNCQI", shipment: "SC"), expected: .refused(.shipmentClosed)),
      // A carrier's booking reference that names a shipment puts the event on it, with that shipment's rules.
      Case(name: "carrier booking naming the box's shipment", event: report(.GTIN, 0, "CNCQI", carrierBooking: "S1"), expected: .accepted()),
      Case(
        name: "carrier booking naming another shipment", event: report(.GTIN, 0, "CNCQI", carrierBooking: "S2"),
        expected: .refused(.notOnShipment)),
      Case(name: "control character in an id", event: report(.GTIN, 0, "CNCQI", id: "E\u{1B}[2J"), expected: .refused(.eventText)),
      Case(name: "overlong id", event: report(.GTIN, 0, "CNCQI", id: String(repeating: "E", count: 101)), expected: .refused(.eventText)),
      Case(name: "duplicate", history: [gateIn], event: gateIn, expected: .duplicate),
      Case(name: "duplicate of a retracted event", history: [gateIn], retractLast: true, event: gateIn, expected: .duplicate),
      Case(
        name: "id conflict", history: [report(.GTIN, 0, "CNCQI", id: "E-1")], event: report(.GTIN, 1, "CNCQI", id: "E-1"),
        expected: .refused(.eventIdConflict)),
      Case(name: "late and fine", history: [gateIn, load], event: report(.INSP, 1, "CNCQI"), expected: .accepted()),
      Case(name: "late, breaking a later event", history: [gateIn, load], event: report(.LOAD, 1, "CNCQI"), expected: .refused(.loadWhenLoaded)),
      Case(
        name: "late, breaking a rule itself", history: [gateIn, load, report(.DEPA, 4, "CNCQI")], event: report(.GTIN, 3, "CNCQI"),
        expected: .refused(.gateInWhileLoaded)),
      Case(name: "allow-gap", event: report(.DEPA, 0, "CNCQI"), allowGap: true, expected: .accepted(exception: .depaWhenNotLoaded)),
      Case(name: "off-route", history: [gateIn], event: report(.INSP, 1, "CNKNM"), expected: .accepted(offRoute: true)),
    ]
    for (code, rule) in [
      (EventCode.DISC, RuleID.discWhenNotLoaded), (.DEPA, .depaWhenNotLoaded), (.ARRI, .arriWhenNotLoaded), (.CROS, .crosWhenNotLoaded),
    ] {
      cases.append(Case(name: "\(code) when not loaded", history: [gateIn], event: report(code, 1, "CNCQI"), expected: .refused(rule)))
    }
    return cases
  }()

  /// Every rule the engine can refuse with has a case.
  @Test func theTableCoversEveryRule() {
    let covered = Set(Self.cases.compactMap { if case .refused(let rule) = $0.expected { rule } else { nil } })
    #expect(Set(RuleID.eventRules).subtracting(covered).isEmpty, "\(Set(RuleID.eventRules).subtracting(covered))")
  }

  /// One database with the network, the box on S1 (CQ-AKL-DUI), S2 without it, and SC
  /// cancelled with the box on it; copied for every case and door.
  static let template: Result<TestLedger.Template, any Error> = Result {
    try TestLedger.template(clock: .fixed(now)) { db in
      _ = try db.loadShippedReference(operator: "t")
      let box = try ContainerNumber(parsing: box)
      try db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), operator: "t")
      for ref in ["SC", "S1", "S2"] {
        try db.shipmentStore.createShipment(
          ShipmentBooking(
            ref: ref, route: "CQ-AKL-DUI", shipper: "a", consignee: "b", commodity: .laptops, hsCode: nil,
            value: try Money(parsing: "1.00", currency: .usd), bookedOn: try Day(parsing: "2025-01-02")),
          operator: "t")
      }
      try db.shipmentStore.assign(box, to: "SC", operator: "t")
      try db.shipmentStore.cancelShipment("SC", reason: "test", operator: "t")
      try db.shipmentStore.assign(box, to: "S1", operator: "t")
    }
  }

  /// A fresh copy of the template with the case's history recorded.
  func prepared(_ c: Case) throws -> CorridorDatabase {
    let db = try TestLedger.copy(of: try Self.template.get(), clock: .fixed(Self.now)).db
    for event in c.history {
      guard case .recorded(let id, _, _) = try db.eventStore.record(event, allowGap: true, operator: "t") else {
        Issue.record("\(c): history event not recorded")
        continue
      }
      if c.retractLast, event == c.history.last { try db.eventStore.retract(eventID: id, reason: "wrong box", operator: "t") }
    }
    return db
  }

  func refusal(_ error: CorridorError) -> Outcome { .refused(rule: error.rule?.name, message: error.message, hint: error.hint) }

  func throughRecord(_ c: Case) throws -> Outcome {
    let db = try prepared(c)
    do {
      switch try db.eventStore.record(c.event, allowGap: c.allowGap, operator: "t") {
      case .duplicate: return .duplicate
      case .recorded(_, let exception, let offRoute): return .accepted(exception: exception?.name, offRoute: offRoute)
      }
    } catch let error as CorridorError {
      return refusal(error)
    }
  }

  func throughImport(_ c: Case, format: EventFileFormat) throws -> Outcome {
    let db = try prepared(c)
    let event = MovementEvent(
      seq: 0, id: c.event.id ?? "", report: c.event, exception: nil, offRoute: false, retracted: false, retractionReason: nil,
      recordedAt: "", recordedBy: "")
    let body =
      format == .csv
      ? CSV.record(CSVEventSource.columns) + CSVEventSource.line(event) : NDJSONEventSource.line(event)
    let path = temporaryFolder() + "/one.\(format.rawValue)"
    #expect(FileManager.default.createFile(atPath: path, contents: Data(body.utf8)))
    var options = EventImportOptions()
    options.allowGap = c.allowGap
    options.operatorName = "t"
    do {
      let summary = try db.eventStore.importEvents(path: path, format: format, options: options)
      if summary.duplicates == 1 { return .duplicate }
      let written = try #require(try db.connection.row("SELECT exception, off_route FROM events ORDER BY seq DESC LIMIT 1"))
      return .accepted(exception: try written.optionalText("exception"), offRoute: try written.bool("off_route"))
    } catch let error as CorridorError {
      #expect(error.position?.line == 1 + (format == .csv ? 1 : 0), "\(c): \(error.text)")
      return refusal(error)
    }
  }

  @Test(arguments: cases) func everyDoorDecidesAlike(_ c: Case) throws {
    let record = try throughRecord(c)
    #expect(try throughImport(c, format: .csv) == record, "\(c) through CSV")
    if c.name == "unknown shipment" {
      // In DCSA a lone booking reference is the carrier's own (issue 28): one that names no
      // Corridor shipment is kept with the event, which goes on the box's shipment.
      #expect(try throughImport(c, format: .ndjson) == .accepted(exception: nil, offRoute: false), "\(c) through NDJSON")
    } else {
      #expect(try throughImport(c, format: .ndjson) == record, "\(c) through NDJSON")
    }
    switch c.expected {
    case .accepted(let exception, let offRoute): #expect(record == .accepted(exception: exception?.name, offRoute: offRoute), "\(c)")
    case .duplicate: #expect(record == .duplicate, "\(c)")
    case .refused(let rule):
      guard case .refused(let actual, let message, _) = record else {
        Issue.record("\(c): expected [\(rule)], got \(record)")
        return
      }
      #expect(actual == rule.name, "\(c): \(message)")
    }
  }
}
