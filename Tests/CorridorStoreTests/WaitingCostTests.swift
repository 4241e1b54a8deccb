import CorridorInterchange
import CorridorPresentation
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// Waiting costs beside the freight in `cost` and `report costs` (docs/waiting-costs.md). The
/// shipped reference converts EUR into CNY at 7.80 throughout 2024 (03-fx-rates.json,
/// illustrative), and the Duisburg rules price the stays as FreeTimeTests works them out.
@Suite struct WaitingCostTests {
  static let eur = Currency(trusted: "EUR")

  func cny(_ text: String) throws -> Money { try Money(parsing: text, currency: .cny) }
  func at(_ text: String) throws -> EventTime { try EventTime(parsing: text) }

  /// A carrier's box discharged at Duisburg on 1 April 2024, gated out on 8 April and returned
  /// empty elsewhere (at Małaszewicze, with no shipment on the event) on 20 April.
  func returnedCarrierBox() throws -> FreeTimeTests.Yard {
    let yard = try FreeTimeTests.Yard(owner: .carrier)
    try yard.arriveInDuisburg()
    try yard.journey.record(.GTOT, "2024-04-08T15:00:00+02:00", "DEDUI", shipment: "CQ24-0001")
    try yard.journey.record(.GTIN, "2024-04-20T09:00:00+02:00", "PLMAA", allowGap: true)
    return yard
  }

  @Test func aShipmentsWaitingIsConvertedIntoTheReportCurrency() throws {
    let yard = try returnedCarrierBox()
    // Demurrage 6–8 April: 3 × 40.00 = 120.00 EUR → 936.00 CNY. Detention from 8 April, free to
    // 14 April, ended by the empty return on 20 April: 6 × 25.00 = 150.00 EUR → 1,170.00 CNY.
    let waiting = try yard.db.costStore.waiting(of: "CQ24-0001", currency: .cny, asOf: try at("2024-05-01T00:00:00Z"))
    #expect(waiting.stays.map(\.kind) == [.demurrage, .detention])
    #expect(waiting.cost.demurrage == (try cny("936.00")))
    #expect(waiting.cost.detention == (try cny("1170.00")))
    #expect(waiting.cost.storage == .zero(.cny))
    #expect(waiting.cost.total == (try cny("2106.00")))
    // In EUR nothing is converted.
    let inEuros = try yard.db.costStore.waiting(of: "CQ24-0001", currency: Self.eur, asOf: try at("2024-05-01T00:00:00Z"))
    #expect(inEuros.cost.total == (try Money(parsing: "270.00", currency: Self.eur)))

    // As of 7 April the box is still in the yard: 6 and 7 April, 80.00 EUR → 624.00 CNY, and no
    // detention yet.
    let early = try yard.db.costStore.waiting(of: "CQ24-0001", currency: .cny, asOf: try at("2024-04-07T12:00:00Z"))
    #expect(early.cost.demurrage == (try cny("624.00")) && early.cost.detention == .zero(.cny))
    #expect(early.stays.first?.endedAt == nil)
  }

  @Test func theCostReportAddsWaitingBesideTheFreight() throws {
    let yard = try returnedCarrierBox()
    let asOf = try at("2024-05-01T00:00:00Z")
    let freight = try yard.db.costStore.cost(of: "CQ24-0001", currency: .cny)
    let rows = try yard.db.reportStore.costReport(
      from: try Day(parsing: "2024-01-01"), to: try Day(parsing: "2024-12-31"), currency: .cny, asOf: asOf)
    let row = try #require(rows.first)
    #expect(rows.count == 1 && row.group == "CN-EU")
    #expect(row.gross == freight.gross && row.reductions == freight.reductions)
    #expect(row.waiting.demurrage == (try cny("936.00")))
    #expect(row.waiting.detention == (try cny("1170.00")))
    #expect(row.waiting.storage == .zero(.cny))
    #expect(row.total == (try freight.net.plus(try cny("2106.00"))))
    // The JSON row says which part is freight and which is waiting.
    let view = try CostReportView(row)
    #expect(view.net == freight.net.amountText && view.waiting == "2106.00" && view.detention == "1170.00")
    #expect(view.total == (try freight.net.plus(try cny("2106.00"))).amountText)
    // Before the discharge nothing has been incurred.
    let before = try yard.db.reportStore.costReport(currency: .cny, asOf: try at("2024-03-30T00:00:00Z"))
    #expect(before.first?.waiting.total == .zero(.cny) && before.first?.total == freight.net)
  }

  /// The report prices only the boxes SQL finds may have a charged stay; it must find every
  /// charged stay each box's whole history gives, retractions included.
  @Test func theReportsStaysAreTheStaysOfEachBoxsHistory() throws {
    let yard = try returnedCarrierBox()
    let asOf = try at("2024-05-01T00:00:00Z")
    func same() throws {
      let bulk = try yard.db.freeTimeStore.staysByShipment(ShipmentFilter(), asOf: asOf)
      #expect(Self.charged(bulk["CQ24-0001"]) == Self.charged(try yard.db.freeTimeStore.stays(ofShipment: "CQ24-0001", asOf: asOf)))
      #expect(Self.charged(bulk["CQ24-0001"]) == Self.charged(try yard.db.freeTimeStore.stays(of: yard.box, asOf: asOf)))
      #expect(Self.charged(bulk["CQ24-0001"]).count == 2)
    }
    try same()
    // A retracted return leaves detention open: 15 April – 1 May, 7 × 25.00 + 10 × 50.00.
    let back = try #require(try yard.db.eventStore.events(container: yard.box).last { $0.code == .GTIN })
    try yard.db.eventStore.retract(eventID: back.id, reason: "wrong box", operator: "test")
    try same()
    let open = try yard.db.freeTimeStore.stays(ofShipment: "CQ24-0001", asOf: asOf).last
    #expect(open?.kind == .detention && open?.endedAt == nil)
    #expect(open?.priced.charge == (try Money(parsing: "675.00", currency: Self.eur)))
  }

  /// The same on the demo's shipments on all four corridors, every box (the demo is built on a
  /// file; CrossEngineTests reads it on PostgreSQL).
  @Test(.sqliteOnly) func theDemosReportStaysAreTheStaysOfEachShipment() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waiting-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let (demo, _) = try Demo().build(path: folder + "/demo.db")
    let demoAsOf = Demo.clock
    let bulk = try demo.freeTimeStore.staysByShipment(ShipmentFilter(), asOf: demoAsOf)
    var compared = 0
    let refs = try demo.connection.fetchAll("SELECT ref FROM shipments ORDER BY ref").compactMap { row -> String? in
      if case .text(let ref) = row.first { ref } else { nil }
    }
    #expect(refs.count > 100)
    for ref in refs {
      let one = Self.charged(try demo.freeTimeStore.stays(ofShipment: ref, asOf: demoAsOf))
      #expect(Self.charged(bulk[ref]).sorted(by: Self.order) == one.sorted(by: Self.order), "\(ref)")
      compared += one.count
    }
    // The demo's boxes that paid for waiting (storage at the border stations, demurrage at Singapore).
    #expect(compared > 10)
  }

  /// Storage at Dostyk (2 free days, 20.00 USD a day) whose departure names no shipment: the
  /// report's SQL groups the stops by shipment and box, and must still find the stay.
  @Test func aStayWhoseEndNamesNoShipmentIsStillCharged() throws {
    let journey = try Journey()
    try journey.departChongqing()
    try journey.record(.ARRI, "2024-03-08T10:00:00+08:00", "CNAKL", shipment: "CQ24-0001")
    try journey.record(.CROS, "2024-03-09T10:00:00+08:00", "CNAKL", shipment: "CQ24-0001")
    try journey.record(.ARRI, "2024-03-09T12:00:00+05:00", "KZDOS", allowGap: true, shipment: "CQ24-0001")
    try journey.record(.DEPA, "2024-03-14T12:00:00+05:00", "KZDOS", allowGap: true)
    // Day 1 is 9 March, the last free day 10 March; 11–14 March: 4 × 20.00 = 80.00 USD.
    let rows = try journey.db.reportStore.costReport(currency: .usd, asOf: try at("2024-04-01T00:00:00Z"))
    #expect(rows.first?.waiting.storage == (try Money(parsing: "80.00", currency: .usd)))
  }

  /// An alert reaches a subscription that asks for alerts, whose key may see the box (no party,
  /// or the shipment's shipper or consignee) and whose `equipmentReference` filter, if any, names
  /// it; not one that does not ask, another party's, one filtered to another box, or a revoked key's.
  @Test func anAlertGoesToTheSubscriptionsThatMaySeeTheBox() throws {
    let yard = try FreeTimeTests.Yard()
    try yard.arriveInDuisburg()
    let access = yard.db.accessStore
    let secret = [UInt8](repeating: 7, count: 32)
    func subscribe(_ name: String, party: String?, filter: String = "{}", alerts: Bool = true) throws -> String {
      let (key, _) = try access.createAPIKey(name: name, role: .reader, party: party, operator: "test")
      return try access.createSubscription(
        owner: key, callbackURL: "http://127.0.0.1:9/\(name)", secret: secret,
        filter: try DCSAEventFilter(json: try JSONParser.parse(Array(filter.utf8))), freeTimeAlerts: alerts, operator: "test"
      ).id
    }
    let everyone = try subscribe("ops", party: nil)
    let consignee = try subscribe("duisburg", party: "Duisburg GmbH", filter: "{\"equipmentReference\": [\"\(yard.box.text)\"]}")
    let silent = try subscribe("quiet", party: nil, alerts: false)
    let other = try subscribe("hanoi", party: "Hanoi Import JSC")
    let elsewhere = try subscribe("box", party: nil, filter: "{\"equipmentReference\": \"MSKU1234565\"}")
    let revoked = try subscribe("old", party: nil)
    try access.revokeAPIKey(name: "old", operator: "test")
    #expect(try access.subscription(id: everyone, visibleTo: nil)?.freeTimeAlerts == true)
    #expect(try access.subscription(id: silent, visibleTo: nil)?.freeTimeAlerts == false)

    // Discharged 1 April, the last free day 5 April: as of 4 April it is tomorrow.
    let raised = try yard.db.freeTimeStore.raiseAlerts(asOf: try at("2024-04-04T12:00:00Z"))
    #expect(raised.map(\.alert) == [.approaching] && raised.first?.kind == "demurrage")
    func alerts(_ id: String) throws -> [String] {
      try yard.db.outbox.deliveries(subscription: id, failedOnly: false).map(\.eventID).filter { $0.hasPrefix("free-time-alert/") }
    }
    #expect(try alerts(everyone).count == 1 && alerts(consignee).count == 1)
    for id in [silent, other, elsewhere, revoked] { #expect(try alerts(id).isEmpty, "\(id)") }
    // The body as pushed.
    #expect(try yard.db.outbox.dueSubscriptions(nowMilliseconds: .max).contains { $0.id == consignee })
    let due = try yard.db.outbox.dueDelivery(of: consignee, nowMilliseconds: .max)
    guard case .alert(let body)? = due?.payload else {
      Issue.record("no alert due for \(consignee)")
      return
    }
    let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    #expect(object["type"] as? String == "free-time" && object["lastFreeDay"] as? String == "2024-04-05")
    #expect(object["container"] as? String == yard.box.text && object["shipment"] as? String == "CQ24-0001")
  }

  /// The stays with a charge, without their projection (which the report does not read).
  static func charged(_ stays: [PricedStay]?) -> [PricedStay] {
    (stays ?? []).filter { $0.priced.chargeableDays > 0 }.map { stay in
      var incurred = stay
      incurred.expectedEndedAt = nil
      incurred.projected = nil
      return incurred
    }
  }

  /// An open stay is projected to the end a reporter estimated, the latest estimate winning.
  @Test func anOpenStayIsProjectedToTheEstimatedGateOut() throws {
    let yard = try FreeTimeTests.Yard()
    try yard.arriveInDuisburg()
    let eur = Self.eur
    // Estimated gate-out 9 April: 6–9 April, 4 × 40.00 = 160.00 EUR; so far (7 April) 80.00.
    try yard.journey.record(.GTOT, "2024-04-09T10:00:00+02:00", "DEDUI", classifier: .EST, shipment: "CQ24-0001")
    let first = try #require(try yard.db.freeTimeStore.stays(of: yard.box, asOf: try at("2024-04-07T12:00:00Z")).first)
    #expect(first.priced.charge == (try Money(parsing: "80.00", currency: eur)))
    #expect(first.expectedEndedAt == (try at("2024-04-09T10:00:00+02:00")))
    #expect(first.projected?.charge == (try Money(parsing: "160.00", currency: eur)))
    #expect(StayView(first).projectedCharge == ChargeView(try Money(parsing: "160.00", currency: eur)))
    // A later estimate replaces it: 6–12 April, 5 × 40.00 + 2 × 75.00 = 350.00.
    try yard.journey.record(.GTOT, "2024-04-12T10:00:00+02:00", "DEDUI", classifier: .EST, shipment: "CQ24-0001")
    let second = try #require(try yard.db.freeTimeStore.stays(of: yard.box, asOf: try at("2024-04-07T12:00:00Z")).first)
    #expect(second.projected?.charge == (try Money(parsing: "350.00", currency: eur)))
    // The report of open stays shows the projection too.
    let open = try yard.db.freeTimeStore.openStays(asOf: try at("2024-04-07T12:00:00Z"))
    #expect(open.first?.projected?.chargeableDays == 7)
    // Gated out: nothing left to project.
    try yard.journey.record(.GTOT, "2024-04-08T15:00:00+02:00", "DEDUI", shipment: "CQ24-0001")
    let closed = try #require(try yard.db.freeTimeStore.stays(of: yard.box, asOf: try at("2024-04-20T12:00:00Z")).first)
    #expect(closed.endedAt != nil && closed.projected == nil && closed.expectedEndedAt == nil)
  }

  static func order(_ a: PricedStay, _ b: PricedStay) -> Bool {
    (a.container.text, a.startedAt.milliseconds, a.kind.rawValue) < (b.container.text, b.startedAt.milliseconds, b.kind.rawValue)
  }
}
