// Build-time tool: turns migrations/NNNN_description.sql into one Swift source file, so the
// `corridor` binary carries its schema with it and runs from any directory. The SQL files stay
// the single source of truth; nothing here is edited by hand.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
  FileHandle.standardError.write(Data("usage: MigrationEmbedder OUTPUT.swift [FILE.sql…]\n".utf8))
  exit(64)
}

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

var entries: [(version: Int, name: String, sql: String)] = []
for path in arguments.dropFirst() {
  let name = URL(fileURLWithPath: path).lastPathComponent
  let parts = name.split(separator: "_", maxSplits: 1)
  guard name.hasSuffix(".sql"), parts.count == 2, parts[0].count == 4, let version = Int(parts[0]) else {
    FileHandle.standardError.write(Data("error: \(path): migration files are named NNNN_description.sql\n".utf8))
    exit(65)
  }
  guard let sql = try? String(contentsOfFile: path, encoding: .utf8) else {
    FileHandle.standardError.write(Data("error: \(path): cannot read as UTF-8\n".utf8))
    exit(66)
  }
  entries.append((version, name, sql))
}
entries.sort { $0.version < $1.version }
for (a, b) in zip(entries, entries.dropFirst()) where a.version == b.version {
  FileHandle.standardError.write(Data("error: two migrations share version \(a.version)\n".utf8))
  exit(65)
}

var source = "// Generated at build time by MigrationEmbedder from migrations/*.sql. Do not edit.\n\n"
source += "enum EmbeddedMigrations {\n  static let all: [Migration] = [\n"
for entry in entries {
  source += "    Migration(version: \(entry.version), name: \(swiftLiteral(entry.name)), sql: \(swiftLiteral(entry.sql))),\n"
}
source += "  ]\n}\n"
do {
  try source.write(toFile: outputPath, atomically: true, encoding: .utf8)
} catch {
  FileHandle.standardError.write(Data("error: cannot write \(outputPath): \(error)\n".utf8))
  exit(73)
}
