import Foundation
import Testing

/// `corridor emissions` and `report emissions` through the real binary, on the shipped
/// reference data: the JSON contracts, exit codes and one-line errors scripts depend on.
@Suite struct EmissionCLITests {
  @Test func everyShippedRouteHasEmissionsAndTheContractKeys() throws {
    let path = CLI.temporaryFolder() + "/sample.db"
    #expect(try CLI.run(["init", "--sample", "--db", path]).status == 0)
    let report = try CLI.run(["report", "emissions", "--by", "corridor", "--db", path, "--format", "json"])
    #expect(report.status == 0, "\(report.stderr)")
    let rows = try #require(try CLI.json(report.stdout) as? [[String: Any]])
    #expect(Set(rows.compactMap { $0["group"] as? String }) == ["CN-EU", "CN-LA", "CN-VN", "ILSTC", "GMS-ROAD", "YANGTZE"])
    for key in ["group", "shipments", "estimatedShipments", "containers", "teu", "tonneKm", "wtwKg", "ttwKg", "wtwKgPerTeu", "wtwGPerTonneKm"] {
      #expect(rows.allSatisfy { $0.keys.contains(key) }, "missing \(key)")
    }
    // The same shipments grouped another way add up to the same grams.
    func grams(_ rows: [[String: Any]]) -> Int {
      rows.reduce(0) { $0 + Int(($1["wtwKg"] as? String ?? "").replacingOccurrences(of: ".", with: ""))! }
    }
    let byRoute = try #require(
      try CLI.json(try CLI.run(["report", "emissions", "--by", "route", "--db", path, "--format", "json"]).stdout) as? [[String: Any]])
    #expect(grams(byRoute) == grams(rows) && grams(rows) > 0)

    let one = try CLI.run(["emissions", "CQ24-MOT-01", "--compare", "road-truck", "--db", path, "--format", "json"])
    #expect(one.status == 0, "\(one.stderr)")
    let object = try #require(try CLI.json(one.stdout) as? [String: Any])
    for key in ["shipment", "wtwKg", "ttwKg", "tonneKm", "estimated", "containers", "comparison"] {
      #expect(object.keys.contains(key), "missing \(key)")
    }
    let box = try #require((object["containers"] as? [[String: Any]])?.first)
    #expect(Set(["container", "grossKg", "legs", "hubs"]).isSubset(of: box.keys))
    let leg = try #require((box["legs"] as? [[String: Any]])?.first)
    #expect(Set(["leg", "mode", "km", "tonneKm", "factor", "wtwKg", "ttwKg"]).isSubset(of: leg.keys))
    #expect(Set((leg["factor"] as? [String: Any] ?? [:]).keys) == ["mode", "region", "unit", "wtw", "ttw", "source"])
    #expect((leg["wtwKg"] as? String)?.split(separator: ".").last?.count == 3)
    let comparison = try #require(object["comparison"] as? [String: Any])
    #expect((comparison["wtwDifferenceKg"] as? String).map { !$0.hasPrefix("-") } == true)  // the truck emits more

    let table = try CLI.run(["emissions", "CQ24-MOT-01", "--db", path])
    #expect(table.status == 0 && table.stdout.contains("kg CO2e well-to-wheel"))
  }

  @Test func aMissingFactorIsExit65OnOneLine() throws {
    let (_, db) = try Fixture.journey()
    #expect(try CLI.run(["emissions", "S1", "--db", db]).status == 0)
    for step in [
      ["container", "add", "TGHU1000002", "--type", "22G1", "--db", db],
      [
        "shipment", "create", "OLD", "--route", "CQ-KNM-VTE", "--shipper", "a", "--consignee", "b", "--commodity", "laptops",
        "--value", "1.00", "--currency", "USD", "--booked", "2022-06-01", "--db", db,
      ],
      ["shipment", "assign", "OLD", "TGHU1000002", "--gross-kg", "12000", "--db", db],
    ] {
      let result = try CLI.run(step)
      #expect(result.status == 0, "\(step): \(result.stderr)")
    }
    let result = try CLI.run(["emissions", "OLD", "--db", db])
    #expect(result.status == 65)
    #expect(result.stderr.hasPrefix("corridor: error: no rail-electric emission factor valid on 2022-06-01 for leg 1 CNCQI → CNKNM"))
    #expect(result.stderr.contains("[emission-factor]"))
    #expect(result.stdout.isEmpty)
    let report = try CLI.run(["report", "emissions", "--db", db])
    #expect(report.status == 65 && report.stderr.contains("shipment OLD:"))
    #expect(try CLI.run(["emissions", "S1", "--compare", "plane", "--db", db]).status == 65)
    #expect(try CLI.run(["emissions", "NOPE", "--db", db]).status == 65)
  }
}
