import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// Both directions (issue 32, a first part): `report imports` counts the shipments on routes into
/// China and `report exports` keeps its meaning (routes out of China only); the two add up to
/// every shipment of the year; the partner country is the other end.
@Suite struct DirectionTests {
  @Test func importsAndExportsSplitTheShipmentsByTheirRoutesDirection() throws {
    let db = try shippedLedger(operator: "t")
    let legs = zip(["DEDUI", "PLMAA", "BYBQT", "KZDOS", "CNAKL"], ["PLMAA", "BYBQT", "KZDOS", "CNAKL", "CNCQI"]).map { from, to in
      #"{"from": "\#(from)", "to": "\#(to)", "mode": "rail", "distanceKm": 100, "transitHours": 10, "borderCrossing": false, "gaugeChange": false}"#
    }
    _ = try db.loadReference(
      bytes: Array(
        #"{"routes": [{"code": "DUI-AKL-CQ", "corridor": "CN-EU", "name": "Duisburg - Chongqing", "direction": "import", "legs": [\#(legs.joined(separator: ", "))]}]}"#
          .utf8), file: "inbound.json", operator: "t")
    for (ref, route, commodity, value) in [
      ("IN-1", "DUI-AKL-CQ", Commodity.automobiles, "5000000.00"), ("IN-2", "DUI-AKL-CQ", .machinery, "1200000.00"),
      ("OUT-1", "CQ-AKL-DUI", .laptops, "2000000.00"),
    ] {
      _ = try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: route, shipper: "A", consignee: "B", commodity: commodity, hsCode: nil, value: try Money(parsing: value, currency: .cny),
          bookedOn: Day(year: 2024, month: 5, day: 1)), operator: "t")
    }
    let imports = try db.reportStore.exportReport(year: 2024, direction: .import)
    #expect(imports.map(\.group) == ["automobiles", "machinery"] && imports.map(\.value) == [500_000_000, 120_000_000])
    let exports = try db.reportStore.exportReport(year: 2024)
    #expect(exports.map(\.group) == ["laptops"] && exports.map(\.shipments) == [1])
    let counted: Int = imports.map(\.shipments).reduce(0, +) + exports.map(\.shipments).reduce(0, +)
    #expect(counted == 3)
    #expect(try db.reportStore.exportReport(year: 2024, by: .partnerCountry, direction: .import).map(\.group) == ["DE"])
    #expect(try db.reportStore.exportReport(year: 2024, by: .partnerCountry).map(\.group) == ["DE"])
    #expect(try db.reportStore.exportReport(year: 2024, by: .destinationCountry, direction: .import).map(\.group) == ["CN"])
    let page = try db.reportStore.exportsPage(year: 2024, compare: nil, language: .simplifiedChinese, direction: .import)
    #expect(page.contains("2024年重庆进口（按商品）") && !page.contains("出口"))
  }
}
