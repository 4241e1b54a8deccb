// Build-time tool: turns text files (migrations/*.sql, fixtures/reference/*.json, …) into one
// Swift source file, so the `corridor` binary carries them and runs from any directory with
// nothing beside it. The files stay the single source of truth; nothing here is edited by hand.
//
// usage: ResourceEmbedder OUTPUT.swift ENUM_NAME [FILE…]
import Foundation

func fail(_ message: String, _ code: Int32) -> Never {
  FileHandle.standardError.write(Data("error: \(message)\n".utf8))
  exit(code)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else { fail("usage: ResourceEmbedder OUTPUT.swift ENUM_NAME [FILE…]", 64) }

func swiftLiteral(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\\": out += "\\\\"
    case "\"": out += "\\\""
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if scalar.isASCII && scalar.value >= 0x20 {
        out.unicodeScalars.append(scalar)
      } else {
        out += "\\u{\(String(scalar.value, radix: 16))}"
      }
    }
  }
  return out + "\""
}

var source = "// Generated at build time by ResourceEmbedder. Do not edit.\n\n"
source += "enum \(arguments[1]) {\n  static let files: [(name: String, text: String)] = [\n"
for path in arguments.dropFirst(2).sorted() {
  guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("\(path): cannot read as UTF-8", 66) }
  source += "    (\(swiftLiteral(URL(fileURLWithPath: path).lastPathComponent)), \(swiftLiteral(text))),\n"
}
source += "  ]\n}\n"
do {
  try source.write(toFile: arguments[0], atomically: true, encoding: .utf8)
} catch {
  fail("cannot write \(arguments[0]): \(error)", 73)
}
