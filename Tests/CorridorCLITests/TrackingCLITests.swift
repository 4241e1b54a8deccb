import Foundation
import Testing

@Suite struct TrackingCLITests {
  let env: [String: String]

  init() throws {
    env = ["CORRIDOR_DB": CLI.temporaryFolder() + "/t.db", "CORRIDOR_OPERATOR": "lin.wei"]
    for args in [
      ["init"],
      ["container", "add", "CSQU3054383", "--type", "42G1", "--max-gross-kg", "30480"],
      [
        "shipment", "create", "CQ24-0001", "--route", "CQ-AKL-DUI", "--shipper", "Chongqing Laptop Co", "--consignee", "Duisburg GmbH",
        "--commodity", "laptops", "--hs", "847130", "--value", "1250000.00", "--currency", "USD", "--booked", "2024-03-01",
      ],
      ["shipment", "assign", "CQ24-0001", "CSQU3054383", "--gross-kg", "12000", "--seal", "CN123"],
      ["event", "record", "CSQU3054383", "GTIN", "--at", "2024-03-04T09:00:00+08:00", "--location", "CNCKG", "--id", "E1"],
      ["event", "record", "CSQU3054383", "LOAD", "--at", "2024-03-05T08:00:00+08:00", "--location", "CNCQI", "--mode", "rail"],
    ] {
      let result = try CLI.run(args, environment: env)
      #expect(result.status == 0, "\(args): \(result.stderr)")
    }
  }

  @Test func trackJSONContract() throws {
    let result = try CLI.run(["track", "csqu3054383", "--format", "json"], environment: env)
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try CLI.json(result.stdout) as? [String: Any])
    for key in [
      "container", "shipment", "route", "state", "lastEvent", "leg", "legs", "kmCovered", "kmTotal", "nextLocation", "eta", "delayHours",
      "exceptions", "declarations",
    ] {
      #expect(object.keys.contains(key), "missing \(key)")
    }
    #expect(object["state"] as? String == "on-conveyance")
    #expect(object["kmCovered"] as? Int == 0)
    #expect(object["nextLocation"] as? String == "CNAKL")
    let last = try #require(object["lastEvent"] as? [String: Any])
    #expect(last["code"] as? String == "LOAD")
    #expect(last["at"] as? String == "2024-03-05T08:00:00+08:00")
    // ETA: LOAD at 2024-03-05T00:00Z + 367 h = 2024-03-20T07:00Z, shown at the event offset.
    #expect(object["eta"] as? String == "2024-03-20T15:00:00+08:00")  // 2024-03-20T07:00Z
  }

  @Test func ruleBreakIsExit65WithRuleAndHint() throws {
    let result = try CLI.run(
      ["event", "record", "CSQU3054383", "GTIN", "--at", "2024-03-05T09:00:00+08:00", "--location", "CNCQI"], environment: env)
    #expect(result.status == 65)
    #expect(result.stderr.contains("[gate-in-while-loaded]"))
    #expect(result.stderr.contains("--allow-gap"))
    let allowed = try CLI.run(
      ["event", "record", "CSQU3054383", "GTIN", "--at", "2024-03-05T09:00:00+08:00", "--location", "CNCQI", "--allow-gap"], environment: env)
    #expect(allowed.status == 0)
    #expect(allowed.stdout.contains("data-quality exception: gate-in-while-loaded"))
  }

  @Test func badTimestampAndIdempotentResend() throws {
    let bad = try CLI.run(["event", "record", "CSQU3054383", "DEPA", "--at", "2024-03-05 10:00", "--location", "CNCQI"], environment: env)
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("offset"))
    let again = try CLI.run(
      ["event", "record", "CSQU3054383", "GTIN", "--at", "2024-03-04T09:00:00+08:00", "--location", "CNCQI", "--id", "E1"], environment: env)
    #expect(again.status == 0)
    #expect(again.stdout.contains("already recorded"))
    let conflict = try CLI.run(
      ["event", "record", "CSQU3054383", "GTIN", "--at", "2024-03-04T09:10:00+08:00", "--location", "CNCQI", "--id", "E1"], environment: env)
    #expect(conflict.status == 65)
  }

  @Test func historyShowsRetractions() throws {
    #expect(try CLI.run(["event", "retract", "E1", "--reason", "wrong gate"], environment: env).status == 0)
    let result = try CLI.run(["track", "CSQU3054383", "--history", "--format", "json"], environment: env)
    let object = try #require(try CLI.json(result.stdout) as? [String: Any])
    let history = try #require(object["history"] as? [[String: Any]])
    #expect(history.first?["id"] as? String == "E1")
    #expect(history.first?["retracted"] as? Bool == true)
  }

  @Test func shipmentShowListCancel() throws {
    let show = try CLI.run(["shipment", "show", "CQ24-0001", "--format", "json"], environment: env)
    let object = try #require(try CLI.json(show.stdout) as? [String: Any])
    #expect(object["value"] as? String == "1250000.00")
    #expect(object["currency"] as? String == "USD")
    #expect(object["status"] as? String == "in-transit")
    let list = try CLI.run(["shipment", "list", "--status", "in-transit", "--format", "csv"], environment: env)
    #expect(list.stdout.contains("CQ24-0001,CQ-AKL-DUI,2024-03-01,in-transit"))
    #expect(try CLI.run(["shipment", "list", "--status", "lost"], environment: env).status == 64)
    #expect(try CLI.run(["shipment", "cancel", "CQ24-0001", "--reason", "customer withdrew"], environment: env).status == 0)
    let track = try CLI.run(["track", "--shipment", "CQ24-0001", "--format", "json"], environment: env)
    #expect(((try CLI.json(track.stdout)) as? [Any])?.count == 1)
  }

  @Test func exceptionsReport() throws {
    let result = try CLI.run(["report", "exceptions", "--as-of", "2024-03-10T00:00:00Z", "--format", "json"], environment: env)
    let rows = try #require(try CLI.json(result.stdout) as? [[String: Any]])
    #expect(rows.map { $0["kind"] as? String } == ["stale"])
  }

  @Test func transitReportInEveryFormatAndItsBadOptions() throws {
    // Departs Chongqing 5 March 10:00 (+08:00), waits at Alashankou 8 March 10:00–14:30 (270 min).
    for (code, at, place) in [
      ("DEPA", "2024-03-05T10:00:00+08:00", "CNCQI"), ("ARRI", "2024-03-08T10:00:00+08:00", "CNAKL"),
      ("DEPA", "2024-03-08T14:30:00+08:00", "CNAKL"),
    ] {
      let result = try CLI.run(["event", "record", "CSQU3054383", code, "--at", at, "--location", place, "--mode", "rail"], environment: env)
      #expect(result.status == 0, "\(result.stderr)")
    }
    let json = try #require(
      try CLI.json(CLI.run(["report", "transit", "--route", "CQ-AKL-DUI", "--format", "json"], environment: env).stdout) as? [String: Any])
    #expect((json["transit"] as? [Any])?.isEmpty == true, "the box has not arrived")
    let dwell = try #require(json["dwell"] as? [[String: Any]])
    let alashankou = try #require(dwell.first { $0["location"] as? String == "CNAKL" })
    #expect(alashankou["count"] as? Int == 1 && alashankou["medianMinutes"] as? Int == 270 && alashankou["p75Minutes"] as? Int == 270)
    let dostyk = try #require(dwell.first { $0["location"] as? String == "KZDOS" })
    #expect(dostyk["count"] as? Int == 0 && dostyk["medianMinutes"] is NSNull && dostyk["kind"] as? String == "gauge change")
    let csv = try CLI.run(["report", "transit", "--route", "CQ-AKL-DUI", "--format", "csv"], environment: env).stdout
    #expect(csv.hasPrefix("measure,route,corridor,month,location,count,minMinutes,p25Minutes,medianMinutes,p75Minutes,maxMinutes"))
    #expect(csv.contains("dwell,CQ-AKL-DUI,,,CNAKL,1,270,270,270,270,270"), "\(csv)")
    #expect(csv.contains("dwell,CQ-AKL-DUI,,,KZDOS,0,,,,,"), "\(csv)")
    // Outside the period: nothing measured.
    let later = try CLI.run(["report", "transit", "--from", "2024-03-09", "--format", "csv"], environment: env).stdout
    #expect(!later.contains(",270,"))
    for (args, status) in [
      (["--route", "NOPE"], Int32(65)), (["--corridor", "NOPE"], 65), (["--from", "March"], 65), (["--out", "x.html"], 64),
    ] {
      let result = try CLI.run(["report", "transit"] + args, environment: env)
      #expect(result.status == status, "\(args): \(result.status) \(result.stderr)")
      #expect(result.stderr.hasPrefix("corridor: error: ") && result.stdout.isEmpty, "\(args): \(result.stderr)")
    }
  }
}
