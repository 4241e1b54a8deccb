import Foundation
import Testing

/// The learned ETA from the command line (issue 31, docs/eta.md), on the demo: `track`'s eta,
/// window and basis, `--eta plan`, the backtest's contract and refusals, and the estimated
/// arrivals Corridor publishes when the median moves.
@Suite struct ETACLITests {
  static let asOf = "2024-12-20T00:00:00Z"

  @Test func trackShowsTheLearnedETAAndTheBacktestMeasuresIt() throws {
    let (_, db) = try PageBrowserTests.demo()
    let tour = try CLI.run(["track", "CQXU1018320", "--as-of", Self.asOf, "--db", db])
    #expect(tour.stdout.contains("eta window  ") && tour.stdout.contains("eta basis   history: "), "\(tour.stdout)")
    let learned = try #require(
      try CLI.json(CLI.run(["track", "CQXU1018320", "--as-of", Self.asOf, "--format", "json", "--db", db]).stdout) as? [String: Any])
    let window = try #require(learned["etaWindow"] as? [String: String])
    let eta = try #require(learned["eta"] as? String)
    #expect(try #require(window["from"]) <= eta && eta <= (try #require(window["to"])))
    #expect((learned["etaBasis"] as? String)?.hasPrefix("history: ") == true)
    // The plan's: no window, and it says so.
    let plan = try #require(
      try CLI.json(CLI.run(["track", "CQXU1018320", "--eta", "plan", "--as-of", Self.asOf, "--format", "json", "--db", db]).stdout) as? [String: Any])
    #expect(plan["etaWindow"] is NSNull && plan["etaBasis"] as? String == "plan" && plan["eta"] as? String != eta)
    let chinese = try CLI.run(["track", "CQXU1018320", "--as-of", Self.asOf, "--lang", "zh-CN", "--db", db])
    #expect(chinese.stdout.contains("到达区间") && chinese.stdout.contains("预计依据") && chinese.stdout.contains("历史：近 8 周经"))

    let backtest = try #require(try CLI.json(CLI.run(["eta", "backtest", "--format", "json", "--db", db]).stdout) as? [String: Any])
    let rows = try #require(backtest["checkpoints"] as? [[String: Any]])
    let departure = try #require(rows.first { $0["checkpoint"] as? String == "departure" && $0["route"] as? String == "all" })
    let learnedErrors = try #require(departure["learned"] as? [String: Any])
    let planErrors = try #require(departure["plan"] as? [String: Any])
    #expect(Set(learnedErrors.keys) == ["trips", "maeHours", "medianAbsHours", "p90AbsHours", "biasHours", "windowCoverage"])
    #expect(planErrors["windowCoverage"] is NSNull)
    // The plan has no waits: it is early on average, and further off than the history.
    #expect(try #require(planErrors["biasHours"] as? Double) < 0)
    #expect(try #require(learnedErrors["maeHours"] as? Double) < (try #require(planErrors["maeHours"] as? Double)))
    #expect(Set(rows.compactMap { $0["checkpoint"] as? String }) == ["departure", "border", "gauge-change"])
    let one = try #require(
      try CLI.json(CLI.run(["eta", "backtest", "--checkpoints", "gauge-change", "--route", "CQ-AKL-DUI", "--format", "json", "--db", db]).stdout)
        as? [String: Any])
    #expect(
      (one["checkpoints"] as? [[String: Any]])?.map { "\($0["checkpoint"]!) \($0["route"]!)" } == ["gauge-change CQ-AKL-DUI", "gauge-change all"])
    #expect(try CLI.run(["eta", "backtest", "--format", "csv", "--db", db]).stdout.hasPrefix("checkpoint,route,trips,learnedMaeH,"))
    // Refusals: one line, the usage exit code, nothing written.
    for bad in [["--checkpoints", "arrival"], ["--checkpoints", "departure,"], ["--from", "soon"], ["--route", "NOPE"]] {
      let refused = try CLI.run(["eta", "backtest"] + bad + ["--db", db])
      #expect(refused.status == 64 || refused.status == 65, "\(bad): \(refused.status) \(refused.stderr)")
      #expect(refused.stderr.hasPrefix("corridor: error: ") || refused.stderr.hasPrefix("Error: "), "\(bad): \(refused.stderr)")
    }
    #expect(try CLI.run(["eta", "backtest", "--checkpoints", "arrival", "--db", db]).status == 64)
  }

  @Test func onlyAnEstimateTheHistoryStandsBehindIsPublished() throws {
    let (_, db) = try PageBrowserTests.demo()
    func estimates() throws -> Int {
      let history = try #require(
        try CLI.json(CLI.run(["track", "CQXU1018320", "--history", "--format", "json", "--db", db]).stdout) as? [String: Any])
      return (history["history"] as? [[String: Any]] ?? []).filter { $0["classifier"] as? String == "EST" && $0["code"] as? String == "ARRI" }
        .count
    }
    // The demo published the box's estimated arrival at Duisburg once, as of its clock.
    #expect(try estimates() == 1)
    let depart = ["event", "record", "CQXU1018320", "DEPA", "--at", "2024-12-20T10:00:00+08:00", "--location", "CNAKL", "--mode", "rail", "--db", db]
    #expect(try CLI.run(depart).status == 0)
    // Asked now, two years after the demo's history ends, no stretch has recent history: the
    // estimate is the plan's, which is no news, and nothing is published.
    #expect(try estimates() == 1)
    #expect(try CLI.run(["track", "CQXU1018320", "--format", "json", "--db", db]).stdout.contains("\"etaBasis\" : \"plan\""))
    #expect(try CLI.run(["eta", "refresh", "--db", db]).stdout == "0 stretches counted, 0 estimated arrivals published\n")
  }
}
