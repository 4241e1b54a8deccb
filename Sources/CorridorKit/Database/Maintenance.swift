import SQLite

extension CorridorDatabase {
  /// Findings of `PRAGMA integrity_check` and `PRAGMA foreign_key_check`; empty when healthy.
  /// See <https://sqlite.org/pragma.html#pragma_integrity_check>.
  public func check() throws -> [String] {
    try mapSQLiteErrors {
      var findings: [String] = []
      for row in try connection.fetchAll("PRAGMA integrity_check") {
        if let text = row.first?.text, text != "ok" { findings.append("integrity: \(text)") }
      }
      for row in try connection.fetchAll("PRAGMA foreign_key_check") {
        let table = row[0].text ?? "?"
        let rowid = row[1].int64.map(String.init) ?? "?"
        let parent = row[2].text ?? "?"
        findings.append("foreign key: \(table) row \(rowid) refers to a missing \(parent) row")
      }
      return findings
    }
  }

  public func migrationStatus() throws -> [Migrator.Status] {
    try mapSQLiteErrors { try Migrator().status(connection) }
  }
}
