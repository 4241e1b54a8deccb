import CorridorModel
import Foundation

/// Events from UN/EDIFACT interchanges (CODECO, COARRI, IFTSTA): the tokenizer, the envelope
/// checks and the mapping, one message at a time, so memory stays flat however long the file.
/// A broken envelope or a syntax error ends the file (exit 65, nothing imported); a message's
/// event that cannot be mapped (a bad container number, no place, a bad date) is a bad row like
/// any other, refused or skipped with `--skip-invalid`.
public final class EDIFACTEventSource: EventRowSource {
  private let reader: EDIFACTInterchangeReader
  private let file: String
  /// Place (code or alias) → IANA time zone, for times given without one.
  private let zoneNames: [String: String]
  private var zones: [String: TimeZone] = [:]
  private let reading: EDIFACTReading
  private var rows: [ImportRow] = []
  private var index = 0
  public private(set) var unmapped = Unmapped()

  public var bytesRead: Int { reader.bytesRead }

  public init(handle: FileHandle, file: String, zones: [String: String], reading: EDIFACTReading = EDIFACTReading()) {
    reader = EDIFACTInterchangeReader(tokenizer: EDIFACTTokenizer(handle: handle), file: file)
    self.file = file
    zoneNames = zones
    self.reading = reading
  }

  /// Reads from bytes already in memory (tests, fuzzing).
  public init(bytes: [UInt8], file: String, zones: [String: String] = [:], reading: EDIFACTReading = EDIFACTReading()) {
    reader = EDIFACTInterchangeReader(tokenizer: EDIFACTTokenizer(bytes: bytes), file: file)
    self.file = file
    zoneNames = zones
    self.reading = reading
  }

  public func next() throws -> ImportRow? {
    while index == rows.count {
      guard let message = try reader.next() else { return nil }
      rows = EDIFACTMapping.rows(of: message, file: file, zones: zone, reading: reading, unmapped: &unmapped)
      index = 0
    }
    index += 1
    return rows[index - 1]
  }

  private func zone(_ place: String) -> TimeZone? {
    if let cached = zones[place] { return cached }
    guard let name = zoneNames[place], let zone = TimeZone(identifier: name) else { return nil }
    zones[place] = zone
    return zone
  }
}

/// How an EDIFACT import reads statuses: the senders' own codes, and whether a status that maps
/// to no event is a row error (`--strict-codes`) rather than a line in the "not mapped" report.
public struct EDIFACTReading: Sendable {
  public var senderCodes: [SenderStatusCode.Key: EventCode] = [:]
  public var strictCodes = false

  public init(senderCodes: [SenderStatusCode.Key: EventCode] = [:], strictCodes: Bool = false) {
    self.senderCodes = senderCodes
    self.strictCodes = strictCodes
  }
}

/// Recognises EDIFACT by content, whatever the file is called.
public enum EDIFACTDetection {
  /// Whether the file starts (after a byte-order mark and blank lines) with UNA or UNB.
  public static func looksLikeEDIFACT(path: String) throws -> Bool {
    let handle = try InputFile.open(path)
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 64)).map { [UInt8]($0) } ?? []
    return looksLikeEDIFACT(head)
  }

  public static func looksLikeEDIFACT(_ head: [UInt8]) -> Bool {
    var bytes = head[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    bytes = bytes.drop { $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09 }
    // A bare message (UNH first) is EDIFACT too: read as such, it is refused with a reason
    // rather than as a CSV with an unknown column.
    return bytes.starts(with: Array("UNA".utf8)) || bytes.starts(with: Array("UNB".utf8)) || bytes.starts(with: Array("UNH+".utf8))
  }
}
