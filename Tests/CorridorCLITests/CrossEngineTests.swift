import CorridorStorePostgres
import Dispatch
import Foundation
import Synchronization
import Testing

/// The same commands on both engines: the README's operator's cookbook, step by step, on a
/// SQLite file and on a PostgreSQL database, with one fixed clock (`CORRIDOR_NOW`), must exit
/// alike and print the same bytes (the ledger's name aside), audit export hash and `audit
/// verify`'s head included. Needs `CORRIDOR_TEST_POSTGRES` (`.ci/run` starts a cluster).
@Suite struct CrossEngineTests {
  @Test(.enabled(if: PostgresCLITests.available)) func theCookbookPrintsTheSameOnBothEngines() throws {
    let (url, secret, drop) = try PostgresCLITests.freshDatabase()
    defer { drop() }
    let steps = try CookbookTests.steps()
    let (liteFolder, pgFolder) = (CLI.temporaryFolder(), CLI.temporaryFolder())
    let file = liteFolder + "/cookbook.db"
    let redacted = url.replacingOccurrences(of: ":" + secret + "@", with: "@")
    var compared = 0
    for step in steps {
      let clock = ["CORRIDOR_OPERATOR": "cookbook", "CORRIDOR_NOW": "2025-06-01T00:00:00Z"]
      let lite = try CLI.run(step.arguments, environment: clock.merging(["CORRIDOR_DB": file]) { $1 }, cwd: liteFolder)
      let pg = try CLI.run(step.arguments, environment: clock.merging(["CORRIDOR_DB": url]) { $1 }, cwd: pgFolder)
      let site = "README.md:\(step.line): corridor \(step.arguments.joined(separator: " "))"
      #expect(!pg.stdout.contains(secret) && !pg.stderr.contains(secret), "\(site): the password was printed")
      #expect(lite.status == step.expectedStatus, "\(site) on SQLite: \(lite.stderr)")
      #expect(pg.status == lite.status, "\(site) on PostgreSQL exited \(pg.status): \(pg.stderr)")
      func masked(_ text: String, _ name: String) -> String { text.replacingOccurrences(of: name, with: "LEDGER") }
      #expect(masked(pg.stdout, redacted) == masked(lite.stdout, file), "\(site): stdout differs")
      #expect(masked(pg.stderr, redacted) == masked(lite.stderr, file), "\(site): stderr differs")
      compared += 1
    }
    #expect(compared >= 40)
    // The files the steps wrote (the events export, the audit export and its manifest) too.
    for name in ["day.csv", "audit.csv", "audit.csv.manifest.json"] {
      let written = try Data(contentsOf: URL(fileURLWithPath: pgFolder + "/" + name))
      #expect(written == (try Data(contentsOf: URL(fileURLWithPath: liteFolder + "/" + name))), "\(name) differs")
    }
  }

  /// The demo's ledger (both directions, customs, free time, every corridor) copied to PostgreSQL
  /// with `db copy`: every read command prints the same bytes on both, and `subscription alerts`
  /// (which writes) the same answer.
  @Test(.enabled(if: PostgresCLITests.available)) func theDemoLedgerReadsTheSameOnBothEngines() throws {
    let (url, _, drop) = try PostgresCLITests.freshDatabase()
    defer { drop() }
    let folder = CLI.temporaryFolder()
    let file = folder + "/demo.db"
    let demo = try CLI.run(["demo", "--db", file], cwd: folder)
    #expect(demo.status == 0, "\(demo.stderr)")
    // `demo --db URL` builds in a scratch file and moves it with db copy's code: the same tour.
    let onPostgres = try CLI.run(["demo", "--db", url], cwd: folder)
    #expect(onPostgres.status == 0, "\(onPostgres.stderr)")
    let redacted = try PostgresLocation(parsing: url, environment: [:]).description
    #expect(
      onPostgres.stdout.replacingOccurrences(of: redacted, with: "LEDGER") == demo.stdout.replacingOccurrences(of: file, with: "LEDGER"),
      "the demo's tour differs on PostgreSQL")
    let box = "CQXU1000017"
    let commands = [
      "shipment list", "shipment list --format json", "shipment show CQ23-LAP-01", "container list", "container show \(box)",
      "track \(box)", "track \(box) --history", "track \(box) --format json", "report exceptions", "report clearance",
      "report clearance --by month", "report clearance --by office", "report costs --from 2023-01-01 --to 2024-12-31 --by month",
      "report costs --from 2023-01-01 --to 2024-12-31 --by corridor", "report exports --year 2024 --compare 2023 --by commodity",
      "report imports --year 2024", "report free-time --as-of 2024-06-30T00:00:00Z",
      "report policy-impact --from 2023-01-01 --to 2024-12-31", "report emissions --from 2023-01-01 --to 2024-12-31 --by corridor",
      "cost CQ23-LAP-01", "cost CQ23-LAP-01 --as-of 2024-06-30T00:00:00Z", "emissions CQ23-LAP-01",
      "free-time \(box) --as-of 2024-06-30T00:00:00Z", "tariff list", "policy list", "fx list",
      "export events --from 2024-01-01 --to 2024-01-31", "export events --from 2024-01-01 --to 2024-01-31 --format ndjson",
      "export events --from 2024-01-01 --to 2024-01-31 --format iftsta", "subscription alerts --as-of 2024-06-30T00:00:00Z",
      "network routes", "network route CQ-AKL-DUI", "location list --country LA", "customs list", "customs rebate --year 2024",
      "eta backtest", "report transit --from 2024-01-01 --to 2024-12-31",
    ]
    let clock = ["CORRIDOR_NOW": "2025-03-01T00:00:00Z"]
    for command in commands {
      let arguments = command.split(separator: " ").map(String.init)
      let lite = try CLI.run(arguments + ["--db", file], environment: clock)
      let pg = try CLI.run(arguments + ["--db", url], environment: clock)
      #expect(lite.status == 0, "corridor \(command) on SQLite: \(lite.stderr)")
      #expect(pg.status == 0, "corridor \(command) on PostgreSQL: \(pg.stderr)")
      #expect(pg.stdout == lite.stdout, "corridor \(command): stdout differs")
      #expect(!lite.stdout.isEmpty, "corridor \(command) printed nothing")
    }
  }

  /// The writing commands beside the cookbook's, on a fresh ledger on each engine: places from a
  /// UN/LOCODE file (one at longitude `00000W`, minus zero, which SQLite stores as 0 and
  /// PostgreSQL kept signed until `Location.coordinate`), bookings, a day's events, a customs
  /// declaration and its release, the ETA refresh: the same outputs and the same audit head.
  @Test(.enabled(if: PostgresCLITests.available)) func theImportsAndCustomsWriteTheSameLedgerOnBothEngines() throws {
    let (url, _, drop) = try PostgresCLITests.freshDatabase()
    defer { drop() }
    let folder = CLI.temporaryFolder()
    let places = folder + "/places.csv"
    try """
    change,country,location,name,nameWoDiacritics,subdivision,function,status,date,iata,coordinates,remarks
    ,ES,NAL,Benasal,Benasal,CS,--3-----,RL,1001,,4023N 00000W,
    ,LA,XAY,Xaythany,Xaythany,VT,--3-----,RL,1001,,1810N 10245E,

    """.write(toFile: places, atomically: true, encoding: .utf8)
    let events = folder + "/events.csv"
    try """
    id,container,code,at,location,shipment,classifier,mode,vehicle,emptyLaden,seal,note
    ,CQXU1024127,GTIN,2024-12-26T09:00:00+08:00,CNCQI,CQ24-CAR-12,ACT,,,LADEN,,
    ,CQXU1024127,LOAD,2024-12-26T12:00:00+08:00,CNCQI,CQ24-CAR-12,ACT,rail,X8001,LADEN,,
    ,CQXU1024127,DEPA,2024-12-26T15:00:00+08:00,CNCQI,CQ24-CAR-12,ACT,rail,X8001,LADEN,,

    """.write(toFile: events, atomically: true, encoding: .utf8)
    let bookings = folder + "/bookings.csv"
    try """
    ref,route,shipper,consignee,commodity,hs,value,currency,booked,containers
    CQ24-CAR-12,CQ-QZH-SIN,"Chongqing Auto Export (illustrative)",Singapore Trading Pte,automobiles,870323,2910000000.00,CNY,2024-12-25,CQXU1024127:42G1;CQXU1024132:42G1

    """.write(toFile: bookings, atomically: true, encoding: .utf8)
    let steps = [
      "init", "location import-unlocode \(places)", "location show ESNAL", "import shipments \(bookings)", "import events \(events)",
      "import events \(events)",
      "customs declare 800020240000000001 --shipment CQ24-CAR-12 --procedure export --office CNCQI --at 2024-12-20T09:00:00+08:00",
      "customs record 800020240000000001 accepted --at 2024-12-20T10:00:00+08:00",
      "customs record 800020240000000001 released --at 2024-12-21T09:00:00+08:00", "customs list", "eta refresh", "track CQXU1024127",
      "audit verify",
    ]
    let clock = ["CORRIDOR_NOW": "2025-03-01T00:00:00Z", "CORRIDOR_OPERATOR": "ops"]
    let file = folder + "/ledger.db"
    for step in steps {
      let arguments = step.split(separator: " ").map(String.init)
      let lite = try CLI.run(arguments + ["--db", file], environment: clock)
      let pg = try CLI.run(arguments + ["--db", url], environment: clock)
      #expect(lite.status == 0, "corridor \(step) on SQLite: \(lite.stderr)")
      #expect(pg.status == lite.status, "corridor \(step) on PostgreSQL: \(pg.stderr)")
      if step != "init" { #expect(pg.stdout == lite.stdout, "corridor \(step): stdout differs: \(pg.stdout) against \(lite.stdout)") }
    }
  }

  /// Several processes record contradictory events for one box at once (each a LOAD where the box
  /// is not loaded, under its own id): on PostgreSQL each write decides over what the previous one
  /// left, so exactly one is accepted, the others are refused as SQLite refuses them, and the
  /// audit chain stays one sequence.
  @Test(.enabled(if: PostgresCLITests.available)) func concurrentWritersNeverAcceptContradictoryEvents() throws {
    let (url, _, drop) = try PostgresCLITests.freshDatabase()
    defer { drop() }
    let env = ["CORRIDOR_DB": url, "CORRIDOR_OPERATOR": "ops"]
    for arguments in [
      ["init"], ["container", "add", "CSQU3054383", "--type", "42G1", "--tare-kg", "3750", "--max-gross-kg", "30480"],
      ["event", "record", "CSQU3054383", "GTIN", "--at", "2025-01-03T09:00:00+08:00", "--location", "CNCKG"],
    ] {
      let result = try CLI.run(arguments, environment: env)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    let writers = 6
    let statuses = Mutex<[Int32]>([])
    DispatchQueue.concurrentPerform(iterations: writers) { index in
      let result = try? CLI.run(
        [
          "event", "record", "CSQU3054383", "LOAD", "--at", "2025-01-04T0\(index):00:00+08:00", "--location", "CNCQI", "--mode", "rail",
          "--id", "load-\(index)",
        ], environment: env)
      statuses.withLock { $0.append(result?.status ?? -1) }
    }
    let outcome = statuses.withLock { $0 }
    #expect(outcome.filter { $0 == 0 }.count == 1, "\(outcome)")
    #expect(outcome.filter { $0 == 65 }.count == writers - 1, "\(outcome)")
    let history = try CLI.run(["export", "events", "--container", "CSQU3054383"], environment: env)
    #expect(history.stdout.split(separator: "\n").filter { $0.contains(",LOAD,") }.count == 1, "\(history.stdout)")
    let verify = try CLI.run(["audit", "verify"], environment: env)
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
  }
}
