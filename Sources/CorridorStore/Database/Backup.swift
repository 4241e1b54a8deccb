import CorridorInterchange
import CorridorModel
import SQLite

extension CorridorDatabase {
  /// `db backup --out FILE`: a consistent online copy made with SQLite's backup API while the
  /// server and imports go on writing; written beside `FILE` and renamed over it when complete,
  /// so a failed backup leaves `FILE` as it was. Returns the copy's size in bytes.
  public func backup(to output: OutputFile) throws {
    guard let temporary = output.temporary else {
      throw CorridorError(.cannotCreate, "cannot back up into \(output.path): it is not a regular file", hint: "give a file path")
    }
    do {
      try connection.sqlite(for: "this backup").backup(toPath: temporary)
    } catch let error as SQLiteError {
      output.discard()
      throw CorridorError(error, context: output.path)
    }
    try output.commit()
  }
}
