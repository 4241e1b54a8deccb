/// An ISO 6346 size-type code (`22G1`, `45R1`, `L5G1`, or a group code such as `42GP`).
///
/// Only lengths Corridor can count in TEU are accepted: 20 ft (1 TEU), 40 ft (2 TEU) and 45 ft
/// (2 TEU, as carriers and rail operators count it). Unknown codes are rejected, never guessed.
public struct SizeType: Hashable, Sendable, CustomStringConvertible {
  public enum Height: String, Sendable { case standard, highCube = "high-cube" }
  public enum TypeGroup: String, Sendable, CaseIterable {
    case general, ventilated, bulk, reefer, insulated, tank, openTop = "open-top", platform
    case flatRack = "flat-rack", namedCargo = "named-cargo"
  }

  public let code: String
  public let lengthFeet: Int
  /// Height in inches: 96 (8 ft), 102 (8 ft 6 in), 108 (9 ft), 114 (9 ft 6 in).
  public let heightInches: Int
  public let typeGroup: TypeGroup

  public var description: String { code }
  public var height: Height { heightInches >= 114 ? .highCube : .standard }
  /// Twenty-foot equivalent units: 20 ft = 1; 40 ft and 45 ft = 2.
  public var teu: Int { lengthFeet == 20 ? 1 : 2 }

  package static let lengths: [Character: Int] = ["2": 20, "4": 40, "L": 45]
  package static let heights: [Character: Int] = ["0": 96, "2": 102, "4": 108, "5": 114]
  /// ISO 6346 type codes (detailed and group) and their group. Flat racks are P1–P4 / PC, PF;
  /// P0 / PL are plain platforms.
  package static let types: [String: TypeGroup] = {
    var table: [String: TypeGroup] = [:]
    for suffix in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "P"] { table["G" + suffix] = .general }
    for suffix in ["0", "2", "4", "H"] { table["V" + suffix] = .ventilated }
    for suffix in ["0", "1", "3", "4", "5", "6", "U", "K"] { table["B" + suffix] = .bulk }
    for suffix in ["0", "1", "2", "3", "E", "T", "S"] { table["R" + suffix] = .reefer }
    for suffix in ["0", "1", "2", "5", "6", "I", "D"] { table["H" + suffix] = .insulated }
    for suffix in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "N", "D", "G"] { table["T" + suffix] = .tank }
    for suffix in ["0", "1", "2", "3", "4", "5", "T"] { table["U" + suffix] = .openTop }
    for suffix in ["0", "5", "L", "S"] { table["P" + suffix] = .platform }
    for suffix in ["1", "2", "3", "4", "C", "F"] { table["P" + suffix] = .flatRack }
    for suffix in ["0", "1", "2", "N"] { table["S" + suffix] = .namedCargo }
    return table
  }()

  public init(parsing input: String) throws(CorridorError) {
    let code = input.uppercased().trimmingSpaces
    let characters = Array(code)
    guard characters.count == 4 else {
      throw .invalid("unknown size-type code \(input.debugDescription): expected 4 characters such as 22G1 or 45R1", rule: .sizeType)
    }
    guard let length = Self.lengths[characters[0]] else {
      throw .invalid(
        "unknown size-type code \(code): length code \(characters[0]) is not 2 (20 ft), 4 (40 ft) or L (45 ft)", rule: .sizeType)
    }
    guard let height = Self.heights[characters[1]] else {
      throw .invalid(
        "unknown size-type code \(code): height code \(characters[1]) is not 0, 2, 4 or 5 (8 ft, 8 ft 6 in, 9 ft, 9 ft 6 in)",
        rule: .sizeType)
    }
    guard let group = Self.types[String(characters[2...3])] else {
      throw .invalid("unknown size-type code \(code): type \(String(characters[2...3])) is not an ISO 6346 type code", rule: .sizeType)
    }
    self.code = code
    self.lengthFeet = length
    self.heightInches = height
    self.typeGroup = group
  }
}

extension String {
  package var trimmingSpaces: String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}

extension SizeType {
  /// Today's code for a pre-1995 ISO 6346 size-type code, as feeds still send them (`2200`,
  /// `4310`, `4500`), or nil when the code is not one Corridor reads.
  ///
  /// The old codes are four digits (ISO 2716, then ISO 6346:1984): length (2 = 20 ft, 4 = 40 ft),
  /// height with or without a gooseneck tunnel (0, 1 = 8 ft; 2, 3 = 8 ft 6 in; 4, 5 = over
  /// 8 ft 6 in), and a type whose first digit is its category (sources: the 1985 edition's
  /// Annex F as containerhandbuch.de describes it; matts-place.com, "Historic Container
  /// Size/Type Codes 1972–1995"). Read here: the general-purpose categories 0 and 1 (closed, with
  /// passive vents: `2210` is today's `22G1`) as G1, and 32 (mechanically refrigerated) as R1.
  /// "Over 8 ft 6 in" is read as 9 ft 6 in, the high cube of that era (`4500` → `45G1`): an
  /// assumption, labelled as such in the README. Other types are refused, not guessed.
  public static func legacy(_ code: String) -> SizeType? {
    guard isLegacyForm(code) else { return nil }
    let digits = Array(code)
    let length: Character
    switch digits[0] {
    case "2", "4": length = digits[0]
    default: return nil
    }
    let height: Character
    switch digits[1] {
    case "0", "1": height = "0"
    case "2", "3": height = "2"
    case "4", "5": height = "5"
    default: return nil
    }
    let type: String
    switch (digits[2], digits[3]) {
    case ("0", _), ("1", _): type = "G1"
    case ("3", "2"): type = "R1"
    default: return nil
    }
    return try? SizeType(parsing: String([length, height]) + type)
  }

  /// Four digits: the form of every pre-1995 code.
  package static func isLegacyForm(_ code: String) -> Bool { code.utf8.count == 4 && code.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }

  /// A size-type code as a feed sends it: today's code, else a pre-1995 one read as today's
  /// (`asSent` is then the code as sent, for the container's record).
  public static func fromFeed(_ code: String) throws(CorridorError) -> (sizeType: SizeType, asSent: String?) {
    do {
      return (try SizeType(parsing: code), nil)
    } catch {
      let trimmed = code.trimmingSpaces
      if let legacy = legacy(trimmed) { return (legacy, trimmed) }
      guard isLegacyForm(trimmed) else { throw error }
      throw .invalid(
        "size-type code \(trimmed) is a pre-1995 ISO 6346 code that Corridor does not convert (it reads general purpose, 00 to 19, "
          + "and refrigerated, 32, of 20 and 40 ft)", rule: .sizeType,
        hint: "register the box with today's code: `corridor container add NUMBER --type CODE`")
    }
  }
}
