import Foundation
import Testing

/// The classes of failure found by hostile testing (issue 13), each tried through the real
/// binary: outputs that could destroy inputs, special files, full disks, damaged databases,
/// hostile stored values, racing processes. Every test fails on the code before its fix.
@Suite struct HostileInputTests {
  /// Runs the binary with standard output sent to `path` (a device, a file).
  func run(_ arguments: [String], stdoutTo path: String) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = arguments
    process.standardOutput = try #require(FileHandle(forWritingAtPath: path))
    let err = Pipe()
    process.standardError = err
    try process.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  // MARK: - 1. Outputs never destroy the database or an input

  @Test func outputsThatAreTheDatabaseOrAnInputAreRefused() throws {
    let (folder, db) = try Fixture.journey()
    try FileManager.default.linkItem(atPath: db, toPath: folder + "/hard.db")
    try FileManager.default.createSymbolicLink(atPath: folder + "/soft.db", withDestinationPath: db)
    let before = try #require(bytes(db))
    for out in [
      db, db + "-wal", db + "-shm", folder + "/hard.db", folder + "/soft.db", folder + "/../" + (folder as NSString).lastPathComponent + "/c.db",
    ] {
      for command in [["export", "events", "--out", out], ["audit", "export", "--out", out]] {
        let result = try CLI.run(command + ["--db", db])
        #expect(result.status == 73, "\(command): \(result.stderr)")
        #expect(result.stderr.contains("refusing to write"))
      }
    }
    #expect(bytes(db) == before)
    #expect(try CLI.run(["db", "check", "--db", db]).status == 0)

    let day = folder + "/day.csv"
    #expect(try CLI.run(["export", "events", "--out", day, "--db", db]).status == 0)
    let input = try #require(bytes(day))
    for rejects in [day, db, db + "-wal"] {
      let result = try CLI.run(["import", "events", day, "--skip-invalid", "--rejects", rejects, "--db", db])
      #expect(result.status == 73, "\(rejects): \(result.stderr)")
    }
    #expect(bytes(day) == input)
    #expect(try CLI.run(["db", "check", "--db", db]).status == 0)
  }

  @Test func replacingAnExistingFileIsSaid() throws {
    let (folder, db) = try Fixture.journey()
    let out = folder + "/events.csv"
    #expect(FileManager.default.createFile(atPath: out, contents: Data("old\n".utf8)))
    let result = try CLI.run(["export", "events", "--out", out, "--db", db])
    #expect(result.status == 0)
    #expect(result.stderr.contains("replacing the existing file \(out)"))
    #expect(String(decoding: try #require(bytes(out)), as: UTF8.self).hasPrefix("id,container"))
  }

  // MARK: - 2. Special files stay what they are

  @Test func symlinksAreFollowedAndFIFOsWrittenInPlace() throws {
    let (folder, db) = try Fixture.journey()
    let target = folder + "/target.csv"
    #expect(FileManager.default.createFile(atPath: target, contents: Data("old".utf8)))
    try FileManager.default.createSymbolicLink(atPath: folder + "/link.csv", withDestinationPath: target)
    #expect(try CLI.run(["export", "events", "--out", folder + "/link.csv", "--db", db]).status == 0)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.csv") == target)
    #expect(String(decoding: try #require(bytes(target)), as: UTF8.self).contains("CSQU3054383"))

    let fifo = folder + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    nonisolated(unsafe) var received = Data()
    let reader = Thread {
      if let handle = FileHandle(forReadingAtPath: fifo) { received = handle.readDataToEndOfFile() }
    }
    reader.start()
    #expect(try CLI.run(["export", "events", "--out", fifo, "--db", db]).status == 0)
    while !reader.isFinished { usleep(10_000) }
    var status = stat()
    #expect(stat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    #expect(String(decoding: received, as: UTF8.self).contains("CSQU3054383"))
  }

  @Test func aFullDeviceIsExit74AndAFolderExit73() throws {
    let (folder, db) = try Fixture.journey()
    for command in [["export", "events", "--out", "/dev/full"], ["audit", "export", "--out", "/dev/full"]] {
      let result = try CLI.run(command + ["--db", db])
      #expect(result.status == 74, "\(command): \(result.stderr)")
      #expect(result.stderr.contains("cannot write /dev/full"))
    }
    var status = stat()
    #expect(stat("/dev/full", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
    #expect(try CLI.run(["export", "events", "--out", folder, "--db", db]).status == 73)
  }

  @Test func aFileThatCannotBeWrittenToTheEndLeavesTheOldContent() throws {
    let (folder, db) = try Fixture.journey()
    let old = Data("old content\n".utf8)
    let existing = folder + "/existing.ndjson"
    #expect(FileManager.default.createFile(atPath: existing, contents: old))
    // A file-size limit (50 or 100 KB, by the shell's block size) above the -shm file but below
    // the export of the shipped reference data (about 180 KB): it fails part-way, as on a full
    // disk. (The database is only read: the previous command checkpointed it.)
    for out in [existing, folder + "/new.ndjson"] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "ulimit -f 100; exec \"$0\" \"$@\"", CLI.binary.path, "audit", "export", "--out", out, "--db", db]
      let err = Pipe()
      process.standardError = err
      try process.run()
      let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 74, "\(message)")
      #expect(message.contains("cannot write \(out)"))
    }
    #expect(bytes(existing) == old)
    #expect(!FileManager.default.fileExists(atPath: folder + "/new.ndjson"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.hasPrefix(".corridor-out-") })
  }

  // MARK: - 3. The default import is all or nothing

  @Test func aLateRowThatConflictsWithAnEarlierRowOfTheFileWritesNothing() throws {
    let (folder, db) = try Fixture.journey()
    let file = folder + "/late.csv"
    let rows = [
      "id,container,code,at,location",
      ",CSQU3054383,LOAD,2025-01-04T08:00:00+08:00,CNCQI",
      ",CSQU3054383,DEPA,2025-01-04T10:00:00+08:00,CNCQI",
      ",CSQU3054383,LOAD,2025-01-03T10:00:00+08:00,CNCQI",
    ]
    #expect(FileManager.default.createFile(atPath: file, contents: Data((rows.joined(separator: "\n") + "\n").utf8)))
    let result = try CLI.run(["import", "events", file, "--batch-size", "1", "--db", db])
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stderr.contains("\(file):4:1:"))
    #expect(result.stderr.contains("[load-when-loaded]"))
    let history = try CLI.run(["track", "CSQU3054383", "--history", "--format", "json", "--db", db])
    #expect(!history.stdout.contains("DEPA"))

    let rejects = folder + "/rejects.csv"
    let skipped = try CLI.run(["import", "events", file, "--skip-invalid", "--rejects", rejects, "--batch-size", "1", "--db", db])
    #expect(skipped.status == 0, "\(skipped.stderr)")
    #expect(skipped.stdout.contains("2 imported"))
    #expect(String(decoding: try #require(bytes(rejects)), as: UTF8.self).contains("4,load-when-loaded"))
  }

  @Test func valuesTheSchemaRefusesAreRefusedByTheValidationPassWithTheirPosition() throws {
    let (folder, db) = try Fixture.journey()
    let csv = folder + "/offset.csv"
    let body = "id,container,code,at,location\n,CSQU3054383,LOAD,2025-01-04T08:00:00+08:00,CNCQI\n,CSQU3054383,DEPA,2025-01-04T10:00:00+18:30,CNCQI\n"
    #expect(FileManager.default.createFile(atPath: csv, contents: Data(body.utf8)))
    let result = try CLI.run(["import", "events", csv, "--batch-size", "1", "--db", db])
    #expect(result.status == 65)
    #expect(result.stderr.contains("\(csv):3:"))
    #expect(!result.stderr.contains("schema"))
    #expect(!(try CLI.run(["track", "CSQU3054383", "--history", "--db", db]).stdout.contains("LOAD")))

    let ndjson = folder + "/empty-id.ndjson"
    let line =
      #"{"eventID":"","equipmentEventTypeCode":"LOAD","eventDateTime":"2025-01-04T08:00:00+08:00","equipmentReference":"CSQU3054383","eventLocation":{"UNLocationCode":"CNCQI"}}"#
    #expect(FileManager.default.createFile(atPath: ndjson, contents: Data((line + "\n").utf8)))
    let imported = try CLI.run(["import", "events", ndjson, "--db", db])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("1 imported"))
  }

  // MARK: - 4 and 9. Aliases

  @Test func aReferenceLoadCannotTakeAnAliasFromAnotherLocation() throws {
    let (folder, db) = try Fixture.journey()
    let file = folder + "/alias.json"
    let json = #"{"locations":[{"code":"CNXYZ","name":"X","country":"CN","kind":"city","timeZone":"Asia/Shanghai","aliases":["CNCKG"]}]}"#
    #expect(FileManager.default.createFile(atPath: file, contents: Data(json.utf8)))
    let result = try CLI.run(["reference", "load", file, "--db", db])
    #expect(result.status == 65)
    #expect(result.stderr.contains("[alias-taken]"))
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)

    // Moving it is fine when the file also lists the old owner without it: both are audited.
    let move = #"""
      {"locations":[{"code":"CNXYZ","name":"X","country":"CN","kind":"city","timeZone":"Asia/Shanghai","aliases":["CNCKG"]},
      {"code":"CNCQI","name":"Chongqing (Tuanjiecun)","country":"CN","kind":"rail-terminal","timeZone":"Asia/Shanghai"}]}
      """#
    #expect(FileManager.default.createFile(atPath: file, contents: Data(move.utf8)))
    let moved = try CLI.run(["reference", "load", file, "--db", db])
    #expect(moved.status == 0, "\(moved.stderr)")
    let verify = try CLI.run(["audit", "verify", "--db", db])
    #expect(verify.status == 0, "\(verify.stdout)")
  }

  @Test func theReadmeUNLOCODESequenceKeepsInitWorkingAndTheAliasWins() throws {
    let folder = CLI.temporaryFolder()
    let db = folder + "/c.db"
    #expect(try CLI.run(["init", "--db", db]).status == 0)
    let list = folder + "/unlocode.csv"
    let rows = [
      "change,country,location,name,nameWoDiacritics,subdivision,function,status,date,iata,coordinates,remarks",
      ",CN,,.CHINA,,,,,,,,",
      ",CN,CKG,Chongqing Jiangbei International Apt,Chongqing Jiangbei International Apt,50,---4----,AS,1601,,,",
      ",CN,XQZ,Somewhere,Somewhere,50,--3-----,RL,1601,,,",
      "X,CN,XQY,Deleted,Deleted,50,--3-----,RL,1601,,,",
      ",CN,Q1!,Broken,Broken,50,--3-----,RL,1601,,,",
    ]
    #expect(FileManager.default.createFile(atPath: list, contents: Data((rows.joined(separator: "\n") + "\n").utf8)))
    let imported = try CLI.run(["location", "import-unlocode", list, "--db", db])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("imported 1 locations"))
    #expect(imported.stdout.contains("1 kept as aliases"))
    #expect(imported.stdout.contains("2 rows skipped (deleted or headers); 1 invalid rows"))
    let again = try CLI.run(["init", "--db", db])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try CLI.run(["location", "show", "CNCKG", "--db", db]).stdout.contains("CNCQI"))
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
  }

  // MARK: - 5. A failed write never traps

  @Test func aFullStandardOutputIsExit74AfterTheWorkIsCommitted() throws {
    let (_, db) = try Fixture.journey()
    let check = try run(["container", "check", "CSQU3054383"], stdoutTo: "/dev/full")
    #expect(check.status == 74, "\(check.stderr)")
    #expect(check.stderr.contains("cannot write to standard output"))
    let record = try run(
      ["event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-04T08:00:00+08:00", "--location", "CNCQI", "--db", db], stdoutTo: "/dev/full")
    #expect(record.status == 74, "\(record.stderr)")
    #expect(record.stderr.contains("committed"))
    let again = try CLI.run(["event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-04T08:00:00+08:00", "--location", "CNCQI", "--db", db])
    #expect(again.stdout.contains("already recorded"))
    for command in [["track", "CSQU3054383", "--history"], ["export", "events"], ["audit", "log"], ["report", "costs"]] {
      let result = try run(command + ["--db", db], stdoutTo: "/dev/full")
      #expect(result.status == 74, "\(command): \(result.stderr)")
    }
  }

  // MARK: - 6. Processes racing to migrate

  @Test func processesStartingTogetherOnAnOlderDatabaseAllSucceed() throws {
    let (_, db) = try Fixture.journey()
    // One migration behind, as after an upgrade: what 0013 added is taken away again, so the
    // first process to start applies it.
    #expect(
      try Fixture.python(
        """
        import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript('DROP INDEX events_stops; \
        DELETE FROM schema_migrations WHERE version = 13;'); c.commit()
        """, db) == 0)
    var processes: [(Process, Pipe)] = []
    for index in 0..<6 {
      let process = Process()
      process.executableURL = CLI.binary
      process.arguments =
        index % 2 == 0
        ? ["shipment", "list", "--db", db]
        : ["event", "record", "CSQU3054383", "INSP", "--at", "2025-01-03T1\(index):00:00+08:00", "--location", "CNCQI", "--db", db]
      let err = Pipe()
      process.standardError = err
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      processes.append((process, err))
    }
    for (process, err) in processes {
      let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(process.arguments ?? []): \(message)")
    }
    let status = try CLI.run(["db", "status", "--db", db, "--format", "json"])
    // Every migration in the repository is applied (the newest one's number).
    let migrations = try FileManager.default.contentsOfDirectory(atPath: ServerCLITests.repository.appendingPathComponent("migrations").path)
    let newest = try #require(migrations.filter { $0.hasSuffix(".sql") }.compactMap { Int($0.prefix(4)) }.max())
    #expect(status.stdout.contains("\"currentVersion\" : \(newest)"), "\(status.stdout)")
    let history = try CLI.run(["export", "events", "--db", db]).stdout
    #expect(history.components(separatedBy: ",INSP,").count == 4, "\(history)")
    #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
  }

  // MARK: - 7. Damaged databases

  @Test func damagedDatabasesAreDescribedNotTrapped() throws {
    let (folder, db) = try Fixture.journey()
    #expect(try CLI.run(["db", "check", "--db", db]).status == 0)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: db)[.size] as? NSNumber).intValue

    let truncated = folder + "/truncated.db"
    try FileManager.default.copyItem(atPath: db, toPath: truncated)
    #expect(truncate(truncated, off_t(size / 3)) == 0)
    let emptied = folder + "/emptied.db"
    try FileManager.default.copyItem(atPath: db, toPath: emptied)
    #expect(
      try Fixture.python("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM schema_migrations'); c.commit()", emptied) == 0)
    let overwritten = folder + "/overwritten.db"
    try FileManager.default.copyItem(atPath: db, toPath: overwritten)
    let handle = try #require(FileHandle(forWritingAtPath: overwritten))
    try handle.seek(toOffset: 4096 * 3)
    try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096 * 4))
    try handle.close()

    for damaged in [truncated, emptied, overwritten] {
      let check = try CLI.run(["db", "check", "--db", damaged])
      #expect(check.status == 65, "\(damaged): \(check.stderr)")
      #expect(!check.stdout.isEmpty)
      // A command that does not read the damaged pages may still answer; one that does says so.
      for command in [["shipment", "list"], ["report", "costs"], ["audit", "verify"], ["export", "events"]] {
        let result = try CLI.run(command + ["--db", damaged])
        guard result.status != 0 else { continue }
        #expect(result.status == 74 || (command == ["audit", "verify"] && result.status == 65), "\(damaged) \(command): \(result.stderr)")
        if result.status == 74 {
          #expect(result.stderr.contains("damaged"))
          #expect(result.stderr.contains("db check"))
        }
      }
    }
  }

  // MARK: - 8. Values the code cannot add up

  @Test func theSchemaRefusesOutOfBoundsValuesAndCommandsNeverTrapOnThem() throws {
    let (_, db) = try Fixture.journey()
    // Without ignore_check_constraints, the schema refuses them (exit 1 from python).
    for sql in [
      "UPDATE legs SET distance_km = 9223372036854775000 WHERE route = 'CQ-AKL-DUI' AND seq = 1",
      "UPDATE legs SET transit_hours = 9223372036854775000 WHERE route = 'CQ-AKL-DUI' AND seq = 1",
      "UPDATE tariffs SET amount_minor = 9223372036854775000",
      "UPDATE shipments SET value_minor = 9223372036854775000",
    ] {
      #expect(try Fixture.python("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"\(sql)\"); c.commit()", db) != 0, "\(sql)")
    }
    // Written around the schema, they stop the command with the table and column.
    let hostile = """
      import sqlite3,sys
      c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA ignore_check_constraints = ON')
      c.execute("UPDATE legs SET distance_km = 9223372036854775000, transit_hours = 9223372036854775000 WHERE route = 'CQ-AKL-DUI' AND seq = 1")
      c.execute('DROP TRIGGER events_no_update')
      c.execute('UPDATE events SET at_ms = 9223372036854775000')
      c.commit()
      """
    #expect(try Fixture.python(hostile, db) == 0)
    for command in [["track", "CSQU3054383"], ["export", "events"], ["cost", "S1"], ["report", "costs"], ["network", "route", "CQ-AKL-DUI"]] {
      let result = try CLI.run(command + ["--db", db])
      #expect(result.status == 74, "\(command): \(result.stderr)")
      #expect(result.stderr.contains("events.at_ms holds") || result.stderr.contains("legs.distance_km holds"), "\(command): \(result.stderr)")
    }
  }

  // MARK: - 10 to 16. Wrong results

  @Test func comparingAYearWithItselfIsRefused() throws {
    let (_, db) = try Fixture.journey()
    let result = try CLI.run(["report", "exports", "--year", "2024", "--compare", "2024", "--db", db])
    #expect(result.status == 64)
    #expect(result.stderr.hasPrefix("corridor: error: --compare 2024 is the reported year"))
  }

  @Test func emptySealsAndNotesAreAbsentSoAnExportReimports() throws {
    let (folder, db) = try Fixture.journey()
    let record = try CLI.run([
      "event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-04T08:00:00+08:00", "--location", "CNCQI", "--seal", "", "--note", "",
      "--vehicle", "", "--id", "", "--db", db,
    ])
    #expect(record.status == 0, "\(record.stderr)")
    let file = folder + "/out.csv"
    #expect(try CLI.run(["export", "events", "--out", file, "--db", db]).status == 0)
    let again = try CLI.run(["import", "events", file, "--db", db])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("0 imported, 2 already recorded"))
  }

  @Test func recordingARetractedEventAgainSaysSo() throws {
    let (folder, db) = try Fixture.journey()
    let arguments = ["event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-04T08:00:00+08:00", "--location", "CNCQI", "--db", db]
    let first = try CLI.run(arguments)
    let id = try #require(first.stdout.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
    #expect(try CLI.run(["event", "retract", id, "--reason", "wrong train", "--db", db]).status == 0)
    // A resend is a no-op, as for any recorded event, but it says the event stays retracted.
    let again = try CLI.run(arguments)
    #expect(again.status == 0)
    #expect(again.stdout.contains("retracted (wrong train); it stays retracted"))
    #expect(again.stdout.contains("--id"))
    let renamed = try CLI.run(arguments + ["--id", "LOAD-again"])
    #expect(renamed.status == 0, "\(renamed.stderr)")
    // An import of the retracted row adds nothing (re-running a day's file is a no-op).
    let file = folder + "/one.csv"
    let row = "id,container,code,at,location,shipment\n\(id),CSQU3054383,LOAD,2025-01-04T08:00:00+08:00,CNCQI,S1\n"
    #expect(FileManager.default.createFile(atPath: file, contents: Data(row.utf8)))
    #expect(try CLI.run(["import", "events", file, "--db", db]).stdout.contains("1 already recorded"))
  }

  @Test func tariffAddNeverReplacesSilently() throws {
    let (_, db) = try Fixture.journey()
    let base = [
      "tariff", "add", "--route", "CQ-AKL-DUI", "--component", "other", "--equipment", "40", "--basis", "container", "--currency", "CNY",
      "--from", "2030-01-01", "--db", db,
    ]
    #expect(try CLI.run(base + ["--amount", "100.00"]).status == 0)
    #expect(try CLI.run(base + ["--amount", "100.00"]).status == 0)
    let other = try CLI.run(base + ["--amount", "200.00"])
    #expect(other.status == 65)
    #expect(other.stderr.contains("[tariff-overlap]"))
    let list = try CLI.run(["tariff", "list", "--route", "CQ-AKL-DUI", "--format", "csv", "--db", db])
    #expect(list.stdout.contains("other,40,container,100.00,CNY,2030-01-01"))
    #expect(!list.stdout.contains("200.00,CNY,2030-01-01"))
  }

  @Test func cyclicAndOversizedRoutesAreRefused() throws {
    let (folder, db) = try Fixture.journey()
    let leg = { (from: String, to: String, km: Int) in
      #"{"from":"\#(from)","to":"\#(to)","mode":"rail","distanceKm":\#(km),"transitHours":10}"#
    }
    let cases = [
      ("route-cycle", [leg("CNCQI", "KZDOS", 100), leg("KZDOS", "CNCQI", 100)]),
      ("route-bounds", [leg("CNCQI", "KZDOS", 40_000), leg("KZDOS", "BYBQT", 40_000)]),
    ]
    for (rule, legs) in cases {
      let file = folder + "/\(rule).json"
      let json = #"{"routes":[{"code":"BAD","corridor":"CN-EU","name":"bad","legs":[\#(legs.joined(separator: ","))]}]}"#
      #expect(FileManager.default.createFile(atPath: file, contents: Data(json.utf8)))
      let result = try CLI.run(["reference", "load", file, "--db", db])
      #expect(result.status == 65)
      #expect(result.stderr.contains("[\(rule)]"), "\(result.stderr)")
    }
  }

  @Test func aBookingListingABoxTwiceIsRefused() throws {
    let (folder, db) = try Fixture.journey()
    let file = folder + "/bookings.csv"
    let body = """
      ref,route,shipper,consignee,commodity,hs,value,currency,booked,containers
      S9,CQ-AKL-DUI,a,b,laptops,,1.00,USD,2025-01-02,MSCU1234566:42G1;MSCU1234566:42G1

      """
    #expect(FileManager.default.createFile(atPath: file, contents: Data(body.utf8)))
    let result = try CLI.run(["import", "shipments", file, "--db", db])
    #expect(result.status == 65)
    #expect(result.stderr.contains("[duplicate-container]"))
    #expect(try CLI.run(["shipment", "show", "S9", "--db", db]).status == 65)
  }

  // MARK: - 15. audit verify

  @Test func auditVerifyComparesTriggerDefinitionsAndAnAnchorFindsATruncatedTail() throws {
    let (_, db) = try Fixture.journey()
    let neutered = """
      import sqlite3,sys
      c=sqlite3.connect(sys.argv[1])
      c.execute('DROP TRIGGER events_no_delete')
      c.execute("CREATE TRIGGER events_no_delete BEFORE DELETE ON events WHEN 0 BEGIN SELECT RAISE(ABORT, 'x'); END")
      c.commit()
      """
    #expect(try Fixture.python(neutered, db) == 0)
    let verify = try CLI.run(["audit", "verify", "--db", db])
    #expect(verify.status == 65)
    #expect(verify.stdout.contains("events_no_delete was replaced"))

    let (_, other) = try Fixture.journey()
    let intact = try CLI.run(["audit", "verify", "--db", other])
    let anchor = try #require(intact.stdout.components(separatedBy: "anchor ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
    let truncate = """
      import sqlite3,sys
      c=sqlite3.connect(sys.argv[1])
      sql={r[0]: r[1] for r in c.execute("SELECT name, sql FROM sqlite_schema WHERE type='trigger'")}
      for name in sql: c.execute('DROP TRIGGER ' + name)
      c.execute('DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)')
      c.execute('DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)')
      for text in sql.values(): c.execute(text)
      c.commit()
      """
    #expect(try Fixture.python(truncate, other) == 0)
    // Without an anchor the shorter chain is consistent (documented); with one it is not.
    #expect(try CLI.run(["audit", "verify", "--db", other]).status == 0)
    let anchored = try CLI.run(["audit", "verify", "--anchor", anchor, "--db", other])
    #expect(anchored.status == 65, "\(anchored.stdout)")
    #expect(anchored.stdout.contains("deleted from its end"))
  }

  // MARK: - 17 to 20. Errors

  @Test func usageErrorsFollowTheHouseFormat() throws {
    let (_, db) = try Fixture.journey()
    let missing = try CLI.run(["track"])
    #expect(missing.status == 64 || missing.status == 65)
    let unknown = try CLI.run(["db", "status", "--no-such-flag"])
    #expect(unknown.status == 64)
    #expect(unknown.stderr.hasPrefix("corridor: error: "))
    #expect(unknown.stderr.contains("corridor: hint: see `corridor db status --help`"))
    #expect(!unknown.stderr.contains("Error:"))
    let negative = try CLI.run([
      "tariff", "add", "--route", "CQ-AKL-DUI", "--component", "base", "--equipment", "40", "--basis", "container", "--currency", "CNY",
      "--from", "2030-01-01", "--amount", "-1", "--db", db,
    ])
    #expect(negative.status == 65, "\(negative.stderr)")
    #expect(negative.stderr.contains("negative"))
  }

  @Test func schemaMessagesDoNotLeak() throws {
    let (folder, db) = try Fixture.journey()
    let offset = try CLI.run(["event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-04T08:00:00+18:59", "--location", "CNCQI", "--db", db])
    #expect(offset.status == 65)
    #expect(offset.stderr.contains("[timestamp]"))
    for json in [
      #"{"corridors":[{"code":"X","name":""}]}"#,
      #"{"routes":[{"code":"R","corridor":"CN-EU","name":" ","legs":[{"from":"CNCQI","to":"KZDOS","mode":"rail","distanceKm":1,"transitHours":1}]}]}"#,
    ] {
      let file = folder + "/r.json"
      #expect(FileManager.default.createFile(atPath: file, contents: Data(json.utf8)))
      let result = try CLI.run(["reference", "load", file, "--db", db])
      #expect(result.status == 65)
      #expect(!result.stderr.contains("CHECK"), "\(result.stderr)")
      #expect(result.stderr.contains("r.json:1:"), "\(result.stderr)")
    }
    let file = folder + "/n.json"
    #expect(
      FileManager.default.createFile(atPath: file, contents: Data(#"{"fxRates":[{"date":"2024-01-01","base":"USD","quote":"CNY","rate":7}]}"#.utf8)))
    let number = try CLI.run(["reference", "load", file, "--db", db])
    #expect(number.status == 65)
    #expect(number.stderr.components(separatedBy: "n.json:").count == 2, "\(number.stderr)")
  }

  @Test func standardInputIsNamedAndLeavesNoSpoolFile() throws {
    let (folder, db) = try Fixture.journey()
    let spool = folder + "/tmp"
    try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
    let result = try CLI.run(
      ["import", "events", "-", "--db", db], environment: ["TMPDIR": spool],
      stdin: Data("id,container,code,at,location\n,CSQU3054383,GTIN,bad,CNCQI\n".utf8))
    #expect(result.status == 65)
    #expect(result.stderr.contains("<stdin>:2:"))
    #expect(!result.stderr.contains("corridor-stdin"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty)
  }

  @Test func smallerFindings() throws {
    let (folder, db) = try Fixture.journey()
    // A folder as input is missing input, not an empty file.
    #expect(try CLI.run(["import", "events", folder, "--db", db]).status == 66)
    #expect(try CLI.run(["reference", "load", folder, "--db", db]).status == 66)
    // Filters that name nothing.
    for filter in [
      ["report", "costs", "--route", "NOPE"], ["report", "costs", "--corridor", "NOPE"], ["shipment", "list", "--route", "NOPE"],
      ["export", "events", "--shipment", "NOPE"], ["tariff", "list", "--route", "NOPE"],
    ] {
      let result = try CLI.run(filter + ["--db", db])
      #expect(result.status == 65, "\(filter)")
      #expect(result.stderr.contains("NOPE"))
    }
    // --db must name a file that keeps what is written.
    #expect(try CLI.run(["shipment", "list", "--db", ""]).status == 64)
    #expect(try CLI.run(["init", "--db", ":memory:"]).status == 64)
    // A ledger version no release has is damage, not "newer than this binary".
    #expect(
      try Fixture.python(
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO schema_migrations VALUES (-1, 'x', '\(String(repeating: "0", count: 64))', 'now')\"); c.commit()",
        db) == 0)
    let version = try CLI.run(["shipment", "list", "--db", db])
    #expect(version.status == 74)
    #expect(version.stderr.contains("damaged"))
    #expect(!version.stderr.contains("newer"))
  }
}
