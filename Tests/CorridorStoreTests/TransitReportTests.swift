import CorridorInterchange
import CorridorPresentation
import Foundation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// `report transit`: transit per route and month, dwell at border crossings, with figures worked
/// out by hand from the times recorded.
@Suite struct TransitReportTests {
  @Test func quartilesAreNearestRankValuesOfTheTrips() throws {
    let five = try #require(DurationSpread(minutes: [5, 1, 4, 2, 3]))
    // n = 5: ranks ⌈1.25⌉ = 2, ⌈2.5⌉ = 3, ⌈3.75⌉ = 4.
    #expect(figures(five) == [5, 1, 2, 3, 4, 5])
    let four = try #require(DurationSpread(minutes: [40, 10, 30, 20]))
    // n = 4: ranks 1, 2, 3 (the lower median: a trip's own time, never an average of two).
    #expect(figures(four) == [4, 10, 10, 20, 30, 40])
    let one = try #require(DurationSpread(minutes: [7]))
    #expect(figures(one) == [1, 7, 7, 7, 7, 7])
    #expect(DurationSpread(minutes: []) == nil)
  }

  @Test func durationsReadAsDaysAndHoursWithOneDecimalRoundedHalfUp() {
    #expect(DurationText.days(1_440) == "1.0")
    // 2,232 minutes = 1.55 days: half up to 1.6.
    #expect(DurationText.days(2_232) == "1.6")
    #expect(DurationText.days(3_480) == "2.4")  // 2.4166…
    #expect(DurationText.hours(90) == "1.5")
    #expect(DurationText.hours(0) == "0.0")
    #expect(DurationText.hours(60_000_000) == "1,000,000.0")
  }

  /// Two boxes on CQ-KNM-VTE (Chongqing, Kunming, Mohan, Boten, Vientiane), one per consignee.
  func journeys() throws -> CorridorDatabase {
    let db = try shippedLedger(operator: "t")
    for (box, ref, consignee) in [("CSQU3054383", "S-1", "Vientiane Trading"), ("MSKU1234565", "S-2", "Laos Motors")] {
      let number = try ContainerNumber(parsing: box)
      try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: "42G1"), tareKg: 3_750, maxGrossKg: 30_480, operator: "t")
      try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: "CQ-KNM-VTE", shipper: "Chongqing Moto Works", consignee: consignee, commodity: .motorcycles, hsCode: nil,
          value: try Money(parsing: "1000.00", currency: .cny), bookedOn: try Day(parsing: "2024-02-20")),
        operator: "t")
      try db.shipmentStore.assign(number, to: ref, grossKg: nil, seals: [], operator: "t")
    }
    // Box 1: leaves Chongqing 1 March 10:00, reaches Vientiane 3 March 20:00: 58 h = 3,480 min.
    // Mohan 00:00–02:00 (120 min), Boten 04:00–07:00 (180 min).
    // Box 2: leaves 28 March 00:00, reaches Vientiane 1 April 06:00: 4 d 6 h = 6,120 min.
    // Mohan 12:00–13:00 (60 min), Boten 15:00–19:00 (240 min).
    for (box, times) in [
      (
        "CSQU3054383",
        [
          "2024-03-01T08:00", "2024-03-01T09:00", "2024-03-01T10:00", "2024-03-02T10:00", "2024-03-02T12:00", "2024-03-03T00:00", "2024-03-03T02:00",
          "2024-03-03T04:00", "2024-03-03T07:00", "2024-03-03T20:00",
        ]
      ),
      (
        "MSKU1234565",
        [
          "2024-03-27T20:00", "2024-03-27T22:00", "2024-03-28T00:00", "2024-03-29T00:00", "2024-03-29T02:00", "2024-03-29T12:00", "2024-03-29T13:00",
          "2024-03-29T15:00", "2024-03-29T19:00", "2024-04-01T06:00",
        ]
      ),
    ] {
      let steps: [(EventCode, String)] = [
        (.GTIN, "CNCQI"), (.LOAD, "CNCQI"), (.DEPA, "CNCQI"), (.ARRI, "CNKNM"), (.DEPA, "CNKNM"), (.ARRI, "CNMHN"), (.DEPA, "CNMHN"),
        (.ARRI, "LABTN"), (.DEPA, "LABTN"), (.ARRI, "LAVTE"),
      ]
      for ((code, place), time) in zip(steps, times) {
        _ = try db.eventStore.record(
          EventReport(
            id: nil, container: try ContainerNumber(parsing: box), code: code, time: try EventTime(parsing: time + ":00Z"),
            location: try LocationCode(parsing: place), shipment: nil, classifier: .ACT, mode: code == .GTIN ? nil : .RAIL, vehicle: nil,
            emptyLaden: nil, seal: nil, note: nil, carrierBooking: nil),
          operator: "t")
      }
    }
    return db
  }

  func figures(_ spread: DurationSpread?) -> [Int64] {
    guard let s = spread else { return [] }
    return [Int64(s.count), s.minMinutes, s.p25Minutes, s.medianMinutes, s.p75Minutes, s.maxMinutes]
  }

  @Test func transitByMonthOfArrivalAndDwellAtTheBorders() throws {
    let db = try journeys()
    let report = try db.reportStore.transitReport(route: "CQ-KNM-VTE")
    let months: [String] = report.transit.map(\.month)
    #expect(months == ["2024-03", "2024-04"])
    #expect(figures(report.transit[0].spread) == [1, 3_480, 3_480, 3_480, 3_480, 3_480])
    #expect(figures(report.transit[1].spread) == [1, 6_120, 6_120, 6_120, 6_120, 6_120])
    #expect(report.transit.allSatisfy { $0.route == "CQ-KNM-VTE" && $0.corridor == "CN-LA" })
    // Mohan is a border-crossing place; Boten ends the leg that crosses into Laos. Kunming is neither.
    #expect(report.dwell.map(\.location.text) == ["CNMHN", "LABTN"])
    // Mohan: 60 and 120 → quartiles by rank 1, 1, 2. Boten: 180 and 240.
    #expect(figures(report.dwell[0].spread) == [2, 60, 60, 60, 120, 120])
    #expect(figures(report.dwell[1].spread) == [2, 180, 180, 180, 240, 240])

    // The period is the day a trip or stay ended: up to 31 March, box 2's transit is left out but
    // its stays at the border (29 March) are in.
    let march = try db.reportStore.transitReport(to: try Day(parsing: "2024-03-31"), route: "CQ-KNM-VTE")
    #expect(march.transit.map(\.month) == ["2024-03"])
    #expect(figures(march.dwell[0].spread) == [2, 60, 60, 60, 120, 120])
    // From after to: an empty period, as for the other reports (a range built from them trapped).
    let reversed = try db.reportStore.transitReport(from: try Day(parsing: "2024-04-01"), to: try Day(parsing: "2024-03-01"))
    #expect(reversed.transit.isEmpty && reversed.dwell.allSatisfy { $0.spread == nil })
    let april = try db.reportStore.transitReport(from: try Day(parsing: "2024-04-01"), route: "CQ-KNM-VTE")
    #expect(april.transit.map(\.month) == ["2024-04"] && april.dwell.allSatisfy { $0.spread == nil })

    // A party sees its own shipments' boxes only.
    let own = try db.reportStore.transitReport(route: "CQ-KNM-VTE", party: "Laos Motors")
    #expect(own.transit.map(\.month) == ["2024-04"])
    #expect(figures(own.dwell[1].spread) == [1, 240, 240, 240, 240, 240])
    #expect(try db.reportStore.transitReport(party: "Nobody").transit.isEmpty)

    // Every route is reported without a filter; a corridor keeps its own routes.
    #expect(try db.reportStore.transitReport().transit.count == 2)
    #expect(try db.reportStore.transitReport(corridor: "CN-EU").transit.isEmpty)
    // By direction: the shipped routes all leave China, so the export filter is the whole report
    // and the import filter is empty; the two add up to the unfiltered report.
    #expect(try db.reportStore.transitReport(direction: .export).transit == db.reportStore.transitReport().transit)
    #expect(try db.reportStore.transitReport(direction: .import).transit.isEmpty)
  }

  @Test func aRetractedEventIsNotMeasured() throws {
    let db = try journeys()
    // Box 1's arrival in Vientiane was wrong: retracted, and recorded again an hour later.
    let arrival = try #require(
      try db.connection.fetchOne(
        "SELECT id FROM events WHERE container = 'CSQU3054383' AND code = 'ARRI' AND location = 'LAVTE'")?.first?.text)
    #expect(try db.eventStore.retract(eventID: arrival, reason: "wrong time", operator: "t"))
    #expect(try db.reportStore.transitReport(route: "CQ-KNM-VTE").transit.map(\.month) == ["2024-04"])
    _ = try db.eventStore.record(
      EventReport(
        id: nil, container: try ContainerNumber(parsing: "CSQU3054383"), code: .ARRI, time: try EventTime(parsing: "2024-03-03T21:00:00Z"),
        location: try LocationCode(parsing: "LAVTE"), shipment: nil, classifier: .ACT, mode: .RAIL, vehicle: nil, emptyLaden: nil, seal: nil,
        note: nil, carrierBooking: nil),
      operator: "t")
    let report = try db.reportStore.transitReport(route: "CQ-KNM-VTE")
    #expect(figures(report.transit[0].spread) == [1, 3_540, 3_540, 3_540, 3_540, 3_540])
  }

  @Test func thePageDrawsOnePointPerRouteAndMonthAndOneBarPerPlace() throws {
    let db = try journeys()
    let page = try db.reportStore.transitPage(route: "CQ-KNM-VTE")
    #expect(page.components(separatedBy: "<circle class=\"point\"").count - 1 == 2)
    #expect(page.components(separatedBy: "<rect class=\"bar\"").count - 1 == 2)
    #expect(page.components(separatedBy: "<path class=\"whisker\"").count - 1 == 4)
    // Box 1: 58 h = 2.4 days; Mohan's median 60 min = 1.0 h, its middle half 1.0–2.0 h.
    #expect(page.contains("<td>2.4</td>"))
    #expect(page.contains("1.0 h (middle half 1.0–2.0; 2 stays)"))
    #expect(try db.reportStore.transitPage(route: "CQ-KNM-VTE") == page, "the same data gives the same bytes")
  }
}
