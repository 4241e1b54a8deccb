import Foundation
import Testing

@Suite struct AuditCLITests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  func run(_ executable: String, _ arguments: [String]) throws -> CLIResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(
      status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: error, as: UTF8.self))
  }

  @Test func verifyExportAndAThirdPartyScript() throws {
    let folder = CLI.temporaryFolder()
    let env = ["CORRIDOR_DB": folder + "/a.db"]
    #expect(try CLI.run(["init"], environment: env).status == 0)
    let verify = try CLI.run(["audit", "verify"], environment: env)
    #expect(verify.status == 0)
    #expect(verify.stdout.hasPrefix("intact: "))
    #expect(verify.stdout.contains(" entries, head "))

    for format in ["ndjson", "csv"] {
      let out = folder + "/audit.\(format)"
      let export = try CLI.run(["audit", "export", "--format", format, "--out", out], environment: env)
      #expect(export.status == 0, "\(export.stderr)")
      #expect(FileManager.default.fileExists(atPath: out + ".manifest.json"))
      #expect(try CLI.run(["audit", "verify-export", out]).status == 0)
      // The dozen lines of Python in docs/audit.md verify the same export without corridor.
      let script = Self.repository.appendingPathComponent("Tests/Scripts/verify_audit_export.py").path
      let python = try run("python3", [script, out])
      #expect(python.status == 0, "\(python.stderr)")
      #expect(python.stdout.hasPrefix("intact: "))
    }

    // Tamper through SQLite itself (Python's sqlite3 module), outside corridor.
    let tamper = try run(
      "python3",
      [
        "-c",
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE routes SET name='x' WHERE code='CQ-AKL-DUI'\"); c.commit()",
        folder + "/a.db",
      ])
    #expect(tamper.status == 0, "\(tamper.stderr)")
    let broken = try CLI.run(["audit", "verify"], environment: env)
    #expect(broken.status == 65)
    #expect(broken.stdout.contains("route CQ-AKL-DUI differs"))
    #expect(broken.stderr.contains("audit trail not intact"))
  }

  @Test func logFilters() throws {
    let env = ["CORRIDOR_DB": CLI.temporaryFolder() + "/l.db", "CORRIDOR_OPERATOR": "zhang.min"]
    #expect(try CLI.run(["init"], environment: env).status == 0)
    #expect(try CLI.run(["container", "add", "CSQU3054383", "--type", "22G1"], environment: env).status == 0)
    let log = try CLI.run(["audit", "log", "--entity", "container", "--operator", "zhang.min", "--format", "json"], environment: env)
    let rows = try #require(try CLI.json(log.stdout) as? [[String: Any]])
    #expect(rows.count == 1)
    #expect(rows.first?["key"] as? String == "CSQU3054383")
  }

  /// The benchmark filler (in CorridorDevTools, outside the shipped library) chains its entries
  /// with the trail's own hash: the trail stays intact.
  @Test func syntheticEntriesKeepTheChainIntact() throws {
    let db = CLI.temporaryFolder() + "/fill.db"
    #expect(try CLI.run(["init", "--empty", "--db", db]).status == 0)
    #expect(try CLI.run(["dev", "audit-fill", "--entries", "60001", "--db", db]).status == 0)
    let verify = try CLI.run(["audit", "verify", "--db", db])
    #expect(verify.status == 0, "\(verify.stdout)")
    #expect(verify.stdout.hasPrefix("intact: 60001 entries"))
  }
}
