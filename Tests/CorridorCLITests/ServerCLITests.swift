import Foundation
import Testing

/// `corridor serve`, `apikey`, `subscription` and `db backup` as real processes: a server killed
/// with SIGKILL resumes delivery when restarted, SIGTERM stops it with exit 0, a backup taken
/// while it runs verifies.
@Suite(.serialized) struct ServerCLITests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let secret = Data(repeating: 7, count: 32).base64EncodedString()

  /// A background process whose stdout's first line is read, and whose stderr goes to a file.
  final class Background {
    let process = Process()
    let stderrPath: String
    init(_ executable: URL, _ arguments: [String], folder: String) throws {
      stderrPath = folder + "/stderr-\(UUID().uuidString).txt"
      FileManager.default.createFile(atPath: stderrPath, contents: nil)
      process.executableURL = executable
      process.arguments = arguments
      process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
      process.standardOutput = Pipe()
      process.standardInput = FileHandle.nullDevice
      try process.run()
    }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    func firstLine() -> String {
      guard let pipe = process.standardOutput as? Pipe else { return "" }
      var bytes: [UInt8] = []
      while let byte = pipe.fileHandleForReading.readData(ofLength: 1).first, byte != 0x0A { bytes.append(byte) }
      return String(decoding: bytes, as: UTF8.self)
    }
    func signal(_ number: Int32) {
      kill(process.processIdentifier, number)
      process.waitUntilExit()
    }
  }

  func serve(_ db: String, folder: String) throws -> (Background, Int) {
    // The test's receiver is on loopback, which callbacks reach only when the operator says so.
    let server = try Background(CLI.binary, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--callback-allow", "127.0.0.1"], folder: folder)
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      if let range = server.stderr.range(of: "on http://127.0.0.1:") {
        let digits = server.stderr[range.upperBound...].prefix { $0.isNumber }
        if let port = Int(digits) { return (server, port) }
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw CLISetupError(message: "the server did not start: \(server.stderr)")
  }

  func curl(_ arguments: [String]) throws -> CLIResult {
    try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "-w", "\n%{http_code}"] + arguments)
  }

  func waitFor(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try condition() { return true }
      Thread.sleep(forTimeInterval: 0.1)
    }
    return try condition()
  }

  @Test func keysSubscriptionsAndDeliveryAcrossAKill() throws {
    let (folder, db) = try Fixture.journey()
    let created = try CLI.run(["apikey", "create", "ops", "--role", "admin", "--db", db, "--format", "json"])
    #expect(created.status == 0, "\(created.stderr)")
    let key = try #require((try CLI.json(created.stdout) as? [String: Any])?["key"] as? String)
    #expect(try CLI.run(["apikey", "create", "ops", "--role", "reader", "--db", db]).status == 65)  // the name is taken
    #expect(try CLI.run(["apikey", "create", "x", "--role", "owner", "--db", db]).status == 64)
    let listed = try CLI.run(["apikey", "list", "--db", db, "--format", "json"]).stdout
    #expect(listed.contains("\"role\" : \"admin\"") && !listed.contains(key))

    let log = folder + "/received.log"
    let receiver = try Background(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["python3", Self.repository.appendingPathComponent("Benchmarks/load/receiver.py").path, "0", Self.secret, log], folder: folder)
    defer { receiver.signal(SIGKILL) }
    let receiverPort = receiver.firstLine()
    var (server, port) = try serve(db, folder: folder)
    let subscription = try curl([
      "-X", "POST", "http://127.0.0.1:\(port)/v2/event-subscriptions", "-H", "Authorization: Bearer \(key)", "-d",
      "{\"callbackUrl\":\"http://127.0.0.1:\(receiverPort)/hook\",\"secret\":\"\(Self.secret)\"}",
    ])
    #expect(subscription.stdout.hasSuffix("201"), "\(subscription.stdout)")
    let id = try #require(
      (try CLI.json(String(subscription.stdout.dropLast(4))) as? [String: Any])?["subscriptionID"] as? String)

    // Killed outright; events recorded while it is down are delivered after the restart.
    server.signal(SIGKILL)
    for (code, at) in [("LOAD", "2025-01-03T10:00:00+08:00"), ("DEPA", "2025-01-03T11:00:00+08:00")] {
      #expect(try CLI.run(["event", "record", "CSQU3054383", code, "--at", at, "--location", "CNCQI", "--db", db]).status == 0)
    }
    let pending = try CLI.run(["subscription", "list", "--db", db, "--format", "csv"]).stdout
    #expect(pending.contains("\(id),ops,http://127.0.0.1:\(receiverPort)/hook,2,0,0"), "\(pending)")
    (server, port) = try serve(db, folder: folder)
    #expect(
      try waitFor {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 2
      })
    let received = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map { $0.split(separator: " ") }
    #expect(received.allSatisfy { $0.first.map(String.init) == id })
    let deliveries = try CLI.run(["subscription", "deliveries", id, "--db", db, "--format", "json"])
    #expect(deliveries.status == 0)
    let rows = try #require(try CLI.json(deliveries.stdout) as? [[String: Any]])
    #expect(rows.map { $0["eventID"] as? String ?? "" } == received.map { String($0[1]) })
    #expect(try waitFor { try CLI.run(["subscription", "deliveries", id, "--failed", "--db", db]).stdout.split(separator: "\n").count == 1 })
    #expect(try CLI.run(["subscription", "show", id, "--db", db]).stdout.contains("delivered"))
    #expect(try CLI.run(["subscription", "show", "nope", "--db", db]).status == 65)

    // An online backup while the server runs, verified.
    let copy = folder + "/copy.db"
    let backup = try CLI.run(["db", "backup", "--out", copy, "--db", db])
    #expect(backup.status == 0, "\(backup.stderr)")
    #expect(try CLI.run(["db", "check", "--db", copy]).status == 0)
    #expect(try CLI.run(["audit", "verify", "--db", copy]).status == 0)
    #expect(try CLI.run(["db", "backup", "--out", db, "--db", db]).status == 73)  // never over the database

    // A second server on the same port: a clear refusal, exit 74.
    let taken = try CLI.run(["serve", "--db", db, "--listen", "127.0.0.1:\(port)"])
    #expect(taken.status == 74, "\(taken.stderr)")
    #expect(taken.stderr.contains("cannot serve on 127.0.0.1:\(port): Address already in use"), "\(taken.stderr)")

    // A revoked key is refused at once; SIGTERM stops the server cleanly.
    #expect(try CLI.run(["apikey", "revoke", "ops", "--db", db]).stdout.contains("revoked ops"))
    #expect(try curl(["-H", "Authorization: Bearer \(key)", "http://127.0.0.1:\(port)/v2/events"]).stdout.hasSuffix("401"))
    server.signal(SIGTERM)
    #expect(server.process.terminationStatus == 0, "\(server.stderr)")
    #expect(!server.stderr.contains(key))
    #expect(server.stderr.contains("GET /v2/events 401"))
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
  }

  /// The README's signature snippet, run by Python against a signature Corridor made.
  @Test func theReadmeSignatureSnippetVerifies() throws {
    let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "```python\nimport base64, hashlib, hmac"))
    let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
    let snippet = String(readme[readme.index(start.lowerBound, offsetBy: 10)..<end.lowerBound])
    let folder = CLI.temporaryFolder()
    let body = folder + "/body.json"
    let text = "[{\"eventID\":\"ev-1\",\"note\":\"Małaszewicze \u{1F69A}\"}]"
    try text.write(toFile: body, atomically: true, encoding: .utf8)
    let header = try CLI.run(["dev", "sign", "--secret", Self.secret, body]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(header.hasPrefix("sha256="))
    let script = snippet + "\nimport sys\nprint(signature_valid(open(sys.argv[1], 'rb').read(), sys.argv[2], sys.argv[3]))\n"
    let env = URL(fileURLWithPath: "/usr/bin/env")
    #expect(try CLI.run(executable: env, ["python3", "-c", script, body, header, Self.secret]).stdout == "True\n")
    let tampered = String(header.dropLast()) + (header.hasSuffix("0") ? "1" : "0")
    #expect(try CLI.run(executable: env, ["python3", "-c", script, body, tampered, Self.secret]).stdout == "False\n")
  }
}
