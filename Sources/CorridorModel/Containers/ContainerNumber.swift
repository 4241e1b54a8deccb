/// An ISO 6346 container number: owner code (3 letters), category (U, J or Z), 6-digit serial
/// and check digit, e.g. `CSQU3054383`.
///
/// Parsed once where input enters (command line, files) and trusted everywhere after: a value of
/// this type always has a correct check digit.
public struct ContainerNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The normalised 11 characters.
  public let text: String

  public var description: String { text }
  public static func < (a: ContainerNumber, b: ContainerNumber) -> Bool { a.text < b.text }

  /// Why a string is not a valid container number.
  public enum Problem: Equatable, Sendable {
    case length(Int)
    case ownerCode
    case category(Character)
    case serial
    case checkDigitNotADigit
    case checkDigit(found: Int, expected: Int)

    public var reason: String {
      switch self {
      case .length(let n): "expected 11 characters (owner code, category, 6-digit serial, check digit), found \(n)"
      case .ownerCode: "the owner code (first 3 characters) must be letters A-Z"
      case .category(let c): "the category letter must be U, J or Z, found \(c)"
      case .serial: "the serial (characters 5-10) must be 6 digits"
      case .checkDigitNotADigit: "the check digit (last character) must be a digit"
      case .checkDigit(let found, let expected): "wrong check digit \(found): the check digit for this number is \(expected)"
      }
    }
  }

  /// Letter values: A=10 upward, skipping multiples of 11 (so 11, 22, 33 are never used).
  package static let letterValues: [Int] = {
    var values: [Int] = []
    var value = 10
    for _ in 0..<26 {
      if value % 11 == 0 { value += 1 }
      values.append(value)
      value += 1
    }
    return values
  }()

  /// Operator input without the separators people type: spaces, hyphens, lower case.
  public static func normalise(_ input: String) -> String {
    String(input.uppercased().unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "\t" })
  }

  /// The check digit for the first 10 characters (weights 2^i, sum mod 11, then mod 10).
  /// Nil when a character is out of range.
  public static func checkDigit(for prefix: some Collection<UInt8>) -> Int? {
    guard prefix.count == 10 else { return nil }
    var sum = 0
    for (i, byte) in prefix.enumerated() {
      let value: Int
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = letterValues[Int(byte - UInt8(ascii: "A"))]
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
      default: return nil
      }
      sum += value << i
    }
    return sum % 11 % 10
  }

  /// Checks a normalised candidate; nil when it is valid.
  public static func problem(in normalised: String) -> Problem? {
    var normalised = normalised
    guard normalised.utf8.count == 11, normalised.unicodeScalars.count == 11 else { return .length(normalised.count) }
    return normalised.withUTF8 { problem(inBytes: $0) }
  }

  /// `problem(in:)` for 11 bytes.
  package static func problem(inBytes bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
    guard bytes.count == 11 else { return .length(bytes.count) }
    let isLetter = { (b: UInt8) in b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
    let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    guard bytes[0..<3].allSatisfy(isLetter) else { return .ownerCode }
    guard bytes[3] == UInt8(ascii: "U") || bytes[3] == UInt8(ascii: "J") || bytes[3] == UInt8(ascii: "Z") else {
      return .category(Character(Unicode.Scalar(bytes[3])))
    }
    guard bytes[4..<10].allSatisfy(isDigit) else { return .serial }
    guard isDigit(bytes[10]) else { return .checkDigitNotADigit }
    let found = Int(bytes[10] - UInt8(ascii: "0"))
    guard let expected = checkDigit(for: bytes[0..<10]) else { return .serial }
    return found == expected ? nil : .checkDigit(found: found, expected: expected)
  }

  /// Parses operator input (`csqu 305438-3` → `CSQU3054383`).
  public init(parsing input: String) throws(CorridorError) {
    // Files almost always carry the canonical form already: check it without copying.
    if input.utf8.count == 11, Self.problem(in: input) == nil {
      text = input
      return
    }
    let normalised = Self.normalise(input)
    if let problem = Self.problem(in: normalised) {
      throw CorridorError(
        .invalidData, "invalid container number \(input.debugDescription): \(problem.reason)",
        hint: "compare with the number painted on the door: owner code, U/J/Z, 6-digit serial, check digit", rule: .iso6346)
    }
    text = normalised
  }

  /// Parses a field of a file: the canonical form without a String detour, anything else as
  /// operator input.
  package init(parsing bytes: UnsafeBufferPointer<UInt8>) throws(CorridorError) {
    guard Self.problem(inBytes: bytes) == nil else {
      try self.init(parsing: String(decoding: bytes, as: UTF8.self))
      return
    }
    self.init(trusted: String(decoding: bytes, as: UTF8.self))
  }

  /// For values read back from the database, where the schema and earlier parsing vouch for them.
  package init(trusted text: String) { self.text = text }
}

// The rule ids of containers, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let containerExists = RuleID("container-exists")
  public static let iso6346 = RuleID("iso6346")
  public static let sizeType = RuleID("size-type")
  public static let seal = RuleID("seal")
}
