import CorridorModel
import Foundation

/// Customs' own responses in UN/EDIFACT CUSRES, directories D.96A to D.01B (docs/customs.md):
/// the same tokenizer and envelope checks as the movement messages (`EDIFACTInterchangeReader`),
/// and a mapping to Corridor's declaration statuses. Every error names its place: the
/// interchange, the message, the segment number in the message, the byte offset, and the data
/// element that is wrong.
public enum CUSRESReader {
  /// The directory releases read: D.96A to D.01B, whose CUSRES segment table is the same for
  /// what Corridor reads (BGM, DTM, LOC, GIS, EQD, RFF, ERP/ERC, FTX).
  public static let releases: Set<String> = ["96A", "96B", "97A", "97B", "98A", "98B", "99A", "99B", "00A", "00B", "01A", "01B"]

  /// GIS processing indicator (7365) → status and check. 17 (received) is an acknowledgement.
  static func status(gis code: String) -> (DeclarationStatus?, CustomsCheck?)? {
    switch code {
    case "1", "9": (.accepted, nil)
    case "2", "3": (.rejected, nil)
    case "4", "8": (.released, nil)
    case "5": (.selected, .physical)
    case "6": (.selected, .document)
    case "7": (.detained, nil)
    case "17": (nil, nil)
    default: nil
    }
  }

  /// Every response of every CUSRES message in `bytes`, in file order. `zone` gives the time zone
  /// for a time written without one: of the response's place, else of the declaration's office.
  public static func responses(
    bytes: [UInt8], file: String, zone: (_ place: String?, _ number: String) -> TimeZone?
  ) throws(CorridorError) -> [CustomsResponse] {
    try responses(EDIFACTTokenizer(bytes: bytes), file: file, zone: zone)
  }

  /// The same, read from a file as it streams (memory holds one message at a time).
  public static func responses(
    handle: FileHandle, file: String, zone: (_ place: String?, _ number: String) -> TimeZone?
  ) throws(CorridorError) -> [CustomsResponse] {
    try responses(EDIFACTTokenizer(handle: handle), file: file, zone: zone)
  }

  static func responses(
    _ tokenizer: EDIFACTTokenizer, file: String, zone: (_ place: String?, _ number: String) -> TimeZone?
  ) throws(CorridorError) -> [CustomsResponse] {
    let reader = EDIFACTInterchangeReader(tokenizer: tokenizer, file: file)
    var responses: [CustomsResponse] = []
    while let message = try reader.next() {
      responses += try read(message, file: file, zone: zone)
    }
    return responses
  }

  static func read(
    _ message: EDIFACTMessage, file: String, zone: (_ place: String?, _ number: String) -> TimeZone?
  ) throws(CorridorError) -> [CustomsResponse] {
    let head = message.headPosition(file: file)
    func fail(_ text: String, at index: Int?) -> CorridorError {
      .invalid(text, rule: .edifactMapping, at: index.map { message.position(of: $0, file: file) } ?? head)
    }
    guard message.type == "CUSRES" else {
      throw fail("message type \(message.type) is not a customs response; import customs reads CUSRES", at: nil)
    }
    guard message.version == "D", releases.contains(message.release) else {
      throw fail("CUSRES directory \(message.version).\(message.release) is not read; expected D.96A to D.01B (UNH 0052, 0054)", at: nil)
    }
    var bgm: Int?
    var number: (String, Int)?
    var time: (value: String, format: String?, index: Int)?
    var place: String?
    var gis: [(code: String, index: Int)] = []
    var boxes: [ContainerNumber] = []
    var reasons: [String] = []
    for index in 0..<message.segments.count {
      let segment = message.segments[index]
      switch segment.tag {
      case "BGM": bgm = bgm ?? index
      case "RFF" where segment[0, 0] == "AAE":
        guard let value = segment[0, 1], !value.isEmpty else { throw fail("RFF+AAE has no goods declaration number (1154)", at: index) }
        if let earlier = number, earlier.0 != value {
          throw fail("a second goods declaration number \(value) (RFF+AAE); the message is about \(earlier.0)", at: index)
        }
        number = (value, index)
      case "DTM" where time == nil:
        guard let value = segment[0, 1] else { throw fail("DTM has no date or time (2380)", at: index) }
        time = (value, segment[0, 2], index)
      case "LOC" where place == nil: place = segment[1, 0]
      case "GIS":
        guard let code = segment[0, 0] else { throw fail("GIS has no processing indicator (7365)", at: index) }
        gis.append((code, index))
      case "EQD":
        guard segment[0, 0] == "CN" else { continue }
        guard let text = segment[1, 0] else { throw fail("EQD+CN has no container number (8260)", at: index) }
        do { boxes.append(try ContainerNumber(parsing: text)) } catch { throw fail("EQD+CN: \(error.message)", at: index) }
      case "ERC":
        if let code = segment[0, 0] { reasons.append("error \(code)") }
      case "FTX":
        let text = segment.components(of: 3).filter { !$0.isEmpty }.joined(separator: " ")
        if !text.isEmpty { reasons.append(text) }
      default: continue
      }
    }
    guard let bgm else { throw fail("no BGM segment", at: nil) }
    guard let (declaration, _) = number else { throw fail("no goods declaration number (RFF+AAE)", at: nil) }
    guard let time else { throw fail("no DTM: the response's date and time", at: nil) }
    let at: EventTime
    do { at = try EDIFACTMapping.time(time.value, format: time.format, zone: zone(place, declaration)) } catch {
      throw fail("DTM (2380): \(error.message)", at: time.index)
    }
    let type = message.segments[bgm][3, 0]
    var statuses: [(DeclarationStatus?, CustomsCheck?, Int)] = []
    switch type {
    case "RE": statuses = [(.rejected, nil, bgm)]
    case "AB": statuses = [(nil, nil, bgm)]
    case "AP", "CA", nil:
      for (code, index) in gis {
        guard let mapped = status(gis: code) else {
          throw fail("GIS processing indicator (7365) \(code.debugDescription) is not read; expected 1 to 9 or 17", at: index)
        }
        statuses.append((mapped.0, mapped.1, index))
      }
      if statuses.isEmpty { statuses = [(.accepted, nil, bgm)] }
    case let other?:
      throw fail("BGM response type (4343) \(other.debugDescription) is not read; expected AP, CA, RE or AB", at: bgm)
    }
    let reason = reasons.isEmpty ? nil : String(reasons.joined(separator: "; ").prefix(500))
    return statuses.map { status, check, index in
      CustomsResponse(
        number: declaration, status: status, at: at, containers: boxes.isEmpty ? nil : boxes, check: check,
        note: type == "CA" ? ["conditionally accepted", reason].compactMap { $0 }.joined(separator: "; ") : reason, place: place,
        position: message.position(of: index, file: file))
    }
  }
}
