import CorridorModel
import CorridorStore
import Foundation
import Testing

@testable import CorridorStorePostgres

/// Parsing a URL and finding its password, without a server.
@Suite struct PostgresLocationTests {
  @Test func aURLNamesUserHostPortAndDatabaseAndNeverShowsItsPassword() throws {
    let location = try PostgresLocation(parsing: "postgres://hub%40cq:s3cr%3At@db.example:6543/ledger", environment: [:])
    #expect(location.user == "hub@cq")
    #expect(location.password == "s3cr:t")
    #expect(location.host == "db.example" && location.port == 6543 && location.database == "ledger")
    #expect(location.description == "postgres://hub@cq@db.example:6543/ledger")
    #expect(!location.description.contains("s3cr"))
    let defaults = try PostgresLocation(parsing: "postgresql://127.0.0.1/x?sslmode=disable", environment: ["USER": "ops"])
    #expect(defaults.user == "ops" && defaults.port == 5432 && defaults.database == "x")
    #expect(PostgresLocation.redacted("postgres://u:hunter2@h:1/d") == "postgres://u:***@h:1/d")
  }

  @Test func badURLsAreUsageErrorsThatDoNotEchoThePassword() {
    for text in [
      "postgres://u:hunter2@h:99999/d", "postgres://u:hunter2@h:5432", "postgres://u:hunter2@h:5432/", "postgres://u:hunter2@:5432/d",
      "postgres://u:hunter2@h/d?sslmode=require", "postgres://u:hunter2@h:port/d",
    ] {
      do {
        _ = try PostgresLocation(parsing: text, environment: [:])
        Issue.record("\(text) was accepted")
      } catch {
        #expect(error.kind == .usage, "\(text)")
        #expect(!error.message.contains("hunter2"), "\(error.message)")
      }
    }
  }

  /// The URL's password first, then PGPASSWORD, then the password file (wildcards, escapes,
  /// first match wins).
  @Test func thePasswordComesFromTheURLThenPGPASSWORDThenThePasswordFile() throws {
    let folder = temporaryFolder()
    let file = folder + "/pgpass"
    try """
    # comment
    other:5432:*:ops:wrong
    127.0.0.1:55432:ledger:ops:pa\\:ss
    *:*:*:ops:fallback
    """.write(toFile: file, atomically: true, encoding: .utf8)
    let environment = ["PGPASSFILE": file]
    #expect(try PostgresLocation(parsing: "postgres://ops:url@127.0.0.1:55432/ledger", environment: environment).password == "url")
    #expect(
      try PostgresLocation(parsing: "postgres://ops@127.0.0.1:55432/ledger", environment: environment.merging(["PGPASSWORD": "env"]) { $1 })
        .password == "env")
    #expect(try PostgresLocation(parsing: "postgres://ops@127.0.0.1:55432/ledger", environment: environment).password == "pa:ss")
    #expect(try PostgresLocation(parsing: "postgres://ops@127.0.0.1:1/other", environment: environment).password == "fallback")
    #expect(try PostgresLocation(parsing: "postgres://someone@127.0.0.1:1/other", environment: environment).password == nil)
  }

  @Test func aPathSelectsSQLiteAndAURLPostgreSQL() throws {
    guard case .sqlite("/var/lib/corridor.db") = try LedgerLocation(parsing: "/var/lib/corridor.db", environment: [:]) else {
      Issue.record("a path is SQLite")
      return
    }
    guard case .postgres(let location) = try LedgerLocation(parsing: "POSTGRES://a@b/c", environment: [:]) else {
      Issue.record("a URL is PostgreSQL")
      return
    }
    #expect(location.database == "c")
  }

  /// PostgreSQL's migrations are SQLite's, number for number and name for name.
  @Test func theMigrationsHaveTheSameNumbersAndNamesOnBothEngines() {
    #expect(PostgresMigrator.migrations.map(\.name) == Migration.embedded.map(\.name))
    #expect(PostgresMigrator.migrations.count == 27)
    // SQLite's dialect is named in the comments only.
    for migration in PostgresMigrator.migrations {
      let code = migration.sql.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
      #expect(!code.contains("GLOB") && !code.contains("INDEXED BY") && !code.contains("STRICT"), "\(migration.name)")
    }
  }

  /// Migrations are sent a statement at a time: semicolons inside quotes, comments and
  /// dollar-quoted bodies do not split.
  /// The store's queries use `?`; PostgreSQL numbers its parameters, and a `?` inside quoted
  /// text or a quoted name is no parameter.
  @Test func placeholdersAreNumberedOutsideQuotesOnly() {
    #expect(
      PostgresAuditSource.numbered("SELECT 'a?b', \"is?\" FROM t WHERE x = ? AND y IS NOT DISTINCT FROM ? AND z = 'it''s?'")
        == "SELECT 'a?b', \"is?\" FROM t WHERE x = $1 AND y IS NOT DISTINCT FROM $2 AND z = 'it''s?'")
    #expect(PostgresAuditSource.numbered("SELECT 1") == "SELECT 1")
    // SQLite's numbered form: one value used twice.
    #expect(
      PostgresAuditSource.numbered("SELECT code FROM routes WHERE ?1 IS NULL OR corridor = ?1 LIMIT ?2")
        == "SELECT code FROM routes WHERE $1 IS NULL OR corridor = $1 LIMIT $2")
    // A plain `?` after numbered ones is one past the largest, as SQLite numbers it (the
    // clearance report's dates, then a party's scope): three values, not five.
    #expect(
      PostgresAuditSource.numbered("WHERE (?1 IS NULL OR a >= ?1) AND (?2 IS NULL OR a < ?2) AND s IN (SELECT ref FROM p WHERE x = ?)")
        == "WHERE ($1 IS NULL OR a >= $1) AND ($2 IS NULL OR a < $2) AND s IN (SELECT ref FROM p WHERE x = $3)")
    #expect(PostgresAuditSource.numbered("?2, ?, ?1, ?") == "$2, $3, $1, $4")
  }

  @Test func aScriptSplitsAtTheSemicolonsBetweenStatementsOnly() {
    let script = """
      -- a comment; with a semicolon
      CREATE TABLE a (x TEXT CHECK (x <> ';'));
      /* block; comment */
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'no; never';
      END
      $$;
      INSERT INTO a VALUES ('it''s; fine');
      -- trailing comment only
      """
    let statements = SQLScript.statements(script)
    #expect(statements.count == 3)
    #expect(statements[1].contains("RAISE EXCEPTION 'no; never';\nEND\n$$"))
    #expect(statements[2].hasSuffix("INSERT INTO a VALUES ('it''s; fine')"))
  }

  @Test func copyTextEscapesWhatTheFormatReserves() {
    var bytes: [UInt8] = []
    CopyText.write([.integer(-7), .null, .text("a\tb\\c\nd\re"), .real(0.1), .blob([0x00, 0xAB])], to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == "-7\t\\N\ta\\tb\\\\c\\nd\\re\t0.1\t\\\\x00ab\n")
  }
}
