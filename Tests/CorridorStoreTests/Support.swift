import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation

func temporaryFolder() -> String {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-kit-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  return folder.path
}

func temporaryDatabasePath() -> String { temporaryFolder() + "/corridor.db" }

/// A fresh, migrated database on disk (no reference data).
func freshDatabase() throws -> CorridorDatabase {
  try CorridorDatabase(path: temporaryDatabasePath(), mode: .create)
}

func fileBytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
