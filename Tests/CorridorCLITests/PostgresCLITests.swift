import CorridorStorePostgres
import Foundation
import Testing

/// `corridor` against a real PostgreSQL server (`CORRIDOR_TEST_POSTGRES`, started by `.ci/run`):
/// init, db status, db migrate, db copy both ways, and the clear refusal of the commands that
/// run on SQLite only (the dev tools). The password never reaches stdout or stderr.
@Suite struct PostgresCLITests {
  static let environment = ProcessInfo.processInfo.environment
  static let adminURL = environment["CORRIDOR_TEST_POSTGRES"]
  static var available: Bool { adminURL != nil }

  /// A new database with byte-order collation, owned by a new role whose password is unlike any
  /// other word of the output; its URL (with the password), the password, and a drop.
  static func freshDatabase() throws -> (url: String, password: String, drop: () -> Void) {
    let adminURL = try #require(adminURL)
    let admin = try PostgresLocation(parsing: adminURL, environment: environment)
    let suffix = UUID().uuidString.prefix(8).lowercased()
    let name = "corridor_cli_\(suffix)"
    let password = "pw-\(UUID().uuidString.prefix(12).lowercased())"
    let session = try PostgresSession(admin)
    try session.execute("CREATE ROLE \(name) LOGIN PASSWORD '\(password)'")
    try session.execute("CREATE DATABASE \(name) OWNER \(name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    let url = "postgres://\(name):\(password)@\(admin.host):\(admin.port)/\(name)"
    return (
      url, password,
      {
        try? session.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try? session.execute("DROP ROLE IF EXISTS \(name)")
      }
    )
  }

  @Test(.enabled(if: available)) func initStatusCopyAndBackOnTheCommandLine() throws {
    let (url, secret, drop) = try Self.freshDatabase()
    defer { drop() }
    let folder = CLI.temporaryFolder()
    var outputs: [CLIResult] = []
    defer {
      for output in outputs { #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret), "the password was echoed") }
    }

    let initialized = try CLI.run(["init", "--db", url, "--operator", "ops"])
    outputs.append(initialized)
    #expect(initialized.status == 0, "\(initialized.stderr)")
    #expect(initialized.stdout.contains("loaded the shipped reference data: locations: 29 new"))
    #expect(initialized.stdout.contains("database ready: postgres://"))
    #expect(initialized.stderr.contains("applied migration 0025_eta_history.sql"))

    let status = try CLI.run(["db", "status", "--format", "json"], environment: ["CORRIDOR_DB": url])
    outputs.append(status)
    #expect(status.status == 0, "\(status.stderr)")
    let migrations = try #require((try CLI.json(status.stdout) as? [String: Any])?["migrations"] as? [[String: Any]])
    #expect(migrations.count == 27 && migrations.allSatisfy { $0["state"] as? String == "applied" })
    let migrate = try CLI.run(["db", "migrate", "--db", url])
    outputs.append(migrate)
    #expect(migrate.status == 0 && migrate.stdout.contains("is up to date"))
    // A second init leaves the ledger as it is.
    let again = try CLI.run(["init", "--db", url])
    outputs.append(again)
    #expect(again.status == 0 && !again.stdout.contains("loaded"), "\(again.stdout)")

    let back = try CLI.run(["db", "copy", "--from", url, "--to", folder + "/back.db"])
    outputs.append(back)
    #expect(back.status == 0, "\(back.stderr)")
    #expect(back.stdout.contains("audit chain intact at the target"))
    let verify = try CLI.run(["audit", "verify", "--db", folder + "/back.db"])
    #expect(verify.status == 0 && verify.stdout.hasPrefix("intact: "), "\(verify.stdout)\(verify.stderr)")
    let routes = try CLI.run(["network", "routes", "--db", folder + "/back.db"])
    #expect(routes.status == 0 && routes.stdout.contains("CQ-AKL-DUI"))

    // The audit export is the same file from either engine, and one engine's manifest anchors
    // the other's verify.
    let today = String(Date().ISO8601Format().prefix(10))
    for (format, range) in [("ndjson", [String]()), ("csv", ["--from", today, "--to", today])] {
      let there = try CLI.run(["audit", "export", "--db", url, "--format", format, "--out", folder + "/pg.\(format)"] + range)
      let here = try CLI.run(["audit", "export", "--db", folder + "/back.db", "--format", format, "--out", folder + "/file.\(format)"] + range)
      outputs.append(there)
      #expect(there.status == 0 && here.status == 0, "\(there.stderr)\(here.stderr)")
      let bytes = try #require(FileManager.default.contents(atPath: folder + "/pg.\(format)"))
      #expect(bytes == FileManager.default.contents(atPath: folder + "/file.\(format)"), "\(format) exports differ")
      #expect(String(decoding: bytes, as: UTF8.self).contains("\"entity\":\"location\"") || format == "csv")
      // The shipped reference data's 587 entries, and a header line for CSV.
      #expect(bytes.split(separator: 0x0A).count == (format == "csv" ? 588 : 587))
      #expect(try CLI.run(["audit", "verify-export", folder + "/pg.\(format)"]).status == 0)
    }
    let anchored = try CLI.run(["audit", "verify", "--db", folder + "/back.db", "--anchor", folder + "/pg.ndjson.manifest.json"])
    #expect(anchored.status == 0 && anchored.stdout.contains("reaches the anchor"), "\(anchored.stdout)\(anchored.stderr)")
    // `audit verify` on PostgreSQL itself (this role is no superuser): the file's words, and the
    // file's manifest anchors it.
    let verifiedThere = try CLI.run(["audit", "verify", "--db", url, "--anchor", folder + "/file.ndjson.manifest.json"])
    outputs.append(verifiedThere)
    let verifiedHere = try CLI.run(["audit", "verify", "--db", folder + "/back.db", "--anchor", folder + "/file.ndjson.manifest.json"])
    #expect(verifiedThere.status == 0 && verifiedThere.stdout == verifiedHere.stdout, "\(verifiedThere.stdout)\(verifiedThere.stderr)")
    for arguments in [["--limit", "3", "--format", "csv"], ["--entity", "route", "--format", "json"]] {
      let logThere = try CLI.run(["audit", "log", "--db", url] + arguments)
      outputs.append(logThere)
      let logHere = try CLI.run(["audit", "log", "--db", folder + "/back.db"] + arguments)
      #expect(logThere.status == 0 && logThere.stdout == logHere.stdout && !logThere.stdout.isEmpty, "\(logThere.stderr)")
    }
    // `db backup` from PostgreSQL: a checked copy in a file, which verifies with the server's
    // words; a backup that fails (the server unreachable) leaves the file as it was.
    let backup = try CLI.run(["db", "backup", "--db", url, "--out", folder + "/backup.db"])
    outputs.append(backup)
    #expect(backup.status == 0 && backup.stdout.hasPrefix("backed up postgres://"), "\(backup.stdout)\(backup.stderr)")
    let plain = try CLI.run(["audit", "verify", "--db", url])
    let fromBackup = try CLI.run(["audit", "verify", "--db", folder + "/backup.db"])
    #expect(plain.status == 0 && fromBackup.stdout == plain.stdout, "\(fromBackup.stdout)\(fromBackup.stderr)")
    let kept = FileManager.default.contents(atPath: folder + "/backup.db")
    let unreachable = try CLI.run(["db", "backup", "--db", "postgres://ops@127.0.0.1:1/ledger", "--out", folder + "/backup.db"])
    #expect(unreachable.status == 74 && FileManager.default.contents(atPath: folder + "/backup.db") == kept)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.hasPrefix(".corridor-out-") })
    let checked = try CLI.run(["db", "check", "--db", url])
    outputs.append(checked)
    #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: foreign keys and constraints"), "\(checked.stdout)\(checked.stderr)")
    let checkpoint = try CLI.run(["audit", "checkpoint", "--db", url, "--operator", "ops"])
    outputs.append(checkpoint)
    #expect(checkpoint.status == 0 && checkpoint.stdout.hasPrefix("checkpoint at entry 587: "), "\(checkpoint.stdout)\(checkpoint.stderr)")
    let since = try CLI.run(["audit", "verify", "--db", url, "--since-checkpoint"])
    outputs.append(since)
    #expect(since.status == 0 && since.stdout.hasPrefix("intact since the checkpoint: 1 entries"), "\(since.stdout)\(since.stderr)")

    let refused = try CLI.run(["db", "copy", "--from", folder + "/back.db", "--to", url])
    outputs.append(refused)
    #expect(refused.status == 65 && refused.stderr.contains("holds a ledger already"))
  }

  /// The dev tools say they run on SQLite only (exit 64), through --db and CORRIDOR_DB alike,
  /// before they make anything; an unreachable server is exit 74 (the demo's before it builds
  /// anything); neither echoes the password.
  @Test func commandsThatRunOnSQLiteOnlySaySo() throws {
    let url = "postgres://ops:zq9-secret@127.0.0.1:1/ledger"
    let folder = CLI.temporaryFolder()
    for result in [
      try CLI.run(["dev", "generate", "--events", "10", "--out", "x.csv", "--db", url], cwd: folder),
      try CLI.run(["dev", "audit-fill", "--entries", "1"], environment: ["CORRIDOR_DB": url], cwd: folder),
    ] {
      #expect(result.status == 64)
      #expect(result.stderr.contains("runs on SQLite only"), "\(result.stderr)")
      #expect(!result.stderr.contains("zq9-secret"))
    }
    let demo = try CLI.run(["demo", "--db", url], cwd: folder)
    #expect(demo.status == 74 && demo.stderr.contains("cannot connect to postgres://ops@127.0.0.1:1/ledger"), "\(demo.stderr)")
    #expect(!demo.stderr.contains("zq9-secret"))
    // Nothing was made of the URL as a path, nor an output.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    for command in [
      ["db", "status"], ["track", "CSQU3054383"], ["shipment", "list"], ["serve"], ["import", "events", "day.csv"], ["network", "routes"],
      ["report", "transit"],
    ] {
      let unreachable = try CLI.run(command + ["--db", url])
      #expect(unreachable.status == 74, "\(command): \(unreachable.stderr)")
      #expect(unreachable.stderr.contains("cannot connect to postgres://ops@127.0.0.1:1/ledger"))
      #expect(!unreachable.stderr.contains("zq9-secret"))
    }
    let badURL = try CLI.run(["db", "copy", "--from", "x.db", "--to", "postgres://ops:zq9-secret@127.0.0.1:1/"])
    #expect(badURL.status == 64 && !badURL.stderr.contains("zq9-secret"), "\(badURL.stderr)")
  }

  /// A copy killed with SIGKILL part way leaves the target as it was, in either direction: the
  /// PostgreSQL target without a row, the file's schema without a row; a rerun then copies it all.
  @Test(.enabled(if: available)) func aCopyKilledPartWayLeavesNothingAndARerunFinishes() throws {
    let (url, secret, drop) = try Self.freshDatabase()
    defer { drop() }
    let folder = CLI.temporaryFolder()
    let demo = try CLI.run(["demo", "--db", folder + "/demo.db"])
    #expect(demo.status == 0)
    func killed(_ arguments: [String], after seconds: Double) throws -> Int32 {
      let process = Process()
      process.executableURL = CLI.binary
      process.arguments = arguments
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: seconds)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return process.terminationStatus
    }
    // Part way: the target is migrated within the first second, the rows take longer.
    _ = try killed(["db", "copy", "--from", folder + "/demo.db", "--to", url], after: 2.5)
    // Killed after the migrations (the ledger exists) and before the rows committed (none there).
    let status = try CLI.run(["db", "status", "--db", url, "--format", "json"])
    #expect(status.status == 0 && !status.stderr.contains(secret) && !status.stdout.contains("\"pending\""))
    let empty = try CLI.run(["audit", "export", "--db", url, "--out", folder + "/empty.ndjson"])
    #expect(empty.status == 0 && empty.stdout.hasPrefix("exported 0 entries"), "\(empty.stdout)\(empty.stderr)")
    let there = try CLI.run(["db", "copy", "--from", folder + "/demo.db", "--to", url])
    #expect(there.status == 0, "the rerun was refused: \(there.stderr)")
    #expect(there.stdout.contains("events: 57069 rows"))
    // The demo verifies on PostgreSQL with the file's words, head and anchor.
    let verifiedThere = try CLI.run(["audit", "verify", "--db", url])
    let verifiedHere = try CLI.run(["audit", "verify", "--db", folder + "/demo.db"])
    #expect(verifiedThere.status == 0 && verifiedThere.stdout == verifiedHere.stdout, "\(verifiedThere.stdout)\(verifiedThere.stderr)")
    #expect(!verifiedThere.stderr.contains(secret))

    _ = try killed(["db", "copy", "--from", url, "--to", folder + "/back.db"], after: 2.5)
    #expect(try CLI.run(["db", "check", "--db", folder + "/back.db"]).status == 0)
    let none = try CLI.run(["audit", "verify", "--db", folder + "/back.db"])
    #expect(none.stdout.hasPrefix("intact: 0 entries"), "\(none.stdout)\(none.stderr)")
    let back = try CLI.run(["db", "copy", "--from", url, "--to", folder + "/back.db"])
    #expect(back.status == 0, "the rerun was refused: \(back.stderr)")
    let verify = try CLI.run(["audit", "verify", "--db", folder + "/back.db"])
    let original = try CLI.run(["audit", "verify", "--db", folder + "/demo.db"])
    #expect(verify.status == 0 && verify.stdout == original.stdout)
  }

  /// A server-side failure is one line with the server's words and SQLSTATE, by its class: a
  /// missing table is a bug (exit 70), never a usage error; the password stays out.
  @Test(.enabled(if: available)) func aServerFailureIsOneLineWithItsSQLState() throws {
    let (url, secret, drop) = try Self.freshDatabase()
    defer { drop() }
    #expect(try CLI.run(["db", "migrate", "--db", url]).status == 0)
    try PostgresSession(try PostgresLocation(parsing: url, environment: [:])).execute("DROP TABLE audit_log")
    let folder = CLI.temporaryFolder()
    let export = try CLI.run(["audit", "export", "--db", url, "--out", folder + "/x.ndjson"])
    #expect(export.status == 70, "\(export.stderr)")
    #expect(export.stderr.hasPrefix("corridor: error: PostgreSQL postgres://"), "\(export.stderr)")
    #expect(export.stderr.contains("SQLSTATE 42P01") && !export.stderr.contains(secret))
  }
}
