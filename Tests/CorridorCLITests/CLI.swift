import Foundation
import Testing

/// Runs the real `corridor` binary in a child process: exit codes and stderr are behaviour.
struct CLIResult {
  let status: Int32
  let stdout: String
  let stderr: String
}

enum CLI {
  static var binary: URL {
    // The test bundle sits in the build products folder next to the executable.
    var url = Bundle.main.bundleURL
    for _ in 0..<3 {
      let candidate = url.appendingPathComponent("corridor")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      url.deleteLastPathComponent()
    }
    return Bundle.main.bundleURL.appendingPathComponent("corridor")
  }

  @discardableResult
  static func run(
    _ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil, cwd: String? = nil
  ) throws -> CLIResult {
    try run(executable: binary, arguments, environment: environment, stdin: stdin, cwd: cwd)
  }

  /// Runs any program (the browser tests run Chromium) the same way.
  static func run(
    executable: URL, _ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil, cwd: String? = nil
  ) throws -> CLIResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["CORRIDOR_DB"] = nil
    env["CORRIDOR_OPERATOR"] = nil
    // Tables and pages follow the locale (`--lang`'s default): the tests say which they want.
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] { env[name] = nil }
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CLIResult(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  static func temporaryFolder() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-cli-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
  }

  static func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
  }
}

/// A shared fixture that could not be built.
struct CLISetupError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

/// Fixtures shared by the suites that try the binary against hostile input.
enum Fixture {
  /// A database with the shipped reference data, one booked container and its first events.
  static func journey() throws -> (folder: String, db: String) {
    let folder = CLI.temporaryFolder()
    let db = folder + "/c.db"
    for step in [
      ["init", "--db", db],
      ["container", "add", "CSQU3054383", "--type", "42G1", "--db", db],
      [
        "shipment", "create", "S1", "--route", "CQ-AKL-DUI", "--shipper", "a", "--consignee", "b", "--commodity", "laptops",
        "--value", "100.00", "--currency", "USD", "--booked", "2025-01-02", "--db", db,
      ],
      ["shipment", "assign", "S1", "CSQU3054383", "--db", db],
      ["event", "record", "CSQU3054383", "GTIN", "--at", "2025-01-03T09:00:00+08:00", "--location", "CNCQI", "--db", db],
    ] {
      let result = try CLI.run(step)
      #expect(result.status == 0, "\(step): \(result.stderr)")
    }
    return (folder, db)
  }

  /// Runs python3 with a script that gets the database path as argv[1] (the sqlite3 module:
  /// how a user with the shell would write around Corridor).
  @discardableResult
  static func python(_ script: String, _ db: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, db]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

}
