import Foundation
import Testing

/// `corridor free-time`, `report free-time` and `container add --owner` through the binary: the
/// JSON contract of docs/waiting-costs.md, exit codes, and a refused rules file writing nothing.
@Suite struct FreeTimeCLITests {
  let env: [String: String]

  init() throws {
    env = ["CORRIDOR_DB": CLI.temporaryFolder() + "/t.db", "CORRIDOR_OPERATOR": "lin.wei"]
    var steps: [[String]] = [
      ["init"],
      ["container", "add", "CSQU3054383", "--type", "42G1"],
      [
        "shipment", "create", "CQ24-0001", "--route", "CQ-AKL-DUI", "--shipper", "Chongqing Laptop Co", "--consignee", "Duisburg GmbH",
        "--commodity", "laptops", "--hs", "847130", "--value", "1250000.00", "--currency", "USD", "--booked", "2024-03-01",
      ],
      ["shipment", "assign", "CQ24-0001", "CSQU3054383", "--gross-kg", "12000"],
    ]
    for (code, at, place) in [
      ("GTIN", "2024-03-04T09:00:00+08:00", "CNCQI"), ("LOAD", "2024-03-05T08:00:00+08:00", "CNCQI"),
      ("DEPA", "2024-03-05T10:00:00+08:00", "CNCQI"), ("ARRI", "2024-03-28T08:00:00+01:00", "DEDUI"),
      ("DISC", "2024-04-01T10:00:00+02:00", "DEDUI"),
    ] {
      steps.append(["event", "record", "CSQU3054383", code, "--at", at, "--location", place, "--allow-gap"])
    }
    for args in steps {
      let result = try CLI.run(args, environment: env)
      #expect(result.status == 0, "\(args): \(result.stderr)")
    }
  }

  @Test func freeTimeJSONContract() throws {
    let result = try CLI.run(["free-time", "CSQU3054383", "--as-of", "2024-04-12T12:00:00Z", "--format", "json"], environment: env)
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try CLI.json(result.stdout) as? [String: Any])
    #expect(object["container"] as? String == "CSQU3054383")
    let stays = try #require(object["stays"] as? [[String: Any]])
    #expect(stays.count == 1)
    let stay = try #require(stays.first)
    for key in ["location", "kind", "startedAt", "lastFreeDay", "endedAt", "chargeableDays", "charge", "rule"] {
      #expect(stay.keys.contains(key), "missing \(key)")
    }
    #expect(stay["location"] as? String == "DEDUI" && stay["kind"] as? String == "demurrage")
    #expect(stay["lastFreeDay"] as? String == "2024-04-05")
    #expect(stay["endedAt"] is NSNull)
    // 6–12 April: 5 days at 40.00 and 2 at 75.00.
    #expect(stay["chargeableDays"] as? Int == 7)
    #expect((stay["charge"] as? [String: String]) == ["amount": "350.00", "currency": "EUR"])
    #expect(stay["rule"] as? String == "DEDUI/demurrage/any/any/any/2023-01-01")
  }

  /// Open at Duisburg as of 12 April: 350.00 EUR, at the shipped 7.80 CNY per EUR 2,730.00 CNY,
  /// beside the freight in `cost` and `report costs`; with `--currency EUR` the stay's own 350.00.
  @Test func waitingSitsBesideTheFreight() throws {
    let cost = try CLI.run(["cost", "CQ24-0001", "--as-of", "2024-04-12T12:00:00Z", "--format", "json"], environment: env)
    #expect(cost.status == 0, "\(cost.stderr)")
    let object = try #require(try CLI.json(cost.stdout) as? [String: Any])
    let waiting = try #require(object["waiting"] as? [String: String])
    #expect(waiting == ["demurrage": "2730.00", "detention": "0.00", "storage": "0.00", "total": "2730.00"])
    #expect(object["asOf"] as? String == "2024-04-12T12:00:00Z")
    #expect((object["stays"] as? [Any])?.count == 1)
    let netText = try #require(object["net"] as? String)
    let totalText = try #require(object["total"] as? String)
    let net = try #require(Decimal(string: netText))
    #expect(Decimal(string: totalText) == net + 2730)
    let table = try CLI.run(["cost", "CQ24-0001", "--as-of", "2024-04-12T12:00:00Z", "--currency", "EUR"], environment: env)
    #expect(table.stdout.contains("demurrage 350.00") && table.stdout.contains("(open)"), "\(table.stdout)")

    let report = try CLI.run(
      ["report", "costs", "--as-of", "2024-04-12T12:00:00Z", "--format", "csv"], environment: env)
    #expect(report.status == 0, "\(report.stderr)")
    let lines = report.stdout.split(whereSeparator: \.isNewline).map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = try #require(lines.first)
    #expect(Array(header.suffix(5)) == ["demurrage", "detention", "storage", "waiting", "total"])
    #expect(lines.count == 2 && lines[1][header.firstIndex(of: "demurrage") ?? 0] == "2730.00")
    // Before the discharge nothing has been incurred.
    let early = try CLI.run(["report", "costs", "--as-of", "2024-03-30T00:00:00Z", "--format", "json"], environment: env)
    let rows = try #require(try CLI.json(early.stdout) as? [[String: Any]])
    #expect(rows.first?["waiting"] as? String == "0.00" && rows.first?["total"] as? String == rows.first?["net"] as? String)
    // No subscription asks for alerts: nothing is raised.
    let alerts = try CLI.run(["subscription", "alerts", "--as-of", "2024-04-12T12:00:00Z", "--format", "json"], environment: env)
    #expect(alerts.status == 0, "\(alerts.stderr)")
    #expect((try CLI.json(alerts.stdout) as? [Any])?.isEmpty == true, "\(alerts.stdout)")
  }

  @Test func theReportListsTheStayAndItsPageIsHTML() throws {
    let table = try CLI.run(["report", "free-time", "--as-of", "2024-04-12T12:00:00Z"], environment: env)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("CSQU3054383") && table.stdout.contains("350.00"))
    let json = try CLI.run(["report", "free-time", "--as-of", "2024-04-12T12:00:00Z", "--format", "json"], environment: env)
    let object = try #require(try CLI.json(json.stdout) as? [String: Any])
    let totals = try #require(object["totals"] as? [[String: Any]])
    #expect(totals.count == 1 && (totals.first?["charge"] as? [String: String])?["amount"] == "350.00")
    // Before the box reached Duisburg nothing is open there.
    let early = try CLI.run(["report", "free-time", "--as-of", "2024-03-20T00:00:00Z", "--location", "DEDUI", "--format", "csv"], environment: env)
    #expect(early.status == 0 && early.stdout.split(separator: "\n").count == 1)
    let page = try CLI.run(["report", "free-time", "--as-of", "2024-04-12T12:00:00Z", "--format", "html"], environment: env)
    #expect(page.status == 0 && page.stdout.hasPrefix("<!DOCTYPE html>") && page.stdout.contains("CSQU3054383"))
  }

  @Test func badInputIsAClearErrorWithItsExitCode() throws {
    let unknown = try CLI.run(["free-time", "CSQU1234560"], environment: env)
    #expect(unknown.status == 65 || unknown.status == 66, "\(unknown.status) \(unknown.stderr)")
    #expect(unknown.stderr.contains("CSQU1234560"))
    let within = try CLI.run(["report", "free-time", "--within", "-1"], environment: env)
    #expect(within.status == 64 && within.stderr.contains("--within must be between 0 and 3650 days"), "\(within.stderr)")
    let owner = try CLI.run(["container", "add", "CSQU3054383", "--type", "42G1", "--owner", "lessor"], environment: env)
    #expect(owner.status == 64, "\(owner.stderr)")
    // A shipper-owned box: recorded, audited, shown.
    let soc = try CLI.run(["container", "add", "CSQU3054383", "--type", "42G1", "--owner", "shipper"], environment: env)
    #expect(soc.status == 0 && soc.stdout.contains("owned by the shipper"), "\(soc.stderr)")
    let shown = try CLI.run(["container", "show", "CSQU3054383", "--format", "json"], environment: env)
    #expect(shown.stdout.contains("\"owner\" : \"shipper\""), "\(shown.stdout)")
    #expect(try CLI.run(["audit", "verify"], environment: env).status == 0)
  }

  @Test func aBadRulesFileIsExit65WithItsPositionAndWritesNothing() throws {
    let folder = CLI.temporaryFolder()
    let path = folder + "/rules.json"
    let text = """
      {"freeTime": [
        {"location": "PLMAA", "kind": "storage", "starts": "ARRI", "ends": "DEPA", "equipment": "any", "freeDays": 2,
         "tiers": [{"fromDay": 1, "toDay": 3, "perDay": "10.00"}, {"fromDay": 5, "perDay": "20.00"}], "currency": "EUR",
         "validFrom": "2025-01-01"}
      ]}
      """
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let before = try CLI.run(["audit", "log", "--format", "json"], environment: env).stdout
    let result = try CLI.run(["reference", "load", path], environment: env)
    #expect(result.status == 65)
    #expect(result.stderr.contains("\(path):2:") && result.stderr.contains("leaving days 4–4 without a rate"), "\(result.stderr)")
    #expect(try CLI.run(["audit", "log", "--format", "json"], environment: env).stdout == before)
  }
}
