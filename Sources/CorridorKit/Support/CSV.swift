/// RFC 4180 field quoting: a field is quoted when it holds a comma, a quote, CR or LF, or leading
/// or trailing spaces; quotes inside are doubled. Kept byte-level and small on purpose: the CSV
/// packages mirrored here are too slow or write corrupt output (see the project notes).
public enum CSV {
  public static func field(_ value: String) -> String {
    var needsQuotes = false
    for byte in value.utf8 where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 10 || byte == 13 {
      needsQuotes = true
      break
    }
    if !needsQuotes, let first = value.utf8.first, let last = value.utf8.last,
      first == UInt8(ascii: " ") || last == UInt8(ascii: " ")
    {
      needsQuotes = true
    }
    guard needsQuotes else { return value }
    // Byte by byte: audit states are full of quotes, and a million of them go through here.
    var bytes: [UInt8] = [UInt8(ascii: "\"")]
    bytes.reserveCapacity(value.utf8.count + 16)
    for byte in value.utf8 {
      bytes.append(byte)
      if byte == UInt8(ascii: "\"") { bytes.append(byte) }
    }
    bytes.append(UInt8(ascii: "\""))
    return String(decoding: bytes, as: UTF8.self)
  }

  /// One record, CRLF-terminated as RFC 4180 says.
  public static func record(_ fields: [String]) -> String {
    fields.map(field).joined(separator: ",") + "\r\n"
  }
}
