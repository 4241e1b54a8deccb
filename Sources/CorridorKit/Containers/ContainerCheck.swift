/// The verdict on one candidate container number, for `corridor container check`.
public struct ContainerCheck: Sendable, Equatable, Encodable {
  public let number: String
  public let valid: Bool
  /// The check digit as written, when the last character is a digit.
  public let checkDigit: Int?
  /// The check digit the first ten characters call for, when they are well formed.
  public let expectedCheckDigit: Int?
  public let reason: String?

  public init(_ input: String) {
    let normalised = ContainerNumber.normalise(input)
    number = normalised
    let bytes = Array(normalised.utf8)
    checkDigit = bytes.count == 11 && bytes[10] >= 0x30 && bytes[10] <= 0x39 ? Int(bytes[10] - 0x30) : nil
    let problem = ContainerNumber.problem(in: normalised)
    switch problem {
    case .none, .checkDigit, .checkDigitNotADigit:
      expectedCheckDigit = bytes.count == 11 ? ContainerNumber.checkDigit(for: bytes[0..<10]) : nil
    default:
      expectedCheckDigit = nil
    }
    valid = problem == nil
    reason = problem?.reason
  }

  enum CodingKeys: String, CodingKey { case number, valid, checkDigit, expectedCheckDigit, reason }

  /// Explicit nulls: scripts read every key on every element.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(number, forKey: .number)
    try container.encode(valid, forKey: .valid)
    try container.encode(checkDigit, forKey: .checkDigit)
    try container.encode(expectedCheckDigit, forKey: .expectedCheckDigit)
    try container.encode(reason, forKey: .reason)
  }
}
