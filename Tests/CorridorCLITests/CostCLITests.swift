import Foundation
import Testing

/// The seed figures: `corridor init --sample` reproduces Chongqing Customs' published 2024
/// export figures through the CLI.
@Suite(.serialized) struct CostCLITests {
  /// Built once for the suite; a failed set-up fails every test that uses it, with its reason.
  static let db: Result<String, CLISetupError> = {
    let path = CLI.temporaryFolder() + "/sample.db"
    do {
      let result = try CLI.run(["init", "--sample", "--db", path])
      return result.status == 0 ? .success(path) : .failure(CLISetupError(message: "init --sample exited \(result.status): \(result.stderr)"))
    } catch {
      return .failure(CLISetupError(message: "init --sample did not run: \(error)"))
    }
  }()

  func rows(_ args: [String]) throws -> [[String: Any]] {
    let result = try CLI.run(args + ["--db", try Self.db.get(), "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(try CLI.json(result.stdout) as? [[String: Any]])
  }

  @Test func exports2024AgainstLastYearByCommodity() throws {
    let table = try rows(["report", "exports", "--year", "2024", "--compare", "2023", "--by", "commodity"])
    let byGroup = Dictionary(uniqueKeysWithValues: table.map { ($0["group"] as? String ?? "", $0) })
    #expect(table.first?["group"] as? String == "laptops")  // the largest category by value
    #expect(byGroup["automobiles"]?["value"] as? String == "43130000000.00")  // 43.13 bn CNY
    #expect(byGroup["automobiles"]?["changePercent"] as? Double == 30.0)  // +30%
    #expect(byGroup["electric-vehicles"]?["value"] as? String == "8210000000.00")  // 8.21 bn CNY
    #expect(byGroup["electric-vehicles"]?["changePercent"] as? Double == 94.1)  // +94%
    #expect(byGroup["electric-vehicles"]?["parent"] as? String == "automobiles")
    #expect(byGroup["motorcycles"]?["value"] as? String == "20440000000.00")  // about 20 bn CNY
    let groups = table.compactMap { $0["group"] as? String }
    #expect(groups.firstIndex(of: "electric-vehicles") == (groups.firstIndex(of: "automobiles") ?? -9) + 1)  // beneath its category
  }

  /// The sample's boxes coming home: `report imports` in the exports' shape, the shipments'
  /// direction in their JSON, and each report's direction filter adding up to the whole.
  @Test func importsAndDirectionsOfTheSample() throws {
    let imports = try rows(["report", "imports", "--year", "2024", "--compare", "2023"])
    #expect(imports.compactMap { $0["group"] as? String } == ["automobiles", "chemicals", "general", "food"])
    // 4,200,000.00 + 4,500,000.00 EUR of vehicles, each at its booking day's rate.
    #expect(imports.first?["shipments"] as? Int == 2 && imports.first?["teu"] as? Int == 24)
    let home = try rows(["shipment", "list", "--direction", "import"])
    #expect(home.count == 16 && home.allSatisfy { $0["direction"] as? String == "import" })
    #expect(try rows(["shipment", "list", "--route", "CQG-SHA-SIN"]).compactMap { $0["ref"] as? String } == ["CQ24-PRT-07", "CQ24-PRT-10"])
    for report in [["report", "costs", "--by", "route"], ["report", "emissions", "--by", "route"]] {
      let count = { (rows: [[String: Any]]) in rows.compactMap { $0["shipments"] as? Int }.reduce(0, +) }
      let all = count(try rows(report))
      let parts = try ["export", "import"].map { count(try rows(report + ["--direction", $0])) }
      #expect(parts == [120, 16] && parts.reduce(0, +) == all, "\(report)")
    }
    let table = try CLI.run(["report", "costs", "--direction", "sideways", "--db", try Self.db.get()])
    #expect(table.status == 64 && table.stderr.contains("direction"))
  }

  @Test func automobilesInUSDAtTheYearEndRate() throws {
    let table = try rows(["report", "exports", "--year", "2024", "--by", "commodity", "--currency", "USD", "--fx-at", "2024-12-31"])
    let autos = try #require(table.first { $0["group"] as? String == "automobiles" })
    // 43.13 bn CNY / 7.2988 = 5.909 bn USD: "about 5.91 billion USD".
    let value = try #require(Double(autos["value"] as? String ?? ""))
    #expect(value > 5.905e9 && value < 5.915e9)
    #expect(autos["currency"] as? String == "USD")
  }

  @Test func costsByCorridorHaveTheContractKeys() throws {
    let table = try rows(["report", "costs", "--from", "2024-01-01", "--to", "2024-12-31", "--by", "corridor"])
    #expect(Set(table.compactMap { $0["group"] as? String }) == ["CN-EU", "CN-LA", "CN-VN", "ILSTC", "GMS-ROAD", "YANGTZE"])
    for key in ["group", "shipments", "containers", "teu", "gross", "reductions", "net", "netPerTeu", "netPerTeuKm", "currency"] {
      #expect(table.allSatisfy { $0.keys.contains(key) }, "missing \(key)")
    }
    let ilstc = try #require(table.first { $0["group"] as? String == "ILSTC" })
    #expect((ilstc["reductions"] as? String).map { $0 != "0.00" } == true)  // the ILSTC reduction applies in 2024
    let laos = try #require(table.first { $0["group"] as? String == "CN-LA" })
    #expect(laos["reductions"] as? String == "0.00")  // its extension starts 2025-01-01
  }

  @Test func costOfOneShipmentJSON() throws {
    let result = try CLI.run(["cost", "CQ24-MOT-01", "--db", try Self.db.get(), "--format", "json"])
    let object = try #require(try CLI.json(result.stdout) as? [String: Any])
    for key in ["shipment", "currency", "teu", "gross", "reductions", "net", "netPerTeu", "containers"] {
      #expect(object.keys.contains(key), "missing \(key)")
    }
    let containers = try #require(object["containers"] as? [[String: Any]])
    let line = try #require((containers.first?["lines"] as? [[String: Any]])?.first)
    #expect(Set(line.keys) == ["component", "leg", "basis", "gross", "reductions", "net"])
  }

  @Test func missingRateIsExit65() throws {
    let result = try CLI.run(["cost", "CQ24-MOT-01", "--currency", "EUR", "--fx-at", "2022-01-01", "--db", try Self.db.get()])
    #expect(result.status == 65)
    #expect(result.stderr.contains("on or before 2022-01-01"))
  }
}

@Suite struct LedgerCLITests {
  @Test func tariffPolicyAndRateCommands() throws {
    let env = ["CORRIDOR_DB": CLI.temporaryFolder() + "/l.db"]
    #expect(try CLI.run(["init"], environment: env).status == 0)
    let add = try CLI.run(
      [
        "tariff", "add", "--route", "CQ-QZH-SIN", "--leg", "2", "--component", "security", "--equipment", "40", "--basis", "container",
        "--amount", "12.50", "--currency", "USD", "--from", "2024-01-01", "--to", "2024-12-31",
      ], environment: env)
    #expect(add.status == 0, "\(add.stderr)")
    let overlap = try CLI.run(
      [
        "tariff", "add", "--route", "CQ-QZH-SIN", "--leg", "2", "--component", "security", "--equipment", "40", "--basis", "container",
        "--amount", "13.00", "--currency", "USD", "--from", "2024-06-01",
      ], environment: env)
    #expect(overlap.status == 65)
    #expect(overlap.stderr.contains("[tariff-overlap]"))
    let list = try CLI.run(["tariff", "list", "--route", "CQ-QZH-SIN", "--at", "2024-03-01", "--format", "json"], environment: env)
    let tariffs = try #require(try CLI.json(list.stdout) as? [[String: Any]])
    #expect(tariffs.contains { $0["component"] as? String == "security" && $0["amount"] as? String == "12.50" && $0["leg"] as? Int == 2 })

    let policy = try CLI.run(
      [
        "policy", "add", "Test rebate", "--corridor", "CN-LA", "--kind", "per-container", "--value", "50", "--currency", "USD",
        "--cap", "40", "--cap-currency", "USD", "--commodity", "motorcycles,auto-parts", "--from", "2024-01-01",
      ], environment: env)
    #expect(policy.status == 0, "\(policy.stderr)")
    let policies = try #require(try CLI.json(try CLI.run(["policy", "list", "--format", "json"], environment: env).stdout) as? [[String: Any]])
    #expect(policies.contains { $0["name"] as? String == "Test rebate" && $0["cap"] as? String == "40.00" })

    #expect(try CLI.run(["fx", "add", "--date", "2024-12-31", "--base", "USD", "--quote", "CNY", "--rate", "7.2988"], environment: env).status == 0)
    #expect(try CLI.run(["fx", "add", "--date", "2024-12-31", "--base", "USD", "--quote", "CNY", "--rate", "0"], environment: env).status == 65)
    let rates = try CLI.run(["fx", "list", "--format", "csv"], environment: env)
    #expect(rates.stdout.contains("2024-12-31,USD,CNY,7.2988"))
  }
}
