import CorridorInterchange
import CorridorModel
import Crypto
import Foundation
import SQLite

public enum AuditExportFormat: String, Sendable, CaseIterable {
  case csv, ndjson
}

/// The manifest written beside an export: `FILE.manifest.json`.
public struct AuditManifest: Sendable, Equatable {
  public var entries: Int64
  public var firstSeq: Int64?
  public var lastSeq: Int64?
  /// The hash the first exported entry chains from (genesis zeros for entry 1).
  public var prevHash: String
  public var headHash: String
  /// SHA-256 of the export file's bytes.
  public var sha256: String
  public var format: AuditExportFormat
  public var generatedAt: String
  public var generator: String

  var json: String {
    CanonicalJSON.object([
      "entries": .int(entries), "firstSeq": firstSeq.map { .int($0) } ?? .null, "lastSeq": lastSeq.map { .int($0) } ?? .null,
      "prevHash": .string(prevHash), "headHash": .string(headHash), "sha256": .string(sha256), "format": .string(format.rawValue),
      "generatedAt": .string(generatedAt), "generator": .string(generator),
    ]).text + "\n"
  }
}

/// Writing to an output while hashing every byte, so an export streams in constant memory.
final class HashingWriter {
  private let file: OutputFile
  private var hasher = SHA256()

  init(_ file: OutputFile) {
    self.file = file
  }

  func write(_ text: String) throws {
    hasher.update(data: Array(text.utf8))
    try file.write(text)
  }

  func finish() throws -> String {
    try file.commit()
    return hex(hasher.finalize())
  }
}

extension AuditTrail {
  static let auditCSVHeader = ["seq", "recordedAt", "operator", "action", "entity", "key", "state", "prevHash", "hash"]

  /// The same, to `path` and `path.manifest.json`, neither of which may be the database.
  public func exportAudit(from: Day?, to: Day?, format: AuditExportFormat, path: String) throws -> AuditManifest {
    let protected = CorridorDatabase.files(at: db.path)
    return try exportAudit(
      from: from, to: to, format: format, to: OutputFile(path: path, protecting: protected),
      manifest: OutputFile(path: path + ".manifest.json", protecting: protected))
  }

  /// Streams the entries recorded between `from` and `to` (UTC dates, inclusive) to `file` and
  /// then writes the manifest (`FILE.manifest.json` by convention) to `manifestFile`.
  public func exportAudit(
    from: Day?, to: Day?, format: AuditExportFormat, to file: OutputFile, manifest manifestFile: OutputFile
  ) throws -> AuditManifest {
    try reading { try $0.export(from: from, to: to, format: format, to: file, manifest: manifestFile, generatedAt: clock.nowUTC()) }
  }
}

/// The export's file and manifest from entries in sequence order, whichever engine reads them:
/// the same history gives the same bytes on SQLite and PostgreSQL.
public enum AuditExportWriter {
  /// The bounds on `recorded_at` for the days `from`…`to` (inclusive): text, compared as text.
  public static func range(from: Day?, to: Day?) -> (from: String?, before: String?) {
    (from?.description, to?.adding(days: 1).description)
  }

  /// `entries` calls its argument once per entry, in sequence order; `head` is the trail's last
  /// hash, for an export with no entry (it then chains from and to the head).
  public static func write(
    format: AuditExportFormat, to file: OutputFile, manifest manifestFile: OutputFile, generatedAt: String,
    entries: ((AuditEntry) throws -> Void) throws -> Void, head: () throws -> String?
  ) throws -> AuditManifest {
    let writer = HashingWriter(file)
    if format == .csv { try writer.write(CSV.record(AuditTrail.auditCSVHeader)) }
    var manifest = AuditManifest(
      entries: 0, firstSeq: nil, lastSeq: nil, prevHash: AuditEntry.genesis, headHash: AuditEntry.genesis, sha256: "", format: format,
      generatedAt: generatedAt, generator: "corridor \(CorridorVersion.current)")
    try entries { entry in
      if manifest.firstSeq == nil {
        manifest.firstSeq = entry.seq
        manifest.prevHash = entry.prevHash
      }
      manifest.lastSeq = entry.seq
      manifest.headHash = entry.hash
      manifest.entries += 1
      switch format {
      case .ndjson: try writer.write(entry.exportLine + "\n")
      case .csv:
        try writer.write(
          CSV.record([
            String(entry.seq), entry.recordedAt, entry.operatorName, entry.action, entry.entity, entry.key, entry.state, entry.prevHash,
            entry.hash,
          ]))
      }
    }
    if manifest.firstSeq == nil {
      manifest.prevHash = try head() ?? AuditEntry.genesis
      manifest.headHash = manifest.prevHash
    }
    manifest.sha256 = try writer.finish()
    try manifestFile.write(manifest.json)
    try manifestFile.commit()
    return manifest
  }
}

/// Checks an export on its own, without the database: the manifest's digest and counts, and
/// the hash chain line by line.
public enum AuditExportVerifier {
  public static func verify(path: String) throws -> AuditManifest {
    let manifestPath = path + ".manifest.json"
    let manifest = try parseManifest(try InputFile.contents(manifestPath), file: manifestPath)
    let handle = try InputFile.open(path)
    defer { try? handle.close() }

    // The file's digest first: one changed byte anywhere is caught here.
    var hasher = SHA256()
    while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty { hasher.update(data: chunk) }
    let digest = hex(hasher.finalize())
    guard digest == manifest.sha256 else {
      throw CorridorError.invalid(
        "\(path): SHA-256 \(digest) does not match the manifest's \(manifest.sha256): the file was modified", rule: .exportDigest)
    }
    try handle.seek(toOffset: 0)

    var previous = manifest.prevHash
    var count: Int64 = 0
    var expectedSeq = manifest.firstSeq
    func check(_ entry: AuditEntry, line: Int) throws {
      guard entry.prevHash == previous else {
        throw CorridorError.invalid("\(path):\(line): entry \(entry.seq) does not chain from the previous entry", rule: .exportChain)
      }
      if let expected = expectedSeq, entry.seq != expected {
        throw CorridorError.invalid("\(path):\(line): expected entry \(expected), found \(entry.seq)", rule: .exportChain)
      }
      guard AuditEntry.hash(prevHash: entry.prevHash, canonical: entry.canonical) == entry.hash else {
        throw CorridorError.invalid("\(path):\(line): entry \(entry.seq)'s hash does not match its content", rule: .exportChain)
      }
      previous = entry.hash
      expectedSeq = entry.seq + 1
      count += 1
    }
    let reader = CSVReader(handle: handle, maxRecordBytes: 64 << 20)
    func next() throws -> CSVRecord? { try reader.next(file: path) }
    switch manifest.format {
    case .csv:
      guard let header = try next(), header.fields == AuditTrail.auditCSVHeader else {
        throw CorridorError.invalid("not a corridor audit CSV export", rule: .exportFormat, at: SourcePosition(file: path, line: 1, column: 1))
      }
      while let record = try next() {
        let f = record.fields
        guard f.count == 9, let seq = Int64(f[0]) else {
          throw CorridorError.invalid("expected 9 fields", rule: .exportFormat, at: SourcePosition(file: path, line: record.line, column: 1))
        }
        try check(
          AuditEntry(
            seq: seq, recordedAt: f[1], operatorName: f[2], action: f[3], entity: f[4], key: f[5], state: f[6], prevHash: f[7], hash: f[8]),
          line: record.line)
      }
    case .ndjson:
      // Lines are JSON objects; a quoted newline cannot occur in canonical JSON, so lines split cleanly.
      var line = 0
      var pending: [UInt8] = []
      func handleLine(_ bytes: [UInt8]) throws {
        line += 1
        guard !bytes.isEmpty else { return }
        try check(try parseLine(bytes, file: path, line: line), line: line)
      }
      while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty {
        for byte in chunk {
          if byte == 0x0A {
            try handleLine(pending)
            pending.removeAll(keepingCapacity: true)
          } else {
            pending.append(byte)
          }
        }
      }
      try handleLine(pending)
    }
    guard count == manifest.entries else {
      throw CorridorError.invalid("\(path): \(count) entries, the manifest says \(manifest.entries)", rule: .exportCount)
    }
    guard previous == manifest.headHash else {
      throw CorridorError.invalid("\(path): the last entry's hash does not match the manifest's headHash", rule: .exportChain)
    }
    if count > 0, expectedSeq.map({ $0 - 1 }) != manifest.lastSeq {
      throw CorridorError.invalid("\(path): the last entry is not the manifest's lastSeq", rule: .exportCount)
    }
    return manifest
  }

  static func parseLine(_ bytes: [UInt8], file: String, line: Int) throws -> AuditEntry {
    let node: JSONNode
    do { node = try JSONParser.parse(bytes) } catch {
      throw CorridorError.invalid("\(error.message)", rule: .exportFormat, at: SourcePosition(file: file, line: line, column: error.column))
    }
    func text(_ key: String) throws -> String {
      guard case .string(let value) = node[key]?.value else {
        throw CorridorError.invalid("missing \(key)", rule: .exportFormat, at: SourcePosition(file: file, line: line, column: 1))
      }
      return value
    }
    guard case .number(let seqText) = node["seq"]?.value, let seq = Int64(seqText), let stateNode = node["state"],
      let state = CanonicalJSON(stateNode)
    else { throw CorridorError.invalid("missing seq or state", rule: .exportFormat, at: SourcePosition(file: file, line: line, column: 1)) }
    return AuditEntry(
      seq: seq, recordedAt: try text("recordedAt"), operatorName: try text("operator"), action: try text("action"),
      entity: try text("entity"), key: try text("key"), state: state.text, prevHash: try text("prevHash"), hash: try text("hash"))
  }

  public static func parseManifest(_ bytes: [UInt8], file: String) throws -> AuditManifest {
    let root: JSONNode
    do { root = try JSONParser.parse(bytes) } catch {
      throw CorridorError.invalid("\(error.message)", rule: .manifest, at: SourcePosition(file: file, line: error.line, column: error.column))
    }
    let top = JSONCursor(root: root, file: file)
    func int(_ key: String) throws -> Int64? {
      guard let cursor = top.optional(key) else { return nil }
      return Int64(try cursor.int())
    }
    guard let format = AuditExportFormat(rawValue: try top.required("format").string()) else {
      throw try top.required("format").error("unknown format", rule: .manifest)
    }
    return AuditManifest(
      entries: try int("entries") ?? 0, firstSeq: try int("firstSeq"), lastSeq: try int("lastSeq"),
      prevHash: try top.required("prevHash").string(), headHash: try top.required("headHash").string(),
      sha256: try top.required("sha256").string(), format: format, generatedAt: try top.required("generatedAt").string(),
      generator: try top.required("generator").string())
  }
}
