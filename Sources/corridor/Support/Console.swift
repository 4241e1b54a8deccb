import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation

/// Everything the CLI writes goes through here: results on stdout, notices and errors on stderr.
///
/// Writes are checked (FileHandle's `write` traps on a full disk or a closed descriptor). A
/// result that cannot be written is exit 74: whatever the command committed stays committed,
/// and the message says so. A notice that cannot be written is dropped: there is nowhere left
/// to report it.
enum Console {
  /// The sysexits code of each kind of failure: the CLI's edge, not the domain's business.
  static func exitCode(_ kind: CorridorError.Kind) -> Int32 {
    switch kind {
    case .usage: 64
    case .invalidData: 65
    case .missingInput: 66
    case .internal: 70
    case .cannotCreate: 73
    case .io: 74
    case .busy: 75
    }
  }

  static func out(_ text: String) {
    var text = text
    let failure = text.withUTF8 { OutputFile.writeAll(1, UnsafeRawBufferPointer($0)) }
    if let failure {
      error(
        CorridorError(
          .io, "cannot write to standard output: \(String(cString: strerror(failure)))",
          hint: "anything the command wrote to the database is committed; only its output was lost"))
      exit(74)
    }
  }

  /// Text for people (lines, the tracking view): stored text it quotes shows its control
  /// characters, never runs them; line breaks stay.
  static func text(_ text: String) {
    out(VisibleText.visible(text, keepingLineBreaks: true))
  }

  static func line(_ text: String) {
    Self.text(text + "\n")
  }

  @Sendable static func notice(_ text: String) {
    toStandardError("corridor: \(VisibleText.visible(text))\n")
  }

  static func error(_ error: CorridorError) {
    var text = "corridor: error: \(described(error))\n"
    if let hint = error.hint { text += "corridor: hint: \(VisibleText.visible(hint))\n" }
    toStandardError(text)
  }

  /// A row an import rejected, when no rejects file keeps it.
  static func rejected(_ error: CorridorError) {
    toStandardError("corridor: rejected: \(described(error))\n")
  }

  /// The error's text with its rule. Messages quote stored and given text: a terminal must not
  /// obey what they hold.
  static func described(_ error: CorridorError) -> String {
    var text = VisibleText.visible(error.text)
    if let rule = error.rule, !error.message.contains("[\(rule.name)]") { text += " [\(rule.name)]" }
    return text
  }

  static func toStandardError(_ text: String) {
    var text = text
    _ = text.withUTF8 { OutputFile.writeAll(2, UnsafeRawBufferPointer($0)) }
  }
}
