/// Characters that act on a terminal or reorder text rather than show as themselves: C0 and C1
/// controls, DEL, and the bidirectional embedding, override and isolate marks (U+202E makes
/// `exe.txt` read `txt.exe`). Identifiers and URLs refuse them at every door; free text that
/// may hold them is shown with them made visible (README "Ids, text and control characters").
public enum VisibleText {
  /// Whether `scalar` is a control or bidi-override character.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  /// `U+001B`: how a refusal names the character it found.
  public static func name(of scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  /// The first control character in `text`, if any, named (`U+001B`).
  public static func firstControl(in text: String, allowingLineBreaks: Bool = false) -> String? {
    // ASCII without C0 or DEL, the common case, is one pass over the bytes.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
    return text.unicodeScalars.first { scalar in
      isControl(scalar) && !(allowingLineBreaks && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
    }.map(name(of:))
  }

  /// `text` for a terminal: each control or bidi character replaced by its `<U+XXXX>` name, so
  /// what is stored shows, and nothing reaches the terminal as a command.
  /// - Parameter keepingLineBreaks: keep LF (a message of several lines); CR is still shown, as
  ///   it would let text overwrite its own line.
  public static func visible(_ text: String, keepingLineBreaks: Bool = false) -> String {
    func shown(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) && !(keepingLineBreaks && scalar == "\n") }
    guard text.unicodeScalars.contains(where: shown) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      if shown(scalar) { out += "<" + name(of: scalar) + ">" } else { out.unicodeScalars.append(scalar) }
    }
    return out
  }
}

/// The rule for text that names things (ids, references, numbers), and for free text, at every
/// door (README "Ids, text and control characters"): an identifier is 1 to 100 characters with
/// no control or bidi character, so it can be typed on a command line, written to every export
/// format and read back; free text may be longer and hold tabs and line breaks, nothing else.
public enum TextRule {
  public static let identifierLength = 100
  public static let freeTextLength = 2000

  /// Checks an identifier; `field` names it in the refusal.
  public static func identifier(_ value: String, field: String, rule: RuleID) throws(CorridorError) {
    if let bad = VisibleText.firstControl(in: value) {
      throw .invalid("\(field) holds the control character \(bad); ids and references are printable text", rule: rule)
    }
    // Bytes first: an import checks millions of ids, and no more bytes than the limit means no
    // more characters.
    guard value.utf8.count <= identifierLength || value.count <= identifierLength else {
      throw .invalid("\(field) is \(value.count) characters long; ids and references are at most \(identifierLength)", rule: rule)
    }
  }

  /// Checks free text (a note): tabs and line breaks are kept, other control characters refused.
  public static func freeText(_ value: String, field: String, rule: RuleID) throws(CorridorError) {
    if let bad = VisibleText.firstControl(in: value, allowingLineBreaks: true) {
      throw .invalid("\(field) holds the control character \(bad); free text may hold tabs and line breaks only", rule: rule)
    }
    guard value.utf8.count <= freeTextLength || value.count <= freeTextLength else {
      throw .invalid("\(field) is \(value.count) characters long; free text is at most \(freeTextLength)", rule: rule)
    }
  }
}
