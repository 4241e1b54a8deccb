import CorridorModel
import CorridorStore
import CorridorStorePostgres
import Foundation
import Testing

func temporaryFolder() -> String {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-pg-\(UUID().uuidString)").path
  try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  return folder
}
