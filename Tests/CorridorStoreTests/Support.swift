import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import CorridorTestSupport
import Foundation
import Testing

func temporaryFolder() -> String {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-kit-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  return folder.path
}

func temporaryDatabasePath() -> String { temporaryFolder() + "/corridor.db" }

/// A fresh, migrated ledger (no reference data) on the engine the run selects
/// (`CORRIDOR_TEST_ENGINE`, `TestLedger`): a SQLite file, or a database of its own on PostgreSQL.
func freshDatabase(clock: Clock = .system) throws -> CorridorDatabase { try TestLedger.create(clock: clock).db }

extension Trait where Self == ConditionTrait {
  /// A test of what only SQLite has (its schema's text, query plans, pragmas, its JSON functions
  /// as a reference, its migrator), or of the demo, which is built on a file: run when the suites
  /// run on SQLite files and left out of the PostgreSQL run, where it would only repeat itself
  /// (CorridorPostgresTests check PostgreSQL's own side, CrossEngineTests the demo there).
  static var sqliteOnly: Self { .enabled(if: TestEngine.selected == .sqlite, "about SQLite itself") }
}

/// The same with the shipped reference data loaded by `operator` (`TestLedger.shipped`).
func shippedLedger(at time: EventTime? = nil, operator: String) throws -> CorridorDatabase {
  try TestLedger.shipped(at: time, operator: `operator`).db
}

func fileBytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
