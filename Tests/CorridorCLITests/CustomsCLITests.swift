import Foundation
import Testing

/// `corridor customs` on the demo's ledger: declare, record, show and list; a refusal is one
/// line, exit 65, and the database file byte for byte as it was.
@Suite struct CustomsCLITests {
  @Test func declareRecordShowAndRefuseWithNothingWritten() throws {
    let (_, db) = try PageBrowserTests.demo()
    let shipment = "CQ23-LAP-01"
    let show = try CLI.json(CLI.run(["shipment", "show", shipment, "--db", db, "--format", "json"]).stdout) as? [String: Any]
    let boxes = try #require((show?["containers"] as? [[String: Any]])?.compactMap { $0["container"] as? String ?? $0["number"] as? String })
    #expect(boxes.count >= 2, "\(String(describing: show))")
    let number = "500020230000000042"
    let declared = try CLI.run([
      "customs", "declare", number, "--shipment", shipment, "--procedure", "export", "--office", "CNCQI", "--containers",
      boxes[0] + "," + boxes[1], "--at", "2023-01-02T09:00:00+08:00", "--db", db,
    ])
    #expect(declared.status == 0 && declared.stdout.contains("for 2 container(s)"), "\(declared.stderr)")
    for (status, extra) in [("accepted", [String]()), ("selected", ["--check", "document"]), ("released", ["--containers", boxes[0]])] {
      let hour = ["accepted": "10", "selected": "11", "released": "12"][status] ?? "13"
      let recorded = try CLI.run(["customs", "record", number, status, "--at", "2023-01-02T\(hour):00:00+08:00", "--db", db] + extra)
      #expect(recorded.status == 0, "\(status): \(recorded.stderr)")
    }
    let json = try #require(try CLI.json(CLI.run(["customs", "show", number, "--db", db, "--format", "json"]).stdout) as? [String: Any])
    #expect(json["status"] as? String == "selected" && json["procedure"] as? String == "export")
    let states = (json["boxes"] as? [[String: Any]])?.map { $0["status"] as? String ?? "" }
    #expect(states == ["released", "selected"])
    #expect((json["history"] as? [Any])?.count == 4)
    #expect(try CLI.run(["customs", "list", "--open", "--db", db]).stdout.contains(number))
    // Refusals: one line, exit 65, nothing written.
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    for command in [
      ["customs", "declare", "500020231000000043", "--shipment", shipment, "--procedure", "export", "--office", "CNCQI"],
      ["customs", "declare", "5000", "--shipment", shipment, "--procedure", "export", "--office", "CNCQI"],
      ["customs", "declare", "500020230000000044", "--shipment", "NOPE", "--procedure", "export", "--office", "CNCQI"],
      ["customs", "record", number, "closed", "--at", "2023-01-02T13:00:00+08:00"],
      ["customs", "record", number, "inspected", "--at", "2023-01-02T13:00:00+08:00"],
      ["customs", "record", "500020230000009999", "accepted", "--at", "2023-01-02T13:00:00+08:00"],
    ] {
      let refused = try CLI.run(command + ["--db", db])
      #expect(refused.status == 65, "\(command): \(refused.status) \(refused.stderr)")
      #expect(refused.stderr.hasPrefix("corridor: error: ") && refused.stderr.split(separator: "\n").count <= 2, "\(refused.stderr)")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
  }
}
