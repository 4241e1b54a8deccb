import CorridorModel
import CorridorStore
import SQLite

extension PostgresLedger {
  /// What `db check` reports on PostgreSQL, read-only and without migrating (as on SQLite): the
  /// migration ledger; every foreign key's rows, looked up in their parents (PostgreSQL enforces
  /// them, unless a superuser disabled the tables' triggers or added the key `NOT VALID`, which
  /// are reported too); constraints left unvalidated; and, when the `amcheck` extension is
  /// installed, every B-tree index's structure (PostgreSQL's nearest to SQLite's
  /// `integrity_check`). Empty when healthy; `indexesChecked` says whether amcheck ran.
  public static func check(_ location: PostgresLocation) throws -> (findings: [String], indexesChecked: Bool) {
    let session = try PostgresSession(location)
    return try session.transaction("ISOLATION LEVEL REPEATABLE READ READ ONLY") {
      var findings: [String] = []
      do { try PostgresMigrator().validate(session) } catch let error as CorridorError { findings.append("schema: \(error.message)") }
      findings += try foreignKeyFindings(session)
      for row in try session.rows(
        """
        SELECT c.conname, c.conrelid::regclass::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = current_schema() AND NOT c.convalidated ORDER BY 2, 1
        """)
      {
        findings.append("constraint: \(try row.catalogText(1)) has \(try row.catalogText(0)) NOT VALID: rows written before it were never checked")
      }
      for row in try session.rows(
        """
        SELECT DISTINCT c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND t.tgisinternal AND t.tgenabled = 'D' ORDER BY 1
        """)
      {
        findings.append("foreign key: \(try row.catalogText(0))'s foreign keys are not enforced (its triggers were disabled)")
      }
      var amcheck = try session.scalarInt("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'") == 1
      if amcheck {
        for row in try session.rows(
          """
          SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
          JOIN pg_am a ON a.oid = i.relam WHERE n.nspname = current_schema() AND a.amname = 'btree' ORDER BY 1
          """)
        {
          let index = try row.catalogText(0)
          // A savepoint per index: a failed check ends only its own part of the transaction.
          try session.execute("SAVEPOINT corridor_index_check")
          do {
            _ = try session.rows("SELECT 1 FROM bt_index_check($1::regclass, true)", [.text(index)])
            try session.execute("RELEASE SAVEPOINT corridor_index_check")
          } catch let failure as PostgresFailure {
            try session.execute("ROLLBACK TO SAVEPOINT corridor_index_check")
            // Not allowed to run it (SQLSTATE 42501): the indexes stay unchecked, which is no finding.
            if failure.sqlState == "42501" {
              amcheck = false
              break
            }
            findings.append("integrity: index \(index): \(failure.message)")
          }
        }
      }
      return (findings, amcheck)
    }
  }

  /// Each foreign key's child rows whose parent is missing (at most 20 a key), by an anti-join.
  static func foreignKeyFindings(_ session: PostgresSession) throws -> [String] {
    let keys = try session.rows(
      """
      SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
        array_to_string(ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), ','),
        array_to_string(ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i), ',')
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 2, 1
      """)
    var findings: [String] = []
    for key in keys {
      let (child, parent) = (try key.catalogText(1), try key.catalogText(2))
      let childColumns = try key.catalogText(3).split(separator: ",")
      let parentColumns = try key.catalogText(4).split(separator: ",")
      let present = childColumns.map { "c.\($0) IS NOT NULL" }.joined(separator: " AND ")
      let joined = zip(childColumns, parentColumns).map { "p.\($1) = c.\($0)" }.joined(separator: " AND ")
      let columns = childColumns.map { "c.\($0)::text" }.joined(separator: ", ")
      let orphans = try session.rows(
        "SELECT \(columns) FROM \(child) c WHERE \(present) AND NOT EXISTS (SELECT 1 FROM \(parent) p WHERE \(joined)) LIMIT 20")
      for orphan in orphans {
        let values = zip(childColumns, orphan).map { "\($0) \($1.text ?? "NULL")" }.joined(separator: ", ")
        findings.append("foreign key: \(child) row (\(values)) refers to a missing \(parent) row")
      }
    }
    return findings
  }
}
