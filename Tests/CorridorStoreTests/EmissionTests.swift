import CorridorInterchange
import CorridorPresentation
import Foundation
import Testing

@testable import CorridorModel
@testable import CorridorStore

/// A two-leg rail route with a gauge change at Dostyk (CQ-DOS) and a rail-sea ILSTC route with
/// the Qinzhou transshipment (CQ-SIN), with factors chosen so that the rounding and the region
/// rule both show. Every expected figure is worked out by hand beside it.
let emissionReference = """
  {
    "locations": [
      {"code": "CNCQI", "name": "Chongqing", "country": "CN", "kind": "rail-terminal", "timeZone": "Asia/Shanghai"},
      {"code": "CNAKL", "name": "Alashankou", "country": "CN", "kind": "border-crossing", "timeZone": "Asia/Shanghai"},
      {"code": "KZDOS", "name": "Dostyk", "country": "KZ", "kind": "border-crossing", "timeZone": "Asia/Almaty"},
      {"code": "CNQZH", "name": "Qinzhou", "country": "CN", "kind": "seaport", "timeZone": "Asia/Shanghai"},
      {"code": "SGSIN", "name": "Singapore", "country": "SG", "kind": "seaport", "timeZone": "Asia/Singapore"}
    ],
    "corridors": [{"code": "CN-EU", "name": "China-Europe"}, {"code": "ILSTC", "name": "Land-Sea"}],
    "routes": [
      {"code": "CQ-DOS", "corridor": "CN-EU", "name": "Chongqing - Dostyk", "legs": [
        {"from": "CNCQI", "to": "CNAKL", "mode": "rail", "traction": "electric", "distanceKm": 3800, "transitHours": 70},
        {"from": "CNAKL", "to": "KZDOS", "mode": "rail", "traction": "diesel", "distanceKm": 12, "transitHours": 24, "gaugeChange": true}]},
      {"code": "CQ-SIN", "corridor": "ILSTC", "name": "Chongqing - Qinzhou - Singapore", "legs": [
        {"from": "CNCQI", "to": "CNQZH", "mode": "rail", "traction": "electric", "distanceKm": 1400, "transitHours": 48, "transshipment": true},
        {"from": "CNQZH", "to": "SGSIN", "mode": "sea", "traction": null, "distanceKm": 2680, "transitHours": 144}]}
    ],
    "emissionFactors": [
      {"mode": "rail-electric", "region": "CN", "unit": "g/tkm", "wtw": "17.5", "ttw": "0", "validFrom": "2024-01-01", "source": "t"},
      {"mode": "rail-electric", "region": null, "unit": "g/tkm", "wtw": "12", "ttw": "0", "validFrom": "2024-01-01", "source": "t"},
      {"mode": "rail-diesel", "region": "KZ", "unit": "g/tkm", "wtw": "30", "ttw": "25", "validFrom": "2024-01-01", "source": "t"},
      {"mode": "rail-diesel", "region": "CN-EU", "unit": "g/tkm", "wtw": "28", "ttw": "22", "validFrom": "2024-01-01", "source": "t"},
      {"mode": "rail-diesel", "region": null, "unit": "g/tkm", "wtw": "24.25", "ttw": "19.5", "validFrom": "2024-01-01", "source": "t"},
      {"mode": "sea-container", "region": null, "unit": "g/TEU-km", "wtw": "75.5", "ttw": "62", "validFrom": "2024-01-01", "source": "t"},
      {"mode": "road-truck", "region": null, "unit": "g/tkm", "wtw": "90", "ttw": "74", "validFrom": "2024-01-01", "validTo": "2024-12-31",
       "source": "t"}
    ],
    "hubFactors": [
      {"kind": "gauge-change", "unit": "kg/container", "wtw": "9.5", "ttw": "4", "source": "t"},
      {"kind": "transshipment", "unit": "kg/TEU", "wtw": "14.25", "ttw": "6.0005", "source": "t"}
    ]
  }
  """

struct EmissionLedger {
  let db: CorridorDatabase
  var serial = 0

  init() throws {
    db = try freshDatabase()
    _ = try load(emissionReference, into: db)
  }

  /// Books a shipment with containers of these size types and gross weights (nil: none given).
  mutating func ship(_ ref: String, route: String, _ boxes: [(String, Int?)], booked: String = "2024-03-01", shipper: String = "s")
    throws
  {
    try db.shipmentStore.createShipment(
      ShipmentBooking(
        ref: ref, route: route, shipper: shipper, consignee: "c", commodity: .laptops, hsCode: nil, value: .zero(.cny),
        bookedOn: try Day(parsing: booked)), operator: "test")
    for (type, gross) in boxes {
      serial += 1
      let prefix = "CSQU" + String(format: "%06d", 700_000 + serial)
      let number = try ContainerNumber(parsing: prefix + String(ContainerNumber.checkDigit(for: Array(prefix.utf8)) ?? 0))
      try db.containerStore.addContainer(number, sizeType: try SizeType(parsing: type), operator: "test")
      try db.shipmentStore.assign(number, to: ref, grossKg: gross, operator: "test")
    }
  }
}

@Suite struct EmissionTests {
  @Test func twoLegRailJourneyWithAGaugeChange() throws {
    var l = try EmissionLedger()
    try l.ship("S1", route: "CQ-DOS", [("22G1", 18_000), ("42G1", 25_001)])
    let e = try l.db.emissionStore.emissions(of: "S1")
    let box1 = e.containers[0]
    // Leg 1 ends in CN: the CN factor (17.5), not the any-region one. 18,000 kg × 3,800 km =
    // 68,400 tkm × 17.5 = 1,197,000 g.
    #expect(box1.legs[0].factor.region == "CN")
    #expect(box1.legs[0].kgKm == 68_400_000 && box1.legs[0].wtwGrams == 1_197_000 && box1.legs[0].ttwGrams == 0)
    // Leg 2 ends in KZ: the KZ factor beats the corridor's (CN-EU) and any region's. 216 tkm ×
    // 30 = 6,480 g WTW; × 25 = 5,400 g TTW.
    #expect(box1.legs[1].factor.region == "KZ")
    #expect(box1.legs[1].wtwGrams == 6_480 && box1.legs[1].ttwGrams == 5_400)
    // The gauge change at Dostyk, once per container: 9.5 kg / 4 kg.
    #expect(box1.hubs.map(\.location.text) == ["KZDOS"])
    #expect(box1.hubs[0].factor.kind == .gaugeChange && box1.hubs[0].wtwGrams == 9_500 && box1.hubs[0].ttwGrams == 4_000)
    #expect(box1.wtwGrams == 1_212_980 && box1.ttwGrams == 9_400)
    let box2 = e.containers[1]
    // 25,001 kg × 3,800 km = 95,003.8 tkm × 17.5 = 1,662,566.5 g: half-to-even → 1,662,566.
    #expect(box2.legs[0].wtwGrams == 1_662_566)
    // 300.012 tkm × 30 = 9,000.36 → 9,000; × 25 = 7,500.3 → 7,500.
    #expect(box2.legs[1].wtwGrams == 9_000 && box2.legs[1].ttwGrams == 7_500)
    #expect(box2.wtwGrams == 1_681_066 && box2.ttwGrams == 11_500)
    // Totals are sums of the rounded lines.
    #expect(e.wtwGrams == 2_894_046 && e.ttwGrams == 20_900 && e.kgKm == 163_919_812 && !e.estimated)
    let view = EmissionsView(e)
    #expect(view.wtwKg == "2894.046" && view.ttwKg == "20.900" && view.tonneKm == "163919.812")
    #expect(view.containers[1].legs[0].tonneKm == "95003.800" && view.containers[1].legs[0].wtwKg == "1662.566")
  }

  @Test func railSeaWithTheQinzhouTransshipmentAndAMissingWeight() throws {
    var l = try EmissionLedger()
    try l.ship("S2", route: "CQ-SIN", [("42G1", nil)])
    let e = try l.db.emissionStore.emissions(of: "S2")
    let box = e.containers[0]
    // No gross weight: 2 TEU × 10,000 kg, and the result says so.
    #expect(box.grossKg == 20_000 && box.estimated && e.estimated)
    // Rail to Qinzhou: 28,000 tkm × 17.5 = 490,000 g.
    #expect(box.legs[0].wtwGrams == 490_000)
    // Sea per TEU-km: 2 TEU × 2,680 km = 5,360 × 75.5 = 404,680 g; × 62 = 332,320 g.
    #expect(box.legs[1].teuKm == 5_360 && box.legs[1].wtwGrams == 404_680 && box.legs[1].ttwGrams == 332_320)
    #expect(box.legs[1].kgKm == 53_600_000)
    // Transshipment per TEU at Qinzhou: 2 × 14.25 = 28.5 kg; 2 × 6.0005 = 12.001 kg.
    #expect(box.hubs.map(\.location.text) == ["CNQZH"])
    #expect(box.hubs[0].wtwGrams == 28_500 && box.hubs[0].ttwGrams == 12_001)
    #expect(e.wtwGrams == 923_180 && e.ttwGrams == 344_321)
    #expect(EmissionsView(e).estimated)
  }

  @Test func aMissingFactorIsNamedNotGuessed() throws {
    var l = try EmissionLedger()
    // Booked before any factor is valid.
    try l.ship("OLD", route: "CQ-DOS", [("22G1", 10_000)], booked: "2023-06-01")
    let error = try #require(throws: CorridorError.self) { try l.db.emissionStore.emissions(of: "OLD") }
    #expect(error.kind == .invalidData && error.rule == .emissionFactor)
    #expect(error.message.contains("rail-electric") && error.message.contains("leg 1 CNCQI → CNAKL of CQ-DOS"))
    #expect(error.message.contains("2023-06-01"))
    // A comparison mode outside its validity (road-truck ends 2024-12-31) is refused the same way.
    try l.ship("LATE", route: "CQ-DOS", [("22G1", 10_000)], booked: "2025-02-01")
    let late = try #require(throws: CorridorError.self) {
      try l.db.emissionStore.emissions(of: "LATE", compare: [ComparisonLeg(mode: .roadTruck, km: 100)])
    }
    #expect(late.rule == .emissionFactor && late.message.contains("road-truck"))
  }

  @Test func aRailLegWithoutTractionOrAHubWithoutAFactorStops() throws {
    let db = try freshDatabase()
    let noTraction = emissionReference.replacingOccurrences(of: "\"traction\": \"electric\", \"distanceKm\": 3800", with: "\"distanceKm\": 3800")
      .replacingOccurrences(
        of: "{\"kind\": \"gauge-change\", \"unit\": \"kg/container\", \"wtw\": \"9.5\", \"ttw\": \"4\", \"source\": \"t\"},", with: "")
    _ = try load(noTraction, into: db)
    var l = EmissionLedger.with(db)
    try l.ship("S1", route: "CQ-DOS", [("22G1", 10_000)])
    let error = try #require(throws: CorridorError.self) { try db.emissionStore.emissions(of: "S1") }
    #expect(error.rule == .traction && error.message.contains("leg 1 CNCQI → CNAKL"))
    try l.ship("S2", route: "CQ-SIN", [("22G1", 10_000)])
    #expect(try db.emissionStore.emissions(of: "S2").wtwGrams > 0)
    // The Dostyk gauge change needs a hub factor too: without one, no total.
    try db.connection.execute("UPDATE legs SET traction = 'electric' WHERE route = 'CQ-DOS' AND seq = 1")
    let hub = try #require(throws: CorridorError.self) { try db.emissionStore.emissions(of: "S1") }
    #expect(hub.rule == .hubFactor && hub.message.contains("gauge-change") && hub.message.contains("KZDOS"))
  }

  @Test func aComparisonModeMixShowsTheDifference() throws {
    var l = try EmissionLedger()
    try l.ship("S1", route: "CQ-DOS", [("22G1", 18_000), ("42G1", 25_001)])
    let e = try l.db.emissionStore.emissions(of: "S1", compare: [ComparisonLeg(mode: .roadTruck, km: 1000)])
    // 18,000 tkm × 90 = 1,620,000 g and 25,001 tkm × 90 = 2,250,090 g.
    let line = try #require(e.comparison?.first)
    #expect(line.wtwGrams == 3_870_090 && line.ttwGrams == 18_000 * 74 + 25_001 * 74)
    let view = try #require(EmissionsView(e).comparison)
    #expect(view.wtwKg == "3870.090" && view.wtwDifferenceKg == "976.044")  // 3,870,090 − 2,894,046
    // Without a distance, the route's length (3,812 km).
    let whole = try l.db.emissionStore.emissions(of: "S1", compare: [try ComparisonLeg(parsing: "sea-container")])
    #expect(whole.comparison?.first?.km == 3_812 && whole.comparison?.first?.wtwGrams == Int64(3 * 3_812) * 755 / 10)
    #expect(throws: CorridorError.self) { try ComparisonLeg(parsing: "plane:100") }
    #expect(throws: CorridorError.self) { try ComparisonLeg(parsing: "road-truck:-5") }
  }

  @Test func theReportReconcilesWithItsShipments() throws {
    var l = try EmissionLedger()
    try l.ship("S1", route: "CQ-DOS", [("22G1", 18_000), ("42G1", 25_001)], shipper: "a")
    try l.ship("S2", route: "CQ-SIN", [("42G1", nil)], shipper: "b")
    try l.ship("S3", route: "CQ-SIN", [("22G1", 12_345)], booked: "2024-04-15", shipper: "a")
    try l.ship("S4", route: "CQ-DOS", [("22G1", 9_999)], booked: "2024-04-30", shipper: "b")
    try l.db.shipmentStore.cancelShipment("S4", reason: "test", operator: "test")
    let shipments = try ["S1", "S2", "S3"].map { try l.db.emissionStore.emissions(of: $0) }
    for grouping in EmissionGrouping.allCases {
      let rows = try l.db.reportStore.emissionReport(by: grouping)
      #expect(rows.reduce(0) { $0 + $1.wtwGrams } == shipments.reduce(0) { $0 + $1.wtwGrams }, "\(grouping)")
      #expect(rows.reduce(0) { $0 + $1.ttwGrams } == shipments.reduce(0) { $0 + $1.ttwGrams }, "\(grouping)")
      #expect(rows.reduce(0) { $0 + $1.shipments } == 3, "\(grouping): the cancelled one is left out")
    }
    let corridors = try l.db.reportStore.emissionReport(by: .corridor)
    let eu = try #require(corridors.first { $0.group == "CN-EU" })
    // 2,894,046 g over 3 TEU = 964,682 g per TEU; per tonne-km: 2,894,046 g / 163,919.812 tkm
    // = 17.655 g (thousandths: 2,894,046,000,000 / 163,919,812 = 17,655.25… → 17,655).
    #expect(eu.wtwGramsPerTEU == 964_682 && eu.wtwMilligramsPerTonneKm == 17_655)
    #expect(EmissionReportView(eu).wtwKgPerTeu == "964.682" && EmissionReportView(eu).wtwGPerTonneKm == "17.655")
    let ilstc = try #require(corridors.first { $0.group == "ILSTC" })
    #expect(ilstc.shipments == 2 && ilstc.estimatedShipments == 1)
    #expect(try l.db.reportStore.emissionReport(by: .month).map(\.group) == ["2024-03", "2024-04"])
    #expect(try l.db.reportStore.emissionReport(by: .shipper).map(\.shipments) == [2, 1])
  }

  @Test func factorLoadsAreAuditedAndRefusedWhenAmbiguousOrWrong() throws {
    let db = try freshDatabase()
    let summary = try load(emissionReference, into: db)
    #expect(summary["emissionFactors"].inserted == 7 && summary["hubFactors"].inserted == 2)
    #expect(try db.auditTrail.auditLog(entity: "emissionFactor").count == 7)
    #expect(try db.auditTrail.auditLog(entity: "hubFactor").map(\.key).sorted() == ["gauge-change", "transshipment"])
    #expect(try db.auditTrail.auditLog(entity: "emissionFactor").contains { $0.key == "rail-electric//2024-01-01" })
    // The same file again changes nothing; a changed value is an audited update.
    #expect(try !load(emissionReference, into: db).changed)
    let changed = emissionReference.replacingOccurrences(of: "\"wtw\": \"30\", \"ttw\": \"25\"", with: "\"wtw\": \"31\", \"ttw\": \"25\"")
    #expect(try load(changed, into: db)["emissionFactors"].updated == 1)
    #expect(try db.auditTrail.auditLog(entity: "emissionFactor", key: "rail-diesel/KZ/2024-01-01").map(\.action) == ["insert", "update"])
    #expect(try db.auditTrail.verifyAudit().intact)

    let before = try db.connection.fetchAll("SELECT * FROM emission_factors ORDER BY 1, 2, 6")
    func refused(_ text: String, _ expected: String) {
      let error = #expect(throws: CorridorError.self) { try load(text, into: db) }
      #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
      #expect(error?.position?.file == "ref.json" || expected.contains("overlaps the existing"))
    }
    func factor(_ fields: String, source: String = "s") -> String {
      "{\"emissionFactors\": [{\"mode\": \"barge\", \"unit\": \"g/tkm\", \"validFrom\": \"2024-01-01\", \"source\": \"\(source)\", \(fields)}]}"
    }
    refused(factor("\"wtw\": \"10\", \"ttw\": \"11\""), "ttw 11 is above wtw 10")
    refused(factor("\"wtw\": \"-1\", \"ttw\": \"0\""), "invalid factor")
    refused(factor("\"wtw\": \"1.1234567\", \"ttw\": \"0\""), "at most 6 decimals")
    refused(factor("\"wtw\": 10, \"ttw\": \"0\""), "expected a string")
    refused(factor("\"wtw\": \"10\", \"ttw\": \"0\", \"region\": \"Narnia\""), "unknown region")
    refused(factor("\"wtw\": \"10\", \"ttw\": \"0\"", source: " "), "empty source")
    refused(
      "{\"emissionFactors\": [{\"mode\": \"rail-steam\", \"unit\": \"g/tkm\", \"wtw\": \"1\", \"ttw\": \"0\", \"validFrom\": \"2024-01-01\", \"source\": \"s\"}]}",
      "unknown emission mode")
    // Two factors for the same mode and region valid on the same day would make the choice a guess.
    refused(
      "{\"emissionFactors\": [{\"mode\": \"rail-diesel\", \"region\": \"KZ\", \"unit\": \"g/tkm\", \"wtw\": \"1\", \"ttw\": \"0\", \"validFrom\": \"2024-06-01\", \"source\": \"s\"}]}",
      "overlaps the existing")
    refused("{\"hubFactors\": [{\"kind\": \"crane\", \"unit\": \"kg/TEU\", \"wtw\": \"1\", \"ttw\": \"0\", \"source\": \"s\"}]}", "unknown hub kind")
    #expect(try db.connection.fetchAll("SELECT * FROM emission_factors ORDER BY 1, 2, 6") == before)
  }
}

extension EmissionLedger {
  /// A ledger over a database loaded with another reference file.
  static func with(_ db: CorridorDatabase) -> EmissionLedger { EmissionLedger(db: db) }

  private init(db: CorridorDatabase) { self.db = db }
}
