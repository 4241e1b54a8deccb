import Crypto
import Foundation

/// DCSA's `Notification-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the
/// subscription's secret (tnt-v2.2.0.yaml, the subscription callback).
public enum NotificationSignature {
  public static func header(body: [UInt8], secret: [UInt8]) -> String {
    "sha256=" + hex(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)))
  }

  /// Whether `header` signs `body` with `secret` (constant-time comparison of the codes).
  public static func verify(header: String, body: [UInt8], secret: [UInt8]) -> Bool {
    let trimmed = header.trimmingCharacters(in: .whitespaces)
    guard trimmed.hasPrefix("sha256="), let code = Data(hexString: String(trimmed.dropFirst(7))) else { return false }
    return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: SymmetricKey(data: secret))
  }
}

extension Data {
  package init?(hexString: String) {
    let digits = Array(hexString.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
      guard let high = HexDigit.value(digits[index]), let low = HexDigit.value(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    self.init(bytes)
  }
}

/// The value of one hexadecimal digit (either case), or nil.
public enum HexDigit {
  public static func value(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
