import Foundation
import Testing

/// Behaviour across real process boundaries: kill -9 in the middle of an import, and other
/// processes writing while an import runs.
@Suite(.serialized) struct ImportProcessTests {
  static let events = 20_000

  /// A database with generated bookings and the CSV of their events.
  func prepared() throws -> (env: [String: String], file: String) {
    let folder = CLI.temporaryFolder()
    let env = ["CORRIDOR_DB": folder + "/p.db", "CORRIDOR_OPERATOR": "crash-test"]
    #expect(try CLI.run(["init"], environment: env).status == 0)
    let generate = try CLI.run(["dev", "generate", "--events", String(Self.events), "--seed", "3", "--out", folder + "/e.csv"], environment: env)
    #expect(generate.status == 0, "\(generate.stderr)")
    return (env, folder + "/e.csv")
  }

  func start(_ arguments: [String], environment: [String: String]) throws -> Process {
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  func count(_ env: [String: String]) throws -> Int {
    let result = try CLI.run(["export", "events", "--format", "csv"], environment: env)
    #expect(result.status == 0, "\(result.stderr)")
    // The actual events: the estimated arrivals Corridor publishes after an import (docs/eta.md)
    // are not the file's. Records end in CRLF (one Character in Swift).
    return result.stdout.split(separator: "\r\n").filter { $0.contains(",ACT,") }.count
  }

  @Test func killDashNineThenRerunFinishesWithoutDuplicates() throws {
    let (env, file) = try prepared()
    var random = SystemRandomNumberGenerator()
    for _ in 0..<3 {
      let process = try start(["import", "events", file, "--quiet", "--batch-size", "500"], environment: env)
      Thread.sleep(forTimeInterval: Double.random(in: 0.3...2.5, using: &random))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let check = try CLI.run(["db", "check"], environment: env)
      #expect(check.status == 0, "\(check.stdout)")
      let audit = try CLI.run(["audit", "verify"], environment: env)
      #expect(audit.status == 0, "\(audit.stdout)")
    }
    let final = try CLI.run(["import", "events", file, "--quiet"], environment: env)
    #expect(final.status == 0, "\(final.stderr)")
    let total = try count(env)
    #expect(total == Self.events, "\(total)")
    #expect(try CLI.run(["audit", "verify"], environment: env).status == 0)
  }

  @Test func otherProcessesRecordWhileAnImportRuns() throws {
    let (env, file) = try prepared()
    // Four boxes of their own, each on its own shipment, recorded by four processes.
    let boxes = ["CSQU3054383", "TCNU7200794", "TOLU4734787", "GYOU4047990"]
    for (index, box) in boxes.enumerated() {
      #expect(try CLI.run(["container", "add", box, "--type", "22G1"], environment: env).status == 0)
      let create = try CLI.run(
        [
          "shipment", "create", "C\(index)", "--route", "CQ-QZH-SIN", "--shipper", "s", "--consignee", "c", "--commodity", "general",
          "--value", "1", "--currency", "CNY", "--booked", "2024-01-01",
        ], environment: env)
      #expect(create.status == 0)
      #expect(try CLI.run(["shipment", "assign", "C\(index)", box], environment: env).status == 0)
    }
    let perProcess = 25
    let importer = try start(["import", "events", file, "--quiet", "--batch-size", "500"], environment: env)
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: boxes.count) { index in
      for minute in 0..<perProcess {
        let at = String(format: "2024-02-01T10:%02d:00+08:00", minute)
        let result = try? CLI.run(["event", "record", boxes[index], "INSP", "--at", at, "--location", "CNCQI"], environment: env)
        if result?.status != 0 { failures.add("\(boxes[index]) \(at): \(result?.stderr ?? "no result")") }
      }
    }
    importer.waitUntilExit()
    #expect(importer.terminationStatus == 0)
    #expect(failures.list.isEmpty, "\(failures.list)")
    #expect(try count(env) == Self.events + boxes.count * perProcess)
    #expect(try CLI.run(["audit", "verify"], environment: env).status == 0)
  }
}

final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ item: String) { lock.withLock { items.append(item) } }
  var list: [String] { lock.withLock { items } }
}
