import CorridorModel
import Crypto
import Foundation

/// The event interchange formats: Corridor's CSV and DCSA Track & Trace 2.2 NDJSON. Readers turn
/// rows into `EventReport`s (or a located error); writers turn recorded events back into the
/// same bytes, so export → import → export is byte-identical.
public enum EventFileFormat: String, Sendable, CaseIterable {
  case csv, ndjson
  /// UN/EDIFACT CODECO, COARRI and IFTSTA in; `iftsta` is the same reader, and what the export
  /// writes (IFTSTA D00B) for either name.
  case edifact, iftsta
}

/// One parsed row, or why it could not be parsed.
public struct ImportRow: Sendable {
  public let line: Int
  public let result: Result<EventReport, CorridorError>
  /// The report's derived id as parsed (before its place and shipment are resolved), when it
  /// was worked out ahead (`PrefetchingRowSource`).
  public var derivedID: String?

  public init(line: Int, result: Result<EventReport, CorridorError>, derivedID: String? = nil) {
    self.line = line
    self.result = result
    self.derivedID = derivedID
  }

  /// The row's hashes as parsed (its id, else the derived one), worked out on the reader
  /// thread with the derived id: the import uses them when resolving the row changed nothing.
  package var rowHash: EventRowHash?
  /// What an EDIFACT row carries besides its report, out of line: rows are copied from the reader
  /// thread into batches, and CSV rows should not pay for what only EDIFACT rows have.
  package final class Origin: Sendable {
    package let position: SourcePosition
    package let sizeType: String?
    package init(position: SourcePosition, sizeType: String?) {
      self.position = position
      self.sizeType = sizeType
    }
  }
  package var origin: Origin?

  /// Where the row is, when a line number does not say it (EDIFACT: interchange, message, segment).
  public var position: SourcePosition? { origin?.position }
  /// The container's ISO 6346 size-type code as the row gives it (EDIFACT EQD), for
  /// `--register-containers`.
  public var sizeType: String? { origin?.sizeType }

  /// The row with its derived id and hashes worked out.
  package func withDerivedID() -> ImportRow {
    guard case .success(let report) = result else { return self }
    // One digest gives both the derived id and the content hash.
    let digest = report.contentDigest
    let derived = EventReport.derivedID(digest)
    var row = ImportRow(line: line, result: result, derivedID: derived)
    row.origin = origin
    row.rowHash = EventRowHash(id: report.id ?? derived, contentDigest: digest)
    return row
  }
}

/// A source of event rows.
public protocol EventRowSource: AnyObject {
  func next() throws -> ImportRow?
  var bytesRead: Int { get }
  /// What the file held that has no Corridor event, counted by what it was (EDIFACT status
  /// codes, message types, unknown segments): reported, never guessed.
  var unmapped: Unmapped { get }
}

/// What a file held that gives no Corridor event: a count of each kind, and where each was first
/// seen, so that an operator can find it in the file.
public struct Unmapped: Sendable, Equatable {
  public private(set) var counts: [String: Int] = [:]
  /// Each kind's first position (`FILE: interchange …, message …, segment …`).
  public private(set) var first: [String: String] = [:]

  public init() {}

  package mutating func add(_ what: String, at position: SourcePosition) {
    counts[what, default: 0] += 1
    if first[what] == nil { first[what] = position.description }
  }

  package mutating func merge(_ other: Unmapped) {
    for (what, count) in other.counts { counts[what, default: 0] += count }
    for (what, position) in other.first where first[what] == nil { first[what] = position }
  }
}

extension EventRowSource {
  public var unmapped: Unmapped { Unmapped() }
}

/// `id,container,code,at,location,shipment,classifier,mode,vehicle,emptyLaden,seal,note,carrierBooking,sealSource,sealType`
/// (columns found by name; any but the four required may be left out).
///
/// Fields are parsed straight from the reader's bytes: a backfill is millions of rows, and a
/// String per field cost more than the checks themselves.
public final class CSVEventSource: EventRowSource {
  public static let columns = [
    "id", "container", "code", "at", "location", "shipment", "classifier", "mode", "vehicle", "emptyLaden", "seal", "note",
    "carrierBooking", "sealSource", "sealType",
  ]
  private enum Column: Int {
    case id, container, code, at, location, shipment, classifier, mode, vehicle, emptyLaden, seal, note, carrierBooking, sealSource, sealType
  }
  private let reader: CSVReader
  private let file: String
  /// The file's field index of each of `columns`, or nil when the header leaves it out.
  private let slots: [Int?]
  private let fieldCount: Int

  public var bytesRead: Int { reader.bytesRead }

  public init(reader: CSVReader, file: String) throws {
    self.reader = reader
    self.file = file
    let index = try reader.header(file: file, columns: Self.columns, required: ["container", "code", "at", "location"])
    slots = Self.columns.map { index[$0] }
    fieldCount = index.count
  }

  public func next() throws -> ImportRow? {
    // A syntax error cannot be skipped reliably (the reader's position is lost): it throws.
    guard try reader.readRecord(file: file) else { return nil }
    let ends = reader.fieldEnds
    let positions = reader.fieldPositions
    let result = reader.recordBytes.withUnsafeBufferPointer { bytes in
      Result { () throws(CorridorError) in try parse(bytes, ends: ends, positions: positions) }
    }
    return ImportRow(line: positions[0].line, result: result)
  }

  private func parse(
    _ record: UnsafeBufferPointer<UInt8>, ends: [Int], positions: [(line: Int, column: Int)]
  ) throws(CorridorError) -> EventReport {
    guard ends.count == fieldCount else {
      throw .invalid(
        "expected \(fieldCount) fields, found \(ends.count)", rule: .csv, at: SourcePosition(file: file, line: positions[0].line, column: 1))
    }
    func bytes(_ column: Column) -> UnsafeBufferPointer<UInt8>? {
      guard let i = slots[column.rawValue] else { return nil }
      let range = CSVScanner.range(of: i, in: ends)
      return range.isEmpty ? nil : UnsafeBufferPointer(rebasing: record[range])
    }
    func text(_ column: Column) -> String? { bytes(column).map { String(decoding: $0, as: UTF8.self) } }
    func fail(_ column: Column, _ message: String, rule: RuleID?) -> CorridorError {
      let position = positions[slots[column.rawValue] ?? 0]
      return .invalid("\(column): \(message)", rule: rule ?? .csv, at: SourcePosition(file: file, line: position.line, column: position.column))
    }
    func located<T>(_ column: Column, _ parse: (UnsafeBufferPointer<UInt8>) throws(CorridorError) -> T) throws(CorridorError) -> T? {
      guard let field = bytes(column) else { return nil }
      do { return try parse(field) } catch { throw fail(column, error.message, rule: error.rule) }
    }
    func required<T>(_ column: Column, _ parse: (UnsafeBufferPointer<UInt8>) throws(CorridorError) -> T) throws(CorridorError) -> T {
      guard let value = try located(column, parse) else {
        let position = positions[slots[column.rawValue] ?? 0]
        throw .invalid("\(column) is required", rule: .csv, at: SourcePosition(file: file, line: position.line, column: position.column))
      }
      return value
    }
    let string = { (b: UnsafeBufferPointer<UInt8>) in String(decoding: b, as: UTF8.self) }
    return EventReport(
      id: text(.id), container: try required(.container) { b throws(CorridorError) in try ContainerNumber(parsing: b) },
      code: try required(.code) { b throws(CorridorError) in try EventCode(parsing: string(b)) },
      time: try required(.at) { b throws(CorridorError) in try EventTime(parsing: b) },
      location: try required(.location) { b throws(CorridorError) in try LocationCode(parsing: b) }, shipment: text(.shipment),
      classifier: try located(.classifier) { b throws(CorridorError) in try EventClassifier(parsing: string(b)) } ?? .ACT,
      mode: try located(.mode) { b throws(CorridorError) in try TransportModeCode(parsing: string(b)) }, vehicle: text(.vehicle),
      emptyLaden: try located(.emptyLaden) { b throws(CorridorError) in try EmptyLaden(parsing: string(b)) }, seal: text(.seal),
      note: text(.note), carrierBooking: text(.carrierBooking),
      sealSource: try located(.sealSource) { b throws(CorridorError) in try SealSource(parsing: string(b)) },
      sealType: try located(.sealType) { b throws(CorridorError) in try SealType(parsing: string(b)) })
  }

  /// The CSV line for a recorded event (the export writer).
  public static func line(_ event: MovementEvent) -> String {
    let r = event.report
    return CSV.record([
      event.id, r.container.text, r.code.rawValue, r.time.description, r.location.text, r.shipment ?? "", r.classifier.rawValue,
      r.mode?.rawValue.lowercased() ?? "", r.vehicle ?? "", r.emptyLaden?.rawValue ?? "", r.seal ?? "", r.note ?? "",
      r.carrierBooking ?? "", r.sealSource?.rawValue ?? "", r.sealType?.rawValue ?? "",
    ])
  }
}

/// DCSA Track & Trace 2.2 equipment and transport events, one JSON object per line, mapped field
/// by field (docs/interchange.md). Lines longer than `maxLineBytes` are refused, not buffered.
public final class NDJSONEventSource: EventRowSource {
  private let handle: FileHandle?
  private let file: String
  private var buffer: [UInt8] = []
  private var position = 0
  private var atEOF = false
  private var line = 0
  public let maxLineBytes: Int
  public private(set) var bytesRead = 0

  public init(handle: FileHandle, file: String, maxLineBytes: Int = 1 << 20) {
    self.handle = handle
    self.file = file
    self.maxLineBytes = maxLineBytes
  }

  /// Reads from bytes already in memory (tests, fuzzing).
  public init(bytes: [UInt8], file: String, maxLineBytes: Int = 1 << 20) {
    self.handle = nil
    self.file = file
    self.maxLineBytes = maxLineBytes
    self.buffer = bytes
    self.atEOF = true
  }

  private func refill() -> Bool {
    if atEOF { return false }
    guard let data = try? handle?.read(upToCount: 1 << 16), !data.isEmpty else {
      atEOF = true
      return false
    }
    buffer = [UInt8](data)
    position = 0
    return true
  }

  /// The next line's bytes (without the newline), or nil at the end.
  private func nextLine() throws -> [UInt8]? {
    var bytes: [UInt8] = []
    var sawAny = false
    while true {
      if position >= buffer.count, !refill() { return sawAny ? bytes : nil }
      sawAny = true
      let start = position
      while position < buffer.count, buffer[position] != 0x0A { position += 1 }
      bytes.append(contentsOf: buffer[start..<position])
      bytesRead += position - start
      if bytes.count > maxLineBytes {
        throw CorridorError.invalid(
          "line longer than \(maxLineBytes) bytes", rule: .ndjson, at: SourcePosition(file: file, line: line + 1, column: 1))
      }
      if position < buffer.count {
        position += 1
        bytesRead += 1
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes
      }
    }
  }

  public func next() throws -> ImportRow? {
    while let bytes = try nextLine() {
      line += 1
      if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return row(Array(bytes.dropFirst(3))) }
      if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      return row(bytes)
    }
    return nil
  }

  private func row(_ bytes: [UInt8]) -> ImportRow {
    let line = self.line
    return ImportRow(line: line, result: Result { () throws(CorridorError) in try parse(bytes, line: line) })
  }

  package func parse(_ bytes: [UInt8], line: Int) throws(CorridorError) -> EventReport {
    let node: JSONNode
    do { node = try JSONParser.parse(bytes) } catch {
      throw .invalid("\(error.message)", rule: .ndjson, at: SourcePosition(file: file, line: line, column: error.column))
    }
    return try DCSAEventMapping.report(node) { at in SourcePosition(file: file, line: line, column: at.column) }
  }

  /// The DCSA line for a recorded event (the export writer). `eventCreatedDateTime` repeats
  /// `eventDateTime` so that exports are reproducible; when Corridor recorded the event is in
  /// the audit trail.
  public static func line(_ event: MovementEvent) -> String {
    var bytes: [UInt8] = []
    DCSAEventMapping.write(event, created: .eventTime, to: &bytes)
    bytes.append(0x0A)
    return String(decoding: bytes, as: UTF8.self)
  }
}
