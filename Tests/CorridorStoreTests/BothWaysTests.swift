import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import Testing

/// The shipped network both ways and in every mode (issue 32): return trains through the same
/// gauge changes, trucks across the Mekong borders, barges down the Yangtze.
@Suite struct BothWaysTests {
  /// A database with the shipped reference data and one 40 ft box booked on `route`.
  static func booked(_ route: String, box: String = "CSQU3054383") throws -> CorridorDatabase {
    let db = try shippedLedger(at: try EventTime(parsing: "2024-06-01T00:00:00Z"), operator: "t")
    let number = try ContainerNumber(parsing: box)
    try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: "42G1"), tareKg: 3750, maxGrossKg: 30_480, operator: "t")
    try db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: "S1", route: route, shipper: "Chongqing Moto Works", consignee: "Hanoi Import JSC", commodity: .motorcycles, hsCode: nil,
        value: try Money(parsing: "100000.00", currency: .usd), bookedOn: try Day(parsing: "2024-03-01")),
      operator: "t")
    try db.shipmentStore.assign(number, to: "S1", grossKg: 12_000, seals: [], operator: "t")
    return db
  }

  static func record(
    _ db: CorridorDatabase, _ code: EventCode, _ at: String, _ place: String, mode: TransportModeCode? = nil, box: String = "CSQU3054383"
  ) throws {
    _ = try db.eventStore.record(
      EventReport(
        id: nil, container: try ContainerNumber(parsing: box), code: code, time: try EventTime(parsing: at),
        location: try LocationCode(parsing: place),
        shipment: nil, classifier: .ACT, mode: mode, vehicle: nil, emptyLaden: nil, seal: nil, note: nil, carrierBooking: nil),
      operator: "t")
  }

  /// The gauge a box rides on after each leg, starting on standard gauge in China or Europe:
  /// each gauge change flips between 1,435 mm and the other system's gauge.
  static func gauges(_ route: Route) -> [Int] {
    var gauge = 1435
    return route.legs.map { leg in
      if leg.gaugeChange { gauge = gauge == 1435 ? 1520 : 1435 }
      return gauge
    }
  }

  @Test func returnTrainsChangeGaugeAtTheSameBordersTheOtherWayRound() throws {
    let db = try shippedLedger(operator: "t")
    let routes = Dictionary(uniqueKeysWithValues: try db.networkStore.routes().map { ($0.code, $0) })
    for (out, back) in [("CQ-AKL-DUI", "DUI-AKL-CQB"), ("CQ-HRS-DUI", "DUI-HRS-CQ")] {
      let outbound = try #require(routes[out])
      let inbound = try #require(routes[back])
      #expect(outbound.direction == .export && inbound.direction == .import)
      // 1,435 → 1,520 → 1,435 mm both ways, and the changes happen at the same pairs of border stations.
      #expect(Self.gauges(outbound).first == 1435 && Self.gauges(outbound).contains(1520) && Self.gauges(outbound).last == 1435)
      #expect(Self.gauges(inbound).first == 1435 && Self.gauges(inbound).contains(1520) && Self.gauges(inbound).last == 1435)
      let pairs = { (route: Route) in Set(route.legs.filter(\.gaugeChange).map { Set([$0.from.text, $0.to.text]) }) }
      #expect(pairs(outbound) == pairs(inbound) && pairs(inbound).count == 2)
    }
    // Inbound boxes can end in the bonded zone.
    #expect(routes["DUI-AKL-CQB"]?.destination?.text == "CNCQ9")
    #expect(try db.networkStore.location("CNCQ9")?.kind == .bondedZone)
    // Every corridor has a way home, and every shipped route's direction is what its ends say.
    let expected: [String: RouteDirection] = [
      "DUI-AKL-CQB": .import, "DUI-HRS-CQ": .import, "SIN-QZH-CQ": .import, "VTE-KNM-CQ": .import, "HAN-NIN-CQ": .import,
      "CQ-PIN-HAN-ROAD": .export, "CQ-MHN-VTE-ROAD": .export, "CQ-MHN-BKK-ROAD": .export, "CQG-SHA-SIN": .export,
      "CQ-QZH-PKG": .export, "CQ-QZH-LCH": .export, "CQ-QZH-HPH": .export, "CQ-QZH-SGN": .export, "CQ-VTE-LCH": .export,
    ]
    for (code, direction) in expected { #expect(routes[code]?.direction == direction, "\(code)") }
    #expect(Set(routes.values.filter { $0.direction == .import }.map(\.corridor)) == ["CN-EU", "ILSTC", "CN-LA", "CN-VN"])
    #expect(Set(routes.values.flatMap(\.legs).map(\.mode)) == Set(TransportMode.allCases))
  }

  @Test func aTruckCrossesTheBorderOnlyAfterCustomsReleasesIt() throws {
    let db = try Self.booked("CQ-PIN-HAN-ROAD")
    try Self.record(db, .GTIN, "2024-03-02T09:00:00+08:00", "CNCQI")
    try Self.record(db, .LOAD, "2024-03-02T10:00:00+08:00", "CNCQI", mode: .TRUCK)
    try Self.record(db, .DEPA, "2024-03-02T11:00:00+08:00", "CNCQI", mode: .TRUCK)
    try Self.record(db, .ARRI, "2024-03-03T17:00:00+08:00", "CNPIN", mode: .TRUCK)
    try Self.record(db, .CUSI, "2024-03-03T18:00:00+08:00", "CNPIN")
    let held = #expect(throws: CorridorError.self) { try Self.record(db, .DEPA, "2024-03-03T19:00:00+08:00", "CNPIN", mode: .TRUCK) }
    #expect(held?.rule == .customsHold)
    try Self.record(db, .CUSR, "2024-03-04T08:00:00+08:00", "CNPIN")
    try Self.record(db, .DEPA, "2024-03-04T09:00:00+08:00", "CNPIN", mode: .TRUCK)
    try Self.record(db, .ARRI, "2024-03-04T12:00:00+07:00", "VNLGS", mode: .TRUCK)
    try Self.record(db, .CROS, "2024-03-04T12:30:00+07:00", "VNLGS", mode: .TRUCK)
    let report = try db.reportStore.track(try ContainerNumber(parsing: "CSQU3054383"))
    #expect(report.lastEvent?.code == .CROS && report.lastEvent?.location.text == "VNLGS")
    // The truck's mode goes out as DCSA's TRUCK and EDIFACT's TDT mode 3.
    var ndjson = ""
    _ = try db.eventStore.exportEvents(format: .ndjson) { ndjson += $0 }
    #expect(ndjson.contains(#""modeOfTransport":"TRUCK""#))
    var edifact = ""
    _ = try db.eventStore.exportEvents(format: .edifact) { edifact += $0 }
    #expect(edifact.contains("TDT+20++3'"))
  }

  @Test func aBargesBoxGoesOnByShipAtShanghai() throws {
    let db = try Self.booked("CQG-SHA-SIN")
    try Self.record(db, .GTIN, "2024-03-02T09:00:00+08:00", "CNCHQ")
    try Self.record(db, .LOAD, "2024-03-02T12:00:00+08:00", "CNCHQ", mode: .BARGE)
    try Self.record(db, .DEPA, "2024-03-02T14:00:00+08:00", "CNCHQ", mode: .BARGE)
    try Self.record(db, .ARRI, "2024-03-12T10:00:00+08:00", "CNSGH", mode: .BARGE)
    try Self.record(db, .DISC, "2024-03-12T12:00:00+08:00", "CNSGH", mode: .BARGE)
    try Self.record(db, .LOAD, "2024-03-13T08:00:00+08:00", "CNSGH", mode: .VESSEL)
    try Self.record(db, .DEPA, "2024-03-13T20:00:00+08:00", "CNSGH", mode: .VESSEL)
    let report = try db.reportStore.track(try ContainerNumber(parsing: "CSQU3054383"))
    #expect(report.lastEvent?.code == .DEPA && report.history.last?.report.mode == .VESSEL && report.leg == 2)
    // Emissions: the barge's factor for 2,400 km, the ship's for 4,100 km, one transshipment.
    // 12,000 kg gross (box and cargo) = 12 t × 2,400 km × 33.0 g/tkm = 950.4 kg WTW;
    // 2 TEU × 4,100 km × 75.0 g/TEU-km = 615 kg; transshipment 14.0 kg/TEU × 2 = 28 kg.
    let emissions = try db.emissionStore.emissions(of: "S1")
    let legs = try #require(emissions.containers.first?.legs)
    #expect(legs.map(\.mode) == [.barge, .seaContainer])
    #expect(legs.map(\.wtwGrams) == [950_400, 615_000])
    #expect(emissions.containers.first?.hubs.map(\.wtwGrams) == [28_000])
    // The demo's journeys load the box onto what carries the next leg.
    let route = try #require(try db.networkStore.routes().first { $0.code == "CQG-SHA-SIN" })
    var random = JourneyModel.Random(state: 7)
    var conditions = JourneyModel.Conditions(seed: 7)
    let run = conditions.run(route, start: 0, boxes: 1)
    let loads = JourneyModel.journey(route, run: run, random: &random).filter { $0.code == .LOAD }
    #expect(loads.map(\.place.text) == ["CNCHQ", "CNSGH"] && loads.map(\.mode) == [.BARGE, .VESSEL])
  }

  @Test func theUNLOCODEListKeepsTheRiverPortAndTheAlias() throws {
    let path = temporaryFolder() + "/unlocode.csv"
    try """
    ,CN,CHQ,Chongqing Pt,Chongqing Pt,50,1-------,AS,1401,,,
    ,CN,CKG,Chongqing Jiangbei International Apt,Chongqing Jiangbei International Apt,50,---4----,AS,1601,,,
    ,CN,CQI,Chongqing,Chongqing,50,12-45---,AS,1601,,2935N 10633E,
    ,CN,CQD,Chongqingdong Railway Station,Chongqingdong Railway Station,50,-2------,AS,1601,,,

    """.write(toFile: path, atomically: true, encoding: .utf8)
    let db = try shippedLedger(operator: "t")
    _ = try UNLOCODEImport.run(path: path, db: db, operator: "t")
    // The curated river port keeps its name and kind; carriers' CNCKG still means Tuanjiecun.
    #expect(try db.networkStore.location("CNCHQ")?.name == "Chongqing Guoyuan Port")
    #expect(try db.networkStore.location("CNCHQ")?.kind == .inlandPort)
    #expect(try db.networkStore.location("CNCKG")?.code.text == "CNCQI")
    #expect(try db.networkStore.location("CNCQD")?.name == "Chongqingdong Railway Station")
    // And loading the shipped reference again over it changes nothing.
    _ = try db.loadShippedReference(operator: "t")
    #expect(try db.networkStore.routes().count == 20)
  }

  @Test func aPolicyForReturnTrainsReducesOnlyTheReturnTrains() throws {
    let out = try Self.booked("CQ-AKL-DUI")
    let back = try Self.booked("DUI-AKL-CQB")
    let policy = #"""
      {"policies": [{"name": "Return-train support", "corridor": "CN-EU", "kind": "per-container", "value": "500.00", "currency": "CNY",
        "direction": "import", "validFrom": "2024-01-01", "illustrative": true, "source": "test"}]}
      """#
    for db in [out, back] { _ = try db.loadReference(bytes: Array(policy.utf8), file: "policy.json", operator: "t") }
    // One 40 ft box each: 500.00 CNY off the return train's base freight, nothing off the westbound one.
    #expect(try back.costStore.cost(of: "S1").reductions == Money(minorUnits: 50_000, currency: .cny))
    #expect(try out.costStore.cost(of: "S1").reductions == Money(minorUnits: 0, currency: .cny))
    #expect(try back.costStore.policies().first { $0.name == "Return-train support" }?.direction == .import)
    // The audit trail keeps the direction and still verifies (entries before the column too).
    #expect(try back.auditTrail.verifyAudit().intact)
    // A direction the trade does not have is refused where it is written.
    let bad = policy.replacingOccurrences(of: #""import""#, with: #""inbound""#)
    let error = #expect(throws: CorridorError.self) { _ = try out.loadReference(bytes: Array(bad.utf8), file: "bad.json", operator: "t") }
    #expect(error?.description.contains("bad.json:2:") == true && error?.message.contains("unknown direction") == true, "\(error?.description ?? "")")
  }

  @Test func eachReportsDirectionFilterAddsUpToTheWhole() throws {
    let db = try Self.booked("CQ-AKL-DUI")
    for (ref, route, box) in [("S2", "DUI-AKL-CQB", "MSKU9070323"), ("S3", "CQ-MHN-VTE-ROAD", "TCNU7200794"), ("S4", "SIN-QZH-CQ", "MSKU1234565")] {
      let number = try ContainerNumber(parsing: box)
      try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: "22G1"), tareKg: 2200, maxGrossKg: 30_480, operator: "t")
      try db.shipmentStore.createShipment(
        ShipmentBooking(
          ref: ref, route: route, shipper: "A", consignee: "B", commodity: .automobiles, hsCode: nil,
          value: try Money(parsing: "50000.00", currency: .usd), bookedOn: try Day(parsing: "2024-04-01")),
        operator: "t")
      try db.shipmentStore.assign(number, to: ref, grossKg: 8_000, seals: [], operator: "t")
    }
    let reports = db.reportStore
    func costs(_ direction: RouteDirection?) throws -> (shipments: Int, gross: Int64, net: Int64) {
      let rows = try reports.costReport(by: .route, direction: direction)
      return (rows.map(\.shipments).reduce(0, +), rows.map(\.gross.minorUnits).reduce(0, +), rows.map(\.net.minorUnits).reduce(0, +))
    }
    let (all, out, home) = (try costs(nil), try costs(.export), try costs(.import))
    #expect(out.shipments == 2 && home.shipments == 2 && all.shipments == 4)
    #expect(out.gross + home.gross == all.gross && out.net + home.net == all.net && home.gross > 0)
    #expect(try reports.costReport(by: .route, direction: .import).map(\.group) == ["DUI-AKL-CQB", "SIN-QZH-CQ"])
    #expect(try reports.costReport(by: .route, direction: .transit).isEmpty)
    func emissions(_ direction: RouteDirection?) throws -> (shipments: Int, wtw: Int64) {
      let rows = try reports.emissionReport(by: .route, direction: direction)
      return (rows.map(\.shipments).reduce(0, +), rows.map(\.wtwGrams).reduce(0, +))
    }
    let (allE, outE, homeE) = (try emissions(nil), try emissions(.export), try emissions(.import))
    #expect(outE.shipments == 2 && homeE.shipments == 2 && outE.wtw + homeE.wtw == allE.wtw && homeE.wtw > 0)
    // The page says which direction it shows.
    #expect(try reports.costPage(asOf: nil, direction: .import).contains("import routes"))
  }

  @Test func aFreeTimeRuleForReturnTrainsPricesOnlyBoxesComingHome() throws {
    // Dostyk's shipped storage rule (2 free days, then 20.00 USD a day) holds both ways; a
    // stricter one for return trains (no free day, 35.00 USD a day) wins for them: it names a
    // direction, so it is the more specific.
    let rule = #"""
      {"freeTime": [{"location": "KZDOS", "kind": "storage", "starts": "ARRI", "ends": "DEPA", "equipment": "any", "freeDays": 0,
        "tiers": [{"fromDay": 1, "perDay": "35.00"}], "currency": "USD", "validFrom": "2023-01-01", "direction": "import"}]}
      """#
    var charges: [String: [String]] = [:]
    for route in ["CQ-AKL-DUI", "DUI-AKL-CQB"] {
      let db = try Self.booked(route)
      _ = try db.loadReference(bytes: Array(rule.utf8), file: "rule.json", operator: "t")
      // At Dostyk from 2024-03-10 10:00 to 2024-03-13 10:00 local.
      let origin = route.hasPrefix("CQ") ? "CNCQI" : "DEDUI"
      try Self.record(db, .GTIN, "2024-03-02T09:00:00+01:00", origin)
      try Self.record(db, .LOAD, "2024-03-02T10:00:00+01:00", origin, mode: .RAIL)
      try Self.record(db, .DEPA, "2024-03-02T11:00:00+01:00", origin, mode: .RAIL)
      try Self.record(db, .ARRI, "2024-03-10T10:00:00+05:00", "KZDOS", mode: .RAIL)
      try Self.record(db, .DEPA, "2024-03-13T10:00:00+05:00", "KZDOS", mode: .RAIL)
      let stays = try db.freeTimeStore.stays(of: try ContainerNumber(parsing: "CSQU3054383"), asOf: try EventTime(parsing: "2024-03-20T00:00:00Z"))
      charges[route] = stays.map { "\($0.rule) \($0.priced.chargeableDays) \($0.priced.charge.amountText)" }
    }
    // Calendar days 10, 11, 12 and 13 March count (the day of arrival and of departure too):
    // 4 × 35.00 = 140.00 for the box coming home; the outbound box's first 2 are free, 2 × 20.00.
    #expect(charges["DUI-AKL-CQB"] == ["KZDOS/storage/any/any/any/2023-01-01/import 4 140.00"])
    #expect(charges["CQ-AKL-DUI"] == ["KZDOS/storage/any/any/any/2023-01-01 2 40.00"])
  }

}
