import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorServer
import CorridorStore
import CorridorStorePostgres
import Foundation

extension Corridor {
  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve the DCSA Track & Trace 2.2 API (/v2) and Corridor's event intake (/corridor/v1) over HTTP.",
      discussion: """
        Requests need `Authorization: Bearer KEY` (see `corridor apikey create`). Subscriptions are pushed \
        from the outbox, signed (Notification-Signature). SIGTERM or SIGINT stops it gracefully.
        """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address and port to listen on.") var listen = "127.0.0.1:8080"
    @Option(
      name: .customLong("metrics-listen"),
      help: "Also answer GET /metrics, without a key, on this HOST:PORT (for Prometheus; keep it on loopback or a monitoring network).")
    var metricsListen: String?
    @Option(
      name: .customLong("callback-allow"),
      help: "Comma-separated hosts that subscription callbacks may name (default: any public host); an address named here may be private.")
    var callbackAllow: String?
    @Flag(
      name: .customLong("callback-allow-private"),
      help: "Let callbacks reach loopback, private and link-local addresses (test rigs only).")
    var callbackAllowPrivate = false
    @Option(
      name: .customLong("max-subscriptions-per-key"), help: "Subscriptions one key may hold (default 100).")
    var maxSubscriptionsPerKey = 100
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted.") var maxBodyBytes = 1 << 20
    @Option(
      name: .customLong("read-from"),
      help:
        "A hot standby of the --db PostgreSQL ledger (postgres://…) for GETs of events, tracking and declarations, and the pages; keys, subscriptions and push read the primary."
    )
    var readFrom: String?

    func validate() throws {
      guard Self.address(listen) != nil else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080") }
      if let metricsListen, Self.address(metricsListen) == nil {
        throw ValidationError("--metrics-listen takes HOST:PORT, e.g. 127.0.0.1:9464")
      }
      if maxBodyBytes < 1024 { throw ValidationError("--max-body-bytes is at least 1024") }
      if !(1...100_000).contains(maxSubscriptionsPerKey) { throw ValidationError("--max-subscriptions-per-key is from 1 to 100000") }
      if let readFrom, !PostgresLocation.isURL(readFrom) {
        throw ValidationError("--read-from takes a hot standby's postgres:// URL, not \(PostgresLocation.redacted(readFrom))")
      }
    }

    func run() throws {
      guard let (host, port) = Self.address(listen) else { return }
      var configuration: ServerConfiguration
      switch try LedgerLocation(parsing: database.path, environment: ProcessInfo.processInfo.environment) {
      case .sqlite(let path):
        // A standby is PostgreSQL's replication; a file has none.
        if readFrom != nil { throw ValidationError("--read-from needs --db to be the PostgreSQL primary the standby follows") }
        configuration = ServerConfiguration(databasePath: path)
      case .postgres(let location):
        configuration = ServerConfiguration(databasePath: location.description)
        configuration.open = PostgresLedger.opener(location, clock: configuration.clock)
        (configuration.readers, configuration.threads) = (PostgresLedger.serverThreads, PostgresLedger.serverThreads)
        if let readFrom {
          configuration.standby = PostgresLedger.opener(
            try PostgresLocation(parsing: readFrom, environment: ProcessInfo.processInfo.environment), clock: configuration.clock)
        }
      }
      configuration.host = host
      configuration.port = port
      configuration.metricsAddress = metricsListen.flatMap(Self.address)
      configuration.callbackAllow = callbackAllow.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
      configuration.callbackAllowPrivate = callbackAllowPrivate
      configuration.maxSubscriptionsPerKey = maxSubscriptionsPerKey
      configuration.maxBodyBytes = maxBodyBytes
      try CorridorServer.serve(configuration, notice: Console.notice)
    }

    /// `HOST:PORT` (an IPv6 host in brackets) as host and port, nil when it is not one.
    static func address(_ text: String) -> (host: String, port: Int)? {
      guard let colon = text.lastIndex(of: ":"), colon != text.startIndex, let port = Int(text[text.index(after: colon)...]),
        (0...65535).contains(port)
      else { return nil }
      return (String(text[..<colon]).trimmingCharacters(in: ["[", "]"]), port)
    }
  }

  struct APIKeyGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "apikey", abstract: "API keys for `corridor serve`: shown once, stored as SHA-256, every change audited.",
      subcommands: [Create.self, List.self, Revoke.self])
  }

  struct SubscriptionGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "subscription", abstract: "Event subscriptions and their deliveries (as the server sees them).",
      subcommands: [List.self, Show.self, Deliveries.self, Alerts.self])
  }
}

extension Corridor.APIKeyGroup {
  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a key and print it (on stdout, alone); it cannot be shown again.")
    @Argument(help: "The key's name (the operator of what it writes).") var name: String
    @Option(help: "reader, writer or admin.") var role: APIRole
    @Option(help: "Only events of shipments whose shipper or consignee is this party.") var party: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions
    @Option(name: .long, help: "Output: table (the key alone, default) or json ({name, role, party, key}).") var format: OutputFormat = .table

    func run() throws {
      let (key, secret) = try database.open().accessStore.createAPIKey(name: name, role: role, party: party, operator: op.resolved)
      if format == .json { Console.out(try Render.json(CreatedAPIKeyView(key, secret: secret))) } else { Console.line(secret) }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List keys (never the keys themselves).")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let keys = try database.open().accessStore.apiKeys().map(APIKeyView.init)
      try Render.emit(
        output.format, json: keys, headers: ["name", "role", "party", "createdAt", "revokedAt"],
        rows: keys.map { [$0.name, $0.role, $0.party ?? "", $0.createdAt, $0.revokedAt ?? ""] })
    }
  }

  struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke a key: 401 from then on; its subscriptions stop delivering.")
    @Argument(help: "The key's name.") var name: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let done = try database.open().accessStore.revokeAPIKey(name: name, operator: op.resolved)
      Console.line(done ? "revoked \(name)" : "\(name) was already revoked; nothing changed")
    }
  }
}

extension APIRole: ExpressibleByArgument {}

extension Corridor.SubscriptionGroup {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every subscription, with its outbox counts.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      let all = try db.accessStore.subscriptions(visibleTo: nil)
      let counts = try all.map { try db.outbox.outboxCounts(subscription: $0.id) }
      try Render.emit(
        output.format, json: all.map(SubscriptionView.init), headers: ["id", "owner", "callbackUrl", "pending", "failing", "delivered"],
        rows: zip(all, counts).map { [$0.id, $0.owner, $0.callbackURL, String($1.pending), String($1.failing), String($1.delivered)] })
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One subscription: callback, filters, owner, outbox counts.")
    @Argument(help: "Subscription id.") var id: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      let found = try db.accessStore.requireSubscription(id: id)
      let counts = try db.outbox.outboxCounts(subscription: id)
      let view = SubscriptionView(found)
      guard case .object(let members) = view.json else { return }
      try Render.emit(
        output.format, json: view, headers: ["field", "value"],
        rows: members.keys.sorted().map { [$0, members[$0].map(Self.cell) ?? ""] } + [
          ["pending", String(counts.pending)], ["failing", String(counts.failing)], ["delivered", String(counts.delivered)],
        ])
    }

    static func cell(_ value: CanonicalJSON) -> String {
      switch value {
      case .string(let text): text
      case .array(let items): items.map(cell).joined(separator: ",")
      default: value.text
      }
    }
  }

  struct Deliveries: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A subscription's outbox rows, oldest first.")
    @Argument(help: "Subscription id.") var id: String
    @Flag(help: "Only undelivered rows with failed attempts.") var failed = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      _ = try db.accessStore.requireSubscription(id: id)
      let rows = try db.outbox.deliveries(subscription: id, failedOnly: failed)
      try Render.emit(
        output.format, json: rows, headers: ["id", "eventID", "createdAt", "attempts", "lastError", "deliveredAt"],
        rows: rows.map { [String($0.id), $0.eventID, $0.createdAt, String($0.attempts), $0.lastError ?? "", $0.deliveredAt ?? ""] })
    }
  }
}

extension Corridor.DB {
  struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "A consistent online copy in a SQLite file while the server and imports write (SQLite's backup API; from PostgreSQL, `db copy`'s checked copy)."
    )
    @Option(help: "The copy's file.") var out: String
    @OptionGroup var database: LedgerOptions

    func run() throws {
      let output = try database.output(out)
      switch try database.location() {
      case .sqlite(let path):
        try CorridorDatabase(path: path, mode: .existing, notice: Console.notice).backup(to: output)
        Console.line("backed up \(path) to \(out)")
      case .postgres(let location):
        let report = try PostgresLedger.backup(location, to: output)
        Console.line("backed up \(location) to \(out) (\(report.rows) rows; audit head \(report.auditHead.map(\.description) ?? "-"))")
      }
    }
  }
}

extension Corridor.Dev {
  struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the Notification-Signature header the server would send with FILE as the body (for testing a receiver).")
    @Option(help: "The subscription's secret, base64.") var secret: String
    @Argument(help: "The body's file.") var file: String

    func run() throws {
      guard let key = Data(base64Encoded: secret) else { throw ValidationError("--secret is not base64") }
      Console.line(NotificationSignature.header(body: try InputFile.contents(file), secret: [UInt8](key)))
    }
  }
}
