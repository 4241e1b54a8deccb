import CorridorKit
import Foundation

/// Everything the CLI writes goes through here: results on stdout, notices and errors on stderr.
enum Console {
  static func out(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func line(_ text: String) {
    out(text + "\n")
  }

  @Sendable static func notice(_ text: String) {
    FileHandle.standardError.write(Data("corridor: \(text)\n".utf8))
  }

  static func error(_ error: CorridorError) {
    var text = "corridor: error: \(error.message)"
    if let rule = error.rule, !error.message.contains("[\(rule)]") { text += " [\(rule)]" }
    text += "\n"
    if let hint = error.hint { text += "corridor: hint: \(hint)\n" }
    FileHandle.standardError.write(Data(text.utf8))
  }
}
