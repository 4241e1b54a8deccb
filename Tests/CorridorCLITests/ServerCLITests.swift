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

  func serve(_ db: String, folder: String, options: [String] = []) throws -> (Background, Int) {
    // The test's receiver is on loopback, which callbacks reach only when the operator says so.
    let server = try Background(
      CLI.binary, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--callback-allow", "127.0.0.1"] + options, folder: folder)
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
    // The metrics listener on a taken port: the refusal names that address, not the API's.
    let metricsTaken = try CLI.run(["serve", "--db", db, "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:\(port)"])
    #expect(metricsTaken.status == 74, "\(metricsTaken.stderr)")
    #expect(metricsTaken.stderr.contains("cannot serve metrics on 127.0.0.1:\(port): Address already in use"), "\(metricsTaken.stderr)")
    let badMetrics = try CLI.run(["serve", "--db", db, "--metrics-listen", "9464"])
    #expect(badMetrics.status == 64 && badMetrics.stderr.contains("--metrics-listen takes HOST:PORT"), "\(badMetrics.stderr)")

    // A revoked key is refused at once; SIGTERM stops the server cleanly.
    #expect(try CLI.run(["apikey", "revoke", "ops", "--db", db]).stdout.contains("revoked ops"))
    #expect(try curl(["-H", "Authorization: Bearer \(key)", "http://127.0.0.1:\(port)/v2/events"]).stdout.hasSuffix("401"))
    server.signal(SIGTERM)
    #expect(server.process.terminationStatus == 0, "\(server.stderr)")
    #expect(!server.stderr.contains(key))
    #expect(server.stderr.contains("GET /v2/events 401"))
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
  }

  /// A POST that meets a full disk is 507 saying so, and the database stays as it was; once
  /// there is room the same POST is recorded. On a real small filesystem: a tmpfs (root only).
  @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root (CI runs as root)"))
  func aFullDiskIs507() throws {
    let folder = CLI.temporaryFolder()
    let small = folder + "/small"
    try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
    let mount = try CLI.run(executable: URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=8m", "tmpfs", small])
    try #require(mount.status == 0, "\(mount.stderr)")
    defer { _ = try? CLI.run(executable: URL(fileURLWithPath: "/bin/umount"), ["-l", small]) }
    let db = small + "/c.db"
    for step in [
      ["init", "--db", db], ["container", "add", "CSQU3054383", "--type", "42G1", "--db", db],
      [
        "shipment", "create", "S1", "--route", "CQ-AKL-DUI", "--shipper", "a", "--consignee", "b", "--commodity", "laptops", "--value",
        "100.00", "--currency", "USD", "--booked", "2025-01-02", "--db", db,
      ],
      ["shipment", "assign", "S1", "CSQU3054383", "--db", db],
    ] {
      #expect(try CLI.run(step).status == 0)
    }
    let created = try CLI.run(["apikey", "create", "gate", "--role", "writer", "--db", db, "--format", "json"])
    let key = try #require((try CLI.json(created.stdout) as? [String: Any])?["key"] as? String)
    let (server, port) = try serve(db, folder: folder)
    defer { server.signal(SIGTERM) }
    // Fill what is left of the filesystem.
    let filler = small + "/filler"
    let dd = try CLI.run(executable: URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=\(filler)", "bs=64k"])
    #expect(dd.status != 0)  // it stops when the disk is full
    let notes = String(repeating: "x", count: 1900)
    let body =
      "[{\"eventType\":\"EQUIPMENT\",\"equipmentEventTypeCode\":\"GTIN\",\"eventClassifierCode\":\"ACT\","
      + "\"eventDateTime\":\"2025-01-03T09:00:00+08:00\",\"equipmentReference\":\"CSQU3054383\","
      + "\"eventLocation\":{\"UNLocationCode\":\"CNCQI\"},\"changeRemark\":\"\(notes)\"}]"
    let post = ["-X", "POST", "http://127.0.0.1:\(port)/corridor/v1/events", "-H", "Authorization: Bearer \(key)", "-d", body]
    let full = try curl(post)
    #expect(full.stdout.hasSuffix("507"), "\(full.stdout)")
    #expect(full.stdout.contains("disk is full"), "\(full.stdout)")
    try FileManager.default.removeItem(atPath: filler)
    let roomy = try curl(post)
    #expect(roomy.stdout.hasSuffix("200"), "\(roomy.stdout)")
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
  }

  /// The documented signature snippet (docs/server.md), run by Python against a signature Corridor made.
  @Test func theReadmeSignatureSnippetVerifies() throws {
    let readme = try String(contentsOf: Self.repository.appendingPathComponent("docs/server.md"), encoding: .utf8)
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
