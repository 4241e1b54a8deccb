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
}
