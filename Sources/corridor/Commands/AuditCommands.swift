import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import CorridorStorePostgres

extension Corridor {
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The tamper-evident audit trail: verify it, export it for customs and auditors, browse it.",
      subcommands: [Verify.self, Checkpoint.self, Export.self, VerifyExport.self, Log.self]
    )
  }
}

extension AuditExportFormat: ExpressibleByArgument {}

extension Corridor.Audit {
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Recompute the hash chain and check every audited row against its audited state (exit 65 on any finding; SQLite or PostgreSQL).",
      discussion: """
        Keep the printed anchor (SEQ:HASH) outside the database, or keep the last export's manifest: given back with \
        --anchor, it shows whether entries were deleted from the end of the trail, which the chain alone cannot show.
        """)
    @Option(help: "SEQ:HASH printed by an earlier verify, or an export's FILE.manifest.json: the chain must still reach it.")
    var anchor: String?
    @Flag(
      name: .customLong("since-checkpoint"),
      help: "Only what was added since the last `audit checkpoint` (a daily check; the full verify stays the default).")
    var sinceCheckpoint = false
    @OptionGroup var database: LedgerOptions

    func run() throws {
      let anchor = try anchor.map(Self.anchor)
      let result = try database.open().auditTrail.verifyAudit(anchor: anchor, sinceCheckpoint: sinceCheckpoint)
      guard let first = result.findings.first else {
        Console.line(
          "intact\(sinceCheckpoint ? " since the checkpoint" : ""): \(result.entries) entries, head \(result.head); anchor \(result.headSeq):\(result.head)"
            + (anchor.map { " (reaches the anchor at entry \($0.seq))" } ?? ""))
        return
      }
      for finding in result.findings {
        Console.line("\(finding.seq.map { "seq \($0)" } ?? "-"): \(finding.kind): \(finding.message)")
      }
      throw CorridorError.invalid(
        "audit trail not intact: \(result.findings.count) finding(s); first at \(first.seq.map { "seq \($0)" } ?? "schema"): \(first.message)",
        rule: .auditVerify)
    }
  }

}

extension Corridor.Audit.Verify {
  /// `SEQ:HASH`, or a manifest whose lastSeq and headHash are the anchor.
  static func anchor(_ text: String) throws -> AuditAnchor {
    guard text.hasSuffix(".json") else { return try AuditAnchor(parsing: text) }
    let manifest = try AuditExportVerifier.parseManifest(try InputFile.contents(text), file: text)
    guard let seq = manifest.lastSeq else {
      throw CorridorError(.usage, "\(text) is the manifest of an empty export; it anchors nothing", hint: "pass SEQ:HASH instead")
    }
    return AuditAnchor(seq: seq, hash: manifest.headHash)
  }
}

extension Corridor.Audit {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the entries recorded in a date range to FILE and FILE.manifest.json, streaming (SQLite or PostgreSQL).")
    @Option(help: "First day (UTC, inclusive), YYYY-MM-DD.") var from: String?
    @Option(help: "Last day (UTC, inclusive), YYYY-MM-DD.") var to: String?
    @Option(help: "csv (RFC 4180) or ndjson.") var format: AuditExportFormat = .ndjson
    @Option(help: "Output file.") var out: String
    @OptionGroup var database: LedgerOptions

    func run() throws {
      let (from, to) = (try from.map(Day.init(parsing:)), try to.map(Day.init(parsing:)))
      let file = try database.output(out)
      let manifestFile = try database.output(out + ".manifest.json")
      let manifest = try database.open().auditTrail.exportAudit(from: from, to: to, format: format, to: file, manifest: manifestFile)
      Console.line(
        "exported \(manifest.entries) entries (\(manifest.firstSeq.map(String.init) ?? "-")…\(manifest.lastSeq.map(String.init) ?? "-")) to \(out); sha256 \(manifest.sha256); manifest \(out).manifest.json"
      )
    }
  }

  struct Checkpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify the whole trail and record its head as a checkpoint, for `audit verify --since-checkpoint` (SQLite or PostgreSQL).")
    @OptionGroup var database: LedgerOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let result = try database.open().auditTrail.checkpointAudit(operator: op.resolved)
      guard let first = result.findings.first else {
        Console.line("checkpoint at entry \(result.headSeq): \(result.head)")
        return
      }
      throw CorridorError.invalid(
        "audit trail not intact, no checkpoint recorded: \(result.findings.count) finding(s); first at \(first.seq.map { "seq \($0)" } ?? "schema"): \(first.message)",
        rule: .auditVerify, hint: "run `corridor audit verify` for the list")
    }
  }

  struct VerifyExport: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify-export", abstract: "Check an export and its manifest on their own, without the database.")
    @Argument(help: "Export file (its manifest is FILE.manifest.json).") var file: String
    /// Accepted and unused: scripts pass `--db` to every command (a file or a URL).
    @OptionGroup var database: LedgerOptions

    func run() throws {
      let manifest = try AuditExportVerifier.verify(path: file)
      Console.line("intact: \(manifest.entries) entries, head \(manifest.headHash), sha256 \(manifest.sha256)")
    }
  }

  struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Browse the audit trail (SQLite or PostgreSQL).")
    @Option(help: ArgumentHelp("Only this entity: \(AuditTrail.entityNames.joined(separator: ", "))."))
    var entity: String?
    @Option(help: "Only this key (e.g. a container number or event id).") var key: String?
    @Option(name: .customLong("operator"), help: "Only this operator.") var operatorName: String?
    @Option(help: "From this day (UTC).") var from: String?
    @Option(help: "To this day (UTC, inclusive).") var to: String?
    @Option(parsing: .unconditional, help: "At most this many entries.") var limit: Int?
    @OptionGroup var database: LedgerOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let (from, to) = (try from.map(Day.init(parsing:)), try to.map(Day.init(parsing:)))
      let entries = try database.open().auditTrail.auditLog(
        entity: entity, key: key, operator: operatorName, from: from, to: to, limit: limit)
      let views = entries.map(AuditEntryView.init)
      try Render.emit(
        output.format, json: views, headers: ["seq", "recordedAt", "operator", "action", "entity", "key", "hash"],
        rows: views.map { [String($0.seq), $0.recordedAt, $0.operator, $0.action, $0.entity, $0.key, String($0.hash.prefix(16))] })
    }
  }
}
