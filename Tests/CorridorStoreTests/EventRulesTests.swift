import CorridorInterchange
import CorridorPresentation
import CorridorTestSupport
import Foundation
import SQLite
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// A database with the shipped network, one 40 ft container on shipment CQ24-0001 on
/// CQ-AKL-DUI, and helpers to record events as of 2024-06-01.
struct Journey {
  /// On the engine the run selects (`TestLedger`).
  let ledger: TestLedger
  var db: CorridorDatabase { ledger.db }
  let box: ContainerNumber
  let now: EventTime

  init() throws {
    now = try EventTime(parsing: "2024-06-01T00:00:00Z")
    ledger = try TestLedger.shipped(at: now, operator: "test")
    box = try ContainerNumber(parsing: "CSQU3054383")
    try db.containerStore.addContainer(box, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "test")
    try db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: "CQ24-0001", route: "CQ-AKL-DUI", shipper: "Chongqing Laptop Co", consignee: "Duisburg GmbH", commodity: .laptops,
        hsCode: "847130", value: try Money(parsing: "1250000.00", currency: .usd), bookedOn: try Day(parsing: "2024-03-01")),
      operator: "test")
    try db.shipmentStore.assign(box, to: "CQ24-0001", grossKg: 12_000, seals: ["CN123"], operator: "test")
  }

  @discardableResult
  func record(
    _ code: EventCode, _ at: String, _ location: String, classifier: EventClassifier = .ACT, id: String? = nil,
    allowGap: Bool = false, container: ContainerNumber? = nil, shipment: String? = nil, note: String? = nil
  ) throws -> RecordOutcome {
    try db.eventStore.record(
      EventReport(
        id: id, container: container ?? box, code: code, time: try EventTime(parsing: at), location: try LocationCode(parsing: location),
        shipment: shipment, classifier: classifier, note: note),
      allowGap: allowGap, operator: "test")
  }

  /// Expects `body` to be refused for breaking `rule`, with exit code 65.
  func expectRefused(_ rule: RuleID, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    let error = #expect(throws: CorridorError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error?.rule == rule, "\(error?.message ?? "")", sourceLocation: sourceLocation)
    #expect(error?.kind == .invalidData, sourceLocation: sourceLocation)
  }

  func eventCount() throws -> Int64 { try db.connection.scalarInt("SELECT count(*) FROM events") ?? -1 }

  /// GTIN at Chongqing, loaded, departed.
  func departChongqing() throws {
    try record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    try record(.LOAD, "2024-03-05T08:00:00+08:00", "CNCQI")
    try record(.DEPA, "2024-03-05T10:00:00+08:00", "CNCQI")
  }
}

@Suite struct EventRulesTests {
  @Test func timesCompareAsInstantsAndKeepTheirWrittenOffset() throws {
    let chongqing = try EventTime(parsing: "2024-03-04T09:00:00+08:00")
    let utc = try EventTime(parsing: "2024-03-04T01:00:00Z")
    // The same instant written two ways: equal, neither before the other, offsets kept apart.
    #expect(chongqing == utc && !(chongqing < utc) && !(utc < chongqing))
    #expect(chongqing.offsetMinutes == 480 && utc.offsetMinutes == 0)
    // Ordered by instant, not by the text: 00:30Z is before 09:00+08:00, and 09:30+08:00 after 01:00Z.
    #expect(try EventTime(parsing: "2024-03-04T00:30:00Z") < chongqing)
    #expect(utc < (try EventTime(parsing: "2024-03-04T09:30:00+08:00")))
  }

  @Test func unknownLocationContainerAndShipment() throws {
    let j = try Journey()
    j.expectRefused(.unknownLocation) { try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNXXX") }
    j.expectRefused(.unknownContainer) {
      try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", container: try ContainerNumber(parsing: "TCNU7200794"))
    }
    j.expectRefused(.unknownShipment) { try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", shipment: "NOPE") }
    #expect(try j.eventCount() == 0)
  }

  @Test func containerNotOnTheShipment() throws {
    let j = try Journey()
    let other = try ContainerNumber(parsing: "TCNU7200794")
    try j.db.containerStore.addContainer(other, sizeType: try SizeType(parsing: "22G1"), operator: "test")
    j.expectRefused(.notOnShipment) { try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", container: other, shipment: "CQ24-0001") }
  }

  @Test func aliasResolvesAndShipmentDefaultsToTheOpenOne() throws {
    let j = try Journey()
    guard case .recorded(let id, nil, false) = try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCKG") else {
      Issue.record("not recorded")
      return
    }
    let event = try #require(try j.db.eventStore.event(id: id))
    #expect(event.location.text == "CNCQI")
    #expect(event.report.shipment == "CQ24-0001")
    #expect(event.time.milliseconds == 1_709_514_000_000)  // 2024-03-04T01:00:00Z
    #expect(event.time.offsetMinutes == 480)
  }

  @Test func gateInWhileLoadedOrInAnotherFacility() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    j.expectRefused(.gateInWhileInFacility) { try j.record(.GTIN, "2024-03-04T10:00:00+08:00", "CNKNM") }
    try j.record(.LOAD, "2024-03-05T08:00:00+08:00", "CNCQI")
    j.expectRefused(.gateInWhileLoaded) { try j.record(.GTIN, "2024-03-05T09:00:00+08:00", "CNCQI") }
  }

  @Test func gateOutOnlyFromTheFacilityItIsIn() throws {
    let j = try Journey()
    j.expectRefused(.gateOutNotInFacility) { try j.record(.GTOT, "2024-03-04T09:00:00+08:00", "CNCQI") }
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    j.expectRefused(.gateOutNotInFacility) { try j.record(.GTOT, "2024-03-04T10:00:00+08:00", "CNAKL") }
    try j.record(.GTOT, "2024-03-04T10:00:00+08:00", "CNCQI")
  }

  @Test func loadRules() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    j.expectRefused(.loadNotAtPlace) { try j.record(.LOAD, "2024-03-04T10:00:00+08:00", "CNAKL") }
    try j.record(.LOAD, "2024-03-04T10:00:00+08:00", "CNCQI")
    j.expectRefused(.loadWhenLoaded) { try j.record(.LOAD, "2024-03-04T11:00:00+08:00", "CNCQI") }
  }

  @Test(arguments: [EventCode.DISC, .DEPA, .ARRI, .CROS])
  func transportEventsNeedALoadedContainer(code: EventCode) throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    j.expectRefused(try #require(RuleID(stored: "\(code.rawValue.lowercased())-when-not-loaded"))) {
      try j.record(code, "2024-03-04T10:00:00+08:00", "CNCQI")
    }
    try j.record(.LOAD, "2024-03-04T10:00:00+08:00", "CNCQI")
    try j.record(code, "2024-03-04T11:00:00+08:00", "CNCQI")
  }

  @Test func twoPlacesAtTheSameInstant() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    j.expectRefused(.sameInstantDifferentPlaces) { try j.record(.INSP, "2024-03-04T01:00:00Z", "CNKNM") }
    try j.record(.INSP, "2024-03-04T01:00:00Z", "CNCQI")  // same place, same instant: fine
  }

  @Test(arguments: [EventCode.GTOT, .LOAD])
  func customsHoldBlocksLeaving(code: EventCode) throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    try j.record(.CUSS, "2024-03-04T10:00:00+08:00", "CNCQI")
    j.expectRefused(.customsHold) { try j.record(code, "2024-03-04T11:00:00+08:00", "CNCQI") }
    try j.record(.CUSR, "2024-03-04T12:00:00+08:00", "CNCQI")
    try j.record(code, "2024-03-04T13:00:00+08:00", "CNCQI")
    #expect(try j.db.shipmentStore.shipmentStatus("CQ24-0001") == .inTransit)
  }

  @Test func customsHoldBlocksDeparture() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    try j.record(.LOAD, "2024-03-04T10:00:00+08:00", "CNCQI")
    try j.record(.CUSI, "2024-03-04T11:00:00+08:00", "CNCQI")
    #expect(try j.db.shipmentStore.shipmentStatus("CQ24-0001") == .customsHold)
    j.expectRefused(.customsHold) { try j.record(.DEPA, "2024-03-04T12:00:00+08:00", "CNCQI") }
  }

  @Test func actualEventsMayNotBeInTheFuture() throws {
    let j = try Journey()
    j.expectRefused(.futureEvent) { try j.record(.GTIN, "2024-06-01T00:16:00Z", "CNCQI") }
    try j.record(.GTIN, "2024-06-01T00:14:00Z", "CNCQI")  // clock skew within 15 minutes
    try j.record(.ARRI, "2024-07-01T00:00:00Z", "DEDUI", classifier: .EST)  // a forecast may be ahead
  }

  @Test func noEventsOnACancelledShipment() throws {
    let j = try Journey()
    try j.db.shipmentStore.cancelShipment("CQ24-0001", reason: "customer withdrew", operator: "test")
    j.expectRefused(.shipmentClosed) { try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", shipment: "CQ24-0001") }
    j.expectRefused(.shipmentClosed) {
      try j.record(.ARRI, "2024-03-25T09:00:00+01:00", "DEDUI", classifier: .EST, shipment: "CQ24-0001")
    }
  }

  @Test func noEventsOnADeliveredShipment() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-20T09:00:00+01:00", "DEDUI", allowGap: false)
    try j.record(.GTOT, "2024-03-21T09:00:00+01:00", "DEDUI")  // delivery: gate-out at the final node
    #expect(try j.db.shipmentStore.shipmentStatus("CQ24-0001") == .delivered)
    j.expectRefused(.shipmentClosed) { try j.record(.INSP, "2024-03-21T10:00:00+01:00", "DEDUI", shipment: "CQ24-0001") }
  }

  @Test func allowGapRecordsTheBrokenRule() throws {
    let j = try Journey()
    // The gate-in at Chongqing never reached us; the first thing we hear is the departure.
    guard case .recorded(let id, let exception, false) = try j.record(.DEPA, "2024-03-05T10:00:00+08:00", "CNCQI", allowGap: true) else {
      Issue.record("not recorded")
      return
    }
    #expect(exception == .depaWhenNotLoaded)
    #expect(try j.db.eventStore.event(id: id)?.exception == "depa-when-not-loaded")
    // The gap does not block what follows: the box is treated as on its train.
    try j.record(.ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    let items = try j.db.reportStore.exceptions(staleHours: 72, now: j.now)
    #expect(items.contains { $0.kind == "allow-gap" && $0.eventID == id })
  }

  @Test func offRouteIsAcceptedAndFlagged() throws {
    let j = try Journey()
    try j.departChongqing()
    guard case .recorded(let id, nil, true) = try j.record(.ARRI, "2024-03-07T10:00:00+08:00", "CNKNM") else {
      Issue.record("not flagged off-route")
      return
    }
    #expect(try j.db.reportStore.exceptions(staleHours: 72, now: j.now).contains { $0.kind == "off-route" && $0.eventID == id })
  }

  @Test func estimatesAndPlansSkipSequenceRulesButNotPlaceChecks() throws {
    let j = try Journey()
    try j.record(.DEPA, "2024-03-05T10:00:00+08:00", "CNCQI", classifier: .PLN)
    try j.record(.ARRI, "2024-03-20T10:00:00+01:00", "DEDUI", classifier: .EST)
    j.expectRefused(.unknownLocation) { try j.record(.ARRI, "2024-03-20T10:00:00+01:00", "DEXXX", classifier: .EST) }
  }
}

@Suite struct LateEventTests {
  @Test func lateEventThatFitsIsAccepted() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    try j.record(.LOAD, "2024-03-05T08:00:00+08:00", "CNCQI")
    try j.record(.DEPA, "2024-03-05T10:00:00+08:00", "CNCQI")
    // An inspection at Tuanjiecun the evening before loading, reported days later.
    try j.record(.INSP, "2024-03-04T20:00:00+08:00", "CNCQI")
    let history = try j.db.eventStore.events(container: j.box)
    #expect(history.map(\.code) == [.GTIN, .INSP, .LOAD, .DEPA])
  }

  @Test func lateEventThatBreaksALaterOneIsRefused() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    try j.record(.LOAD, "2024-03-05T08:00:00+08:00", "CNCQI")
    // A customs hold before the load would make the recorded LOAD illegal.
    let error = #expect(throws: CorridorError.self) { try j.record(.CUSS, "2024-03-04T20:00:00+08:00", "CNCQI") }
    #expect(error?.rule == .customsHold)
    #expect(error?.text.contains("would break the later event") == true)
    // An earlier second LOAD would make the recorded one a load-when-loaded.
    let twice = #expect(throws: CorridorError.self) { try j.record(.LOAD, "2024-03-04T21:00:00+08:00", "CNCQI") }
    #expect(twice?.rule == .loadWhenLoaded)
    #expect(try j.eventCount() == 2)
  }

  @Test func lateEventItselfInvalidAtItsTime() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    try j.record(.LOAD, "2024-03-05T08:00:00+08:00", "CNCQI")
    // A departure before the load: not loaded yet at that time.
    let error = #expect(throws: CorridorError.self) { try j.record(.DEPA, "2024-03-05T07:00:00+08:00", "CNCQI") }
    #expect(error?.rule == .depaWhenNotLoaded)
  }
}

@Suite struct RetractionAndIdempotencyTests {
  @Test func retractionWithdrawsAnEventFromTheRules() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI")
    guard case .recorded(let hold, _, _) = try j.record(.CUSS, "2024-03-04T10:00:00+08:00", "CNCQI") else { return }
    j.expectRefused(.customsHold) { try j.record(.LOAD, "2024-03-04T11:00:00+08:00", "CNCQI") }
    #expect(try j.db.eventStore.retract(eventID: hold, reason: "keyed at the wrong box", operator: "test"))
    #expect(try !j.db.eventStore.retract(eventID: hold, reason: "again", operator: "test"))
    try j.record(.LOAD, "2024-03-04T11:00:00+08:00", "CNCQI")
    let report = try j.db.reportStore.track(j.box)
    let retracted = try #require(report.history.first { $0.id == hold })
    #expect(retracted.retracted && retracted.retractionReason == "keyed at the wrong box")
    #expect(report.state == .onConveyance)
  }

  @Test func retractingAnUnknownEventIsRefused() throws {
    let j = try Journey()
    j.expectRefused(.unknownEvent) { try j.db.eventStore.retract(eventID: "ev-nope", reason: "x", operator: "test") }
  }

  @Test func sameIdSameContentIsANoOp() throws {
    let j = try Journey()
    #expect(try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", id: "T-1") == .recorded(id: "T-1", exception: nil, offRoute: false))
    #expect(try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCKG", id: "T-1") == .duplicate(id: "T-1", retraction: nil))
    #expect(try j.eventCount() == 1)
  }

  @Test func sameIdDifferentContentIsRefused() throws {
    let j = try Journey()
    try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI", id: "T-1")
    j.expectRefused(.eventIdConflict) { try j.record(.GTIN, "2024-03-04T09:30:00+08:00", "CNCQI", id: "T-1") }
  }

  @Test func derivedIdsMakeResendsNoOps() throws {
    let j = try Journey()
    guard case .recorded(let id, _, _) = try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI") else { return }
    #expect(id.hasPrefix("ev-") && id.count == 35)
    #expect(try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI") == .duplicate(id: id, retraction: nil))
  }

  @Test func eventsAndRetractionsAreAppendOnlyInTheSchema() throws {
    let j = try Journey()
    guard case .recorded(let id, _, _) = try j.record(.GTIN, "2024-03-04T09:00:00+08:00", "CNCQI") else { return }
    try j.db.eventStore.retract(eventID: id, reason: "test", operator: "test")
    for sql in [
      "UPDATE events SET location = 'CNKNM'", "DELETE FROM events", "UPDATE event_retractions SET reason = 'x'",
      "DELETE FROM event_retractions",
    ] {
      // SQLite's trigger or PostgreSQL's, in the migrations' words.
      let error = #expect(throws: (any Error).self) { try j.db.connection.execute(sql) }
      #expect(error.map { "\($0)" }?.contains("append-only") == true, "\(String(describing: error))")
    }
  }
}

/// Derived ids are stored in databases and written by feeds: the rule must never drift. The
/// expected values were computed with Python's hashlib over the same fields joined by U+001F.
@Suite struct DerivedIDTests {
  @Test func derivedIDsAreStable() throws {
    let time = try EventTime(parsing: "2023-01-01T09:03:00+08:00")
    #expect(time.milliseconds == 1_672_534_980_000)
    let gateIn = EventReport(
      container: try ContainerNumber(parsing: "GENU0010330"), code: .GTIN, time: time, location: try LocationCode(parsing: "CNCQI"),
      shipment: "GEN1-1", emptyLaden: .LADEN)
    #expect(gateIn.derivedID == "ev-ca1f5ab83cbcffc9851857970ef54246")
    let everything = EventReport(
      container: try ContainerNumber(parsing: "GENU0010330"), code: .GTIN, time: time, location: try LocationCode(parsing: "CNCQI"),
      mode: .RAIL, vehicle: "X 1", seal: "S\"1", note: "note é")
    #expect(everything.derivedID == "ev-17f2a56bfa1ca4a3bf1ba2460bda47b9")
  }
}
