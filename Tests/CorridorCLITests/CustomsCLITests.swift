import Foundation
import Testing

/// `corridor customs` on a ledger: declare, record, show and list; what a status means for the
/// boxes goes through the acceptance engine (a selected box is held and may not depart, a
/// released one may); a refusal is one line, exit 65, and the database file as it was.
@Suite struct CustomsCLITests {
  @Test func declareRecordHoldReleaseAndRefuseWithNothingWritten() throws {
    let folder = CLI.temporaryFolder()
    let db = folder + "/c.db"
    let boxes = ["CSQU3054383", "MSKU9070323"]
    #expect(try CLI.run(["init", "--db", db]).status == 0)
    for box in boxes { #expect(try CLI.run(["container", "add", box, "--type", "42G1", "--db", db]).status == 0) }
    let shipment = "CQ25-0001"
    #expect(
      try CLI.run([
        "shipment", "create", shipment, "--route", "CQ-AKL-DUI", "--shipper", "Chongqing Laptop Co", "--consignee", "Duisburg Import GmbH",
        "--commodity", "laptops", "--hs", "847130", "--value", "1250000.00", "--currency", "USD", "--booked", "2025-01-02", "--db", db,
      ]).status == 0)
    for box in boxes {
      #expect(try CLI.run(["shipment", "assign", shipment, box, "--db", db]).status == 0)
      for (code, at) in [("GTIN", "2025-01-03T08:00:00+08:00"), ("LOAD", "2025-01-03T09:00:00+08:00")] {
        let recorded = try CLI.run(["event", "record", box, code, "--at", at, "--location", "CNCQI", "--shipment", shipment, "--db", db])
        #expect(recorded.status == 0, "\(recorded.stderr)")
      }
    }
    let number = "500020250000000042"
    let declared = try CLI.run([
      "customs", "declare", number, "--shipment", shipment, "--procedure", "export", "--office", "CNCQI", "--value", "1250000.00",
      "--currency", "USD", "--at", "2025-01-03T10:00:00+08:00", "--db", db,
    ])
    #expect(declared.status == 0 && declared.stdout.contains("for 2 container(s)"), "\(declared.stderr)")
    for (status, hour, extra) in [("accepted", "11", [String]()), ("selected", "12", ["--check", "physical"])] {
      let recorded = try CLI.run(["customs", "record", number, status, "--at", "2025-01-03T\(hour):00:00+08:00", "--db", db] + extra)
      #expect(recorded.status == 0, "\(status): \(recorded.stderr)")
    }
    // Selected: both boxes held at the office (CUSI through the engine); a departure is refused.
    let track = try #require(try CLI.json(CLI.run(["track", boxes[0], "--db", db, "--format", "json"]).stdout) as? [String: Any])
    #expect((track["lastEvent"] as? [String: Any])?["code"] as? String == "CUSI")
    // Which declaration holds it, and how far it is.
    let declarations = try #require(track["declarations"] as? [[String: Any]])
    #expect(declarations.map { $0["number"] as? String } == [number] && declarations.first?["status"] as? String == "selected")
    #expect(declarations.first?["procedure"] as? String == "export" && declarations.first?["office"] as? String == "CNCQI")
    let text = try CLI.run(["track", boxes[0], "--db", db, "--lang", "zh-CN"]).stdout
    #expect(text.contains("海关        \(number)（出口，CNCQI）：被布控"), "\(text)")
    let held = try CLI.run(["event", "record", boxes[0], "DEPA", "--at", "2025-01-03T14:00:00+08:00", "--location", "CNCQI", "--db", db])
    #expect(held.status == 65 && held.stderr.contains("customs-hold"), "\(held.stderr)")
    // The first box released (CUSR): it may depart; the second is still held.
    #expect(
      try CLI.run(["customs", "record", number, "released", "--containers", boxes[0], "--at", "2025-01-03T15:00:00+08:00", "--db", db]).status
        == 0)
    #expect(
      try CLI.run(["event", "record", boxes[0], "DEPA", "--at", "2025-01-03T16:00:00+08:00", "--location", "CNCQI", "--db", db]).status == 0)
    #expect(
      try CLI.run(["event", "record", boxes[1], "DEPA", "--at", "2025-01-03T16:00:00+08:00", "--location", "CNCQI", "--db", db]).status == 65)
    let json = try #require(try CLI.json(CLI.run(["customs", "show", number, "--db", db, "--format", "json"]).stdout) as? [String: Any])
    #expect(json["status"] as? String == "selected" && json["procedure"] as? String == "export")
    #expect((json["boxes"] as? [[String: Any]])?.map { $0["status"] as? String ?? "" } == ["released", "selected"])
    #expect((json["history"] as? [Any])?.count == 4)
    #expect((json["value"] as? [String: Any])?["amount"] as? String == "1250000.00")
    #expect(try CLI.run(["customs", "list", "--open", "--db", db]).stdout.contains(number))
    // Refusals: one line, exit 65, nothing written.
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    for command in [
      ["customs", "declare", "500020251000000043", "--shipment", shipment, "--procedure", "export", "--office", "CNCQI"],
      ["customs", "declare", "5000", "--shipment", shipment, "--procedure", "export", "--office", "CNCQI"],
      ["customs", "declare", "500020250000000044", "--shipment", "NOPE", "--procedure", "export", "--office", "CNCQI"],
      ["customs", "record", number, "closed", "--at", "2025-01-03T17:00:00+08:00"],
      ["customs", "record", number, "inspected", "--at", "2025-01-03T17:00:00+08:00"],
      ["customs", "record", "500020250000009999", "accepted", "--at", "2025-01-03T17:00:00+08:00"],
    ] {
      let refused = try CLI.run(command + ["--db", db])
      #expect(refused.status == 65, "\(command): \(refused.status) \(refused.stderr)")
      #expect(refused.stderr.hasPrefix("corridor: error: ") && refused.stderr.split(separator: "\n").count <= 2, "\(refused.stderr)")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
  }

  /// `import customs` from a CUSRES file and from standard input as CSV, its refusals (one
  /// line with the position, exit 65, the file as it was; a missing file exit 66);
  /// `report clearance` in every format; `customs rebate`.
  @Test func importCustomsReportClearanceAndTheRebate() throws {
    let folder = CLI.temporaryFolder()
    let db = folder + "/c.db"
    #expect(try CLI.run(["init", "--db", db]).status == 0)
    #expect(try CLI.run(["container", "add", "CSQU3054383", "--type", "42G1", "--db", db]).status == 0)
    #expect(
      try CLI.run([
        "shipment", "create", "CQ25-0002", "--route", "CQ-QZH-SIN", "--shipper", "Chongqing Moto Works", "--consignee", "Singapore Trading",
        "--commodity", "motorcycles", "--value", "90000.00", "--currency", "USD", "--booked", "2025-01-02", "--db", db,
      ]).status == 0)
    #expect(try CLI.run(["shipment", "assign", "CQ25-0002", "CSQU3054383", "--db", db]).status == 0)
    let number = "500020250000000050"
    #expect(
      try CLI.run([
        "customs", "declare", number, "--shipment", "CQ25-0002", "--procedure", "export", "--office", "CNCQI", "--at",
        "2025-01-03T08:00:00+08:00", "--db", db,
      ]).status == 0)
    func cusres(_ gis: String, _ at: String, reference: String) -> String {
      let segments = ["BGM+962+R1+9+AP", "DTM+137:\(at):203", "LOC+22+CNCQI", "GIS+\(gis)", "RFF+AAE:\(number)"]
      return "UNA:+.? '"
        + (["UNB+UNOC:3+CNCQCUSTOMS+CORRIDOR+250103:1200+\(reference)", "UNH+1+CUSRES:D:01B:UN"] + segments
        + ["UNT+\(segments.count + 2)+1", "UNZ+1+\(reference)"]).joined(separator: "'\n") + "'\n"
    }
    let file = folder + "/cusres.edi"
    try cusres("1", "202501031000", reference: "A1").write(toFile: file, atomically: true, encoding: .utf8)
    let imported = try CLI.run(["import", "customs", file, "--db", db])
    #expect(imported.status == 0 && imported.stdout.contains("1 responses: 1 applied"), "\(imported.stderr)")
    #expect(try CLI.run(["import", "customs", file, "--db", db]).stdout.contains("0 applied, 1 already recorded"))
    let csv = "number,status,at\n\(number),released,2025-01-03T12:00:00+08:00\n"
    let piped = try CLI.run(["import", "customs", "-", "--format", "csv", "--db", db], stdin: Data(csv.utf8))
    #expect(piped.status == 0 && piped.stdout.hasPrefix("<stdin>: 1 responses: 1 applied"), "\(piped.stderr)")
    // Refusals.
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    try cusres("12", "202501031300", reference: "A2").write(toFile: file, atomically: true, encoding: .utf8)
    let bad = try CLI.run(["import", "customs", file, "--db", db])
    #expect(bad.status == 65 && bad.stderr.split(separator: "\n").count <= 2, "\(bad.stderr)")
    #expect(bad.stderr.hasPrefix("corridor: error: \(file): interchange A2, message 1, segment 5, byte "), "\(bad.stderr)")
    #expect(try CLI.run(["import", "customs", folder + "/none.edi", "--db", db]).status == 66)
    #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    // report clearance: released after 4 h.
    let table = try CLI.run(["report", "clearance", "--db", db])
    #expect(table.status == 0 && table.stdout.contains("CNCQI") && table.stdout.contains("4.0"), "\(table.stdout)")
    let rows = try #require(
      try CLI.json(CLI.run(["report", "clearance", "--by", "commodity", "--format", "json", "--db", db]).stdout) as? [[String: Any]])
    #expect(rows.first?["group"] as? String == "motorcycles" && (rows.first?["releaseTime"] as? [String: Any])?["medianMinutes"] as? Int == 240)
    #expect(try CLI.run(["report", "clearance", "--format", "csv", "--db", db]).stdout.hasPrefix("group,declarations,released,p25Hours"))
    let chinese = try CLI.run(["report", "clearance", "--format", "html", "--lang", "zh-CN", "--db", db])
    #expect(chinese.status == 0 && chinese.stdout.contains("海关通关"))
    #expect(try CLI.run(["report", "clearance", "--by", "carrier", "--db", db]).status == 64)
    // The rebate: not yet departed.
    let rebate = try #require(try CLI.json(CLI.run(["customs", "rebate", "CQ25-0002", "--format", "json", "--db", db]).stdout) as? [String: Any])
    #expect(rebate["qualifies"] as? Bool == false && rebate["reason"] as? String == "the boxes have not left CNCQI yet")
    #expect(try CLI.run(["customs", "rebate", "--db", db]).status == 64)
    #expect(try CLI.run(["customs", "rebate", "--year", "2025", "--db", db]).stdout.hasPrefix("corridor"))
  }
}
