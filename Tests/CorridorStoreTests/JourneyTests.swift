import CorridorInterchange
import CorridorPresentation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// Chongqing → Duisburg with both gauge changes (Dostyk 1,435 → 1,520 mm, Małaszewicze back) and
/// a customs hold at Małaszewicze, tracked field by field. Expected figures by hand from the
/// shipped legs: 4,527 + 12 + 5,430 + 10 + 1,200 km; 72 + 24 + 175 + 48 + 48 h.
@Suite struct JourneyTests {
  func firstHalf(_ j: Journey) throws {
    try j.departChongqing()
    try j.record(.ARRI, "2024-03-08T10:00:00+08:00", "CNAKL")
    try j.record(.CROS, "2024-03-09T10:00:00+08:00", "CNAKL")
    try j.record(.DISC, "2024-03-09T14:00:00+05:00", "KZDOS")  // off the standard-gauge wagon
    try j.record(.LOAD, "2024-03-09T20:00:00+05:00", "KZDOS")  // onto the 1,520 mm wagon
    try j.record(.DEPA, "2024-03-09T22:00:00+05:00", "KZDOS")
    try j.record(.ARRI, "2024-03-17T08:00:00+03:00", "BYBQT")
    try j.record(.CROS, "2024-03-17T12:00:00+03:00", "BYBQT")
    try j.record(.DISC, "2024-03-18T09:00:00+01:00", "PLMAA")  // back to 1,435 mm
    try j.record(.CUSI, "2024-03-18T10:00:00+01:00", "PLMAA")
  }

  @Test func midJourneyUnderCustomsHold() throws {
    let j = try Journey()
    try firstHalf(j)
    let report = try j.db.reportStore.track(j.box)
    #expect(report.container.text == "CSQU3054383")
    #expect(report.shipment == "CQ24-0001")
    #expect(report.route?.code == "CQ-AKL-DUI")
    #expect(report.state == .customsHold)
    #expect(report.lastEvent?.code == .CUSI)
    #expect(report.lastEvent?.location.text == "PLMAA")
    #expect(report.lastEvent?.at.description == "2024-03-18T10:00:00+01:00")
    #expect(report.lastEvent?.localTime == "2024-03-18T10:00:00+01:00")  // Europe/Warsaw, winter time
    #expect(report.leg == 5)
    #expect(report.legs == 5)
    #expect(report.kmCovered == 9_979)  // 4,527 + 12 + 5,430 + 10
    #expect(report.kmTotal == 11_179)
    #expect(report.nextLocation?.text == "DEDUI")
    // No estimate: last actual event + the 48 h of the remaining leg.
    #expect(report.eta?.description == "2024-03-20T10:00:00+01:00")
    // Plan: gate-in 2024-03-04T01:00Z + 367 h = 2024-03-19T08:00Z; ETA 2024-03-20T09:00Z.
    #expect(report.delayHours == 25.0)
    #expect(report.exceptions.isEmpty)
    #expect(try j.db.shipmentStore.shipmentStatus("CQ24-0001") == .customsHold)
  }

  @Test func anEstimateForTheFinalNodeWins() throws {
    let j = try Journey()
    try firstHalf(j)
    try j.record(.ARRI, "2024-03-23T12:00:00+01:00", "DEDUI", classifier: .EST)
    try j.record(.ARRI, "2024-03-24T12:00:00+01:00", "DEDUI", classifier: .EST)  // the newest estimate counts
    try j.record(.ARRI, "2024-03-20T12:00:00+01:00", "DEDUI", classifier: .PLN)
    let report = try j.db.reportStore.track(j.box)
    #expect(report.eta?.description == "2024-03-24T12:00:00+01:00")
    #expect(report.delayHours == 96.0)  // against the plan of 2024-03-20T12:00+01:00
  }

  /// The ETA comes from an estimator tracking asks (the seam a learned estimate will use): it
  /// gets where the box is and what was reported, and its answer is the ETA and the delay.
  @Test func anotherEstimatorReplacesThePlansWithoutTouchingTracking() throws {
    struct Fixed: ETAEstimator {
      let answer: EventTime
      func estimate(for question: ETAQuestion) -> ETAEstimate? {
        // What tracking asked: the box past Małaszewicze (node 4 of 5), its last event the hold.
        question.nodeIndex == 4 && question.lastActual?.code == .CUSI && question.reportedEstimate == nil
          ? ETAEstimate(median: answer, window: nil, basis: .plan) : nil
      }
    }
    let j = try Journey()
    try firstHalf(j)
    let answer = try EventTime(parsing: "2024-03-21T10:00:00+01:00")
    let report = try j.db.reportStore.track(j.box, estimator: Fixed(answer: answer))
    #expect(report.eta == answer)
    #expect(report.delayHours == 49.0)  // against the plan of 2024-03-19T08:00Z
    // The plan's own estimate is the default estimator's.
    #expect(try j.db.reportStore.track(j.box, estimator: PlanETAEstimator()).eta?.description == "2024-03-20T10:00:00+01:00")
  }

  @Test func deliveredAtDuisburg() throws {
    let j = try Journey()
    try firstHalf(j)
    try j.record(.CUSR, "2024-03-19T15:00:00+01:00", "PLMAA")
    try j.record(.LOAD, "2024-03-19T18:00:00+01:00", "PLMAA")
    try j.record(.DEPA, "2024-03-19T20:00:00+01:00", "PLMAA")
    try j.record(.ARRI, "2024-03-21T08:00:00+01:00", "DEDUI")
    try j.record(.DISC, "2024-03-21T10:00:00+01:00", "DEDUI")
    #expect(try j.db.reportStore.track(j.box).state == .inFacility)
    try j.record(.GTOT, "2024-03-22T09:00:00+01:00", "DEDUI")
    let report = try j.db.reportStore.track(j.box)
    #expect(report.state == .delivered)
    #expect(report.leg == 5 && report.legs == 5)
    #expect(report.kmCovered == 11_179)
    #expect(report.nextLocation == nil)
    #expect(report.eta?.description == "2024-03-22T09:00:00+01:00")
    #expect(report.delayHours == 72.0)
    #expect(report.history.count == 18)
    #expect(try j.db.shipmentStore.shipmentStatus("CQ24-0001") == .delivered)
    #expect(try j.db.shipmentStore.openShipment(of: j.box) == nil)
    // The box is free for its next shipment.
    try j.db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: "DUI24-0002", route: "CQ-AKL-DUI", shipper: "s", consignee: "c", commodity: .machinery, hsCode: nil,
        value: .zero(.cny), bookedOn: try Day(parsing: "2024-03-25")), operator: "test")
    try j.db.shipmentStore.assign(j.box, to: "DUI24-0002", operator: "test")
  }

  @Test func bookedContainerHasNoPosition() throws {
    let j = try Journey()
    let report = try j.db.reportStore.track(j.box)
    #expect(report.state == .booked)
    #expect(report.lastEvent == nil)
    #expect(report.leg == 1)
    #expect(report.kmCovered == 0)
    #expect(report.nextLocation?.text == "CNAKL")
    #expect(report.eta == nil)
  }

  @Test func staleAndLongHoldExceptions() throws {
    let j = try Journey()
    try firstHalf(j)
    let asOf = try EventTime(parsing: "2024-03-25T00:00:00Z")
    let items = try j.db.reportStore.exceptions(staleHours: 72, now: asOf)
    #expect(Set(items.map(\.kind)) == ["stale", "customs-hold"])
    #expect(try j.db.reportStore.exceptions(staleHours: 200, now: asOf).isEmpty)
  }
}

@Suite struct ShipmentTests {
  @Test func bookingRulesAndIdempotency() throws {
    let j = try Journey()
    let booking = try #require(try j.db.shipmentStore.shipment("CQ24-0001")).booking
    #expect(try !j.db.shipmentStore.createShipment(booking, operator: "test"))
    var changed = booking
    changed.consignee = "Someone else"
    let error = #expect(throws: CorridorError.self) { try j.db.shipmentStore.createShipment(changed, operator: "test") }
    #expect(error?.rule == .shipmentExists)
    var badHS = booking
    badHS.ref = "X"
    badHS.hsCode = "84713"
    #expect(throws: CorridorError.self) { try j.db.shipmentStore.createShipment(badHS, operator: "test") }
    var badRoute = booking
    badRoute.ref = "Y"
    badRoute.route = "NOWHERE"
    #expect(throws: CorridorError.self) { try j.db.shipmentStore.createShipment(badRoute, operator: "test") }
    #expect(throws: CorridorError.self) { try Commodity(parsing: "unicorns") }
    #expect(Commodity.electricVehicles.parent == .automobiles)
  }

  @Test func aContainerIsOnOneOpenShipmentAtATime() throws {
    let j = try Journey()
    try j.db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: "CQ24-0002", route: "CQ-QZH-SIN", shipper: "s", consignee: "c", commodity: .general, hsCode: nil, value: .zero(.cny),
        bookedOn: try Day(parsing: "2024-03-02")), operator: "test")
    let error = #expect(throws: CorridorError.self) { try j.db.shipmentStore.assign(j.box, to: "CQ24-0002", operator: "test") }
    #expect(error?.rule == .containerBusy)
    try j.db.shipmentStore.cancelShipment("CQ24-0001", reason: "rebooked", operator: "test")
    try j.db.shipmentStore.assign(j.box, to: "CQ24-0002", operator: "test")
  }

  @Test func grossWeightWithinMaxGross() throws {
    let j = try Journey()
    let other = try ContainerNumber(parsing: "TCNU7200794")
    try j.db.containerStore.addContainer(other, sizeType: try SizeType(parsing: "22G1"), tareKg: 2200, maxGrossKg: 30_480, operator: "test")
    let error = #expect(throws: CorridorError.self) { try j.db.shipmentStore.assign(other, to: "CQ24-0001", grossKg: 30_481, operator: "test") }
    #expect(error?.rule == .overweight)
    try j.db.shipmentStore.assign(other, to: "CQ24-0001", grossKg: 30_480, operator: "test")
  }

  @Test func cancelRulesAndListFilters() throws {
    let j = try Journey()
    #expect(try j.db.shipmentStore.shipments(ShipmentFilter(status: .booked)).map(\.ref) == ["CQ24-0001"])
    #expect(try j.db.shipmentStore.shipments(ShipmentFilter(corridor: "CN-LA")).isEmpty)
    #expect(try j.db.shipmentStore.shipments(ShipmentFilter(from: try Day(parsing: "2024-03-02"))).isEmpty)
    #expect(try j.db.shipmentStore.cancelShipment("CQ24-0001", reason: "x", operator: "test"))
    #expect(try !j.db.shipmentStore.cancelShipment("CQ24-0001", reason: "x", operator: "test"))
    let cancelled = try #require(try j.db.shipmentStore.shipment("CQ24-0001"))
    #expect(cancelled.status == .cancelled && cancelled.cancellationReason == "x")
    #expect(throws: CorridorError.self) { try j.db.shipmentStore.cancelShipment("CQ24-0001", reason: " ", operator: "test") }
  }
}
