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

  /// One record, CRLF-terminated as RFC 4180 says: interchange (export, audit), byte for byte
  /// what was stored, so the importers read it back unchanged.
  public static func record(_ fields: [String]) -> String {
    fields.map(field).joined(separator: ",") + "\r\n"
  }

  /// One record of a CSV meant for a spreadsheet (`--format csv` of lists and reports, rejects
  /// files): a cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
  /// tab or CR) gets a leading `'`, as OWASP advises. A plain number (`-12.50`) is left alone:
  /// it cannot be a formula, and a report's negative amounts must stay numbers.
  public static func spreadsheetRecord(_ fields: [String]) -> String {
    fields.map { field(spreadsheetSafe($0)) }.joined(separator: ",") + "\r\n"
  }

  public static func spreadsheetSafe(_ value: String) -> String {
    guard let first = value.utf8.first,
      first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@") || first == 9
        || first == 13
    else { return value }
    if isPlainNumber(value) { return value }
    return "'" + value
  }

  /// `-12`, `+3.50`: a sign, digits and at most one point between digits.
  package static func isPlainNumber(_ value: String) -> Bool {
    var digits = 0
    var point = false
    for (index, byte) in value.utf8.enumerated() {
      switch byte {
      case UInt8(ascii: "+") where index == 0, UInt8(ascii: "-") where index == 0: continue
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
      case UInt8(ascii: ".") where !point && digits > 0: point = true
      default: return false
      }
    }
    return digits > 0 && value.utf8.last != UInt8(ascii: ".")
  }
}
