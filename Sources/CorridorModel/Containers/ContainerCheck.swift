/// The verdict on one candidate container number, for `corridor container check`.
public struct ContainerCheck: Sendable, Equatable, Encodable {
  public let number: String
  public let valid: Bool
  /// The check digit as written, when the last character is a digit.
  @Nullable public var checkDigit: Int?
  /// The check digit the first ten characters call for, when they are well formed.
  @Nullable public var expectedCheckDigit: Int?
  @Nullable public var reason: String?

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

}
