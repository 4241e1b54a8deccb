import CorridorInterchange
import CorridorModel
import CorridorStore
import Foundation

/// A Corridor ledger on PostgreSQL as the commands that run on it so far open it.
public enum PostgresLedger {
  /// Connects and applies pending migrations, telling each one through `notice` as SQLite's
  /// open does.
  public static func open(_ location: PostgresLocation, notice: (String) -> Void = { _ in }) throws -> PostgresSession {
    let session = try PostgresSession(location)
    for migration in try PostgresMigrator().migrate(session) { notice("applied migration \(migration.name) to \(location)") }
    return session
  }

  /// `db backup --out FILE` from PostgreSQL: the ledger as a SQLite file, by `db copy`'s
  /// checked copy (one snapshot; every table read back and hashed, the chain re-hashed, before
  /// the file is committed), written beside `FILE` and renamed over it when complete, so a failed
  /// backup leaves `FILE` as it was, as SQLite's backup does.
  public static func backup(_ location: PostgresLocation, to output: OutputFile) throws -> LedgerCopy.Report {
    guard let temporary = output.temporary else {
      throw CorridorError(.cannotCreate, "cannot back up into \(output.path): it is not a regular file", hint: "give a file path")
    }
    // The copy's connection is closed when it returns (its log checkpointed): what SQLite may
    // leave beside the temporary file goes, whether the backup is committed or not.
    defer {
      for file in CorridorDatabase.files(at: temporary).dropFirst() { try? FileManager.default.removeItem(atPath: file.path) }
    }
    do {
      let report = try LedgerCopy.run(from: .postgres(location), to: .sqlite(temporary))
      try output.commit()
      return report
    } catch {
      output.discard()
      throw error
    }
  }
}
