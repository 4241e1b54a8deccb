import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

extension EventStore {
  /// Retries a write transaction that met `SQLITE_BUSY` even after the busy timeout, so a long
  /// import and other writers take turns instead of failing.
  func withBusyRetry<T>(attempts: Int = 12, _ body: () throws -> T) throws -> T {
    var attempt = 0
    while true {
      do {
        return try body()
      } catch let error as SQLiteError where error.isBusy && attempt < attempts {
        attempt += 1
        usleep(UInt32(50_000 * attempt))
      }
    }
  }

  /// Refuses to start writing when the disk obviously cannot hold the import, so a full disk
  /// is reported before anything is written (a disk that fills up during the write is still
  /// caught: exit 74 after the batches already committed).
  /// PostgreSQL's disk is the server's, which this process cannot see: not checked there (a
  /// full disk still fails the batch, rolled back, exit 74).
  func checkSpace(forImportOf path: String) throws {
    guard connection.dialect == .sqlite else { return }
    let input = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    // Measured: the database grows by 2.3 to 2.8 bytes per byte of CSV (rows and four indexes),
    // and the WAL beside it takes up to the checkpoint interval (64 MiB) and one batch's pages.
    let rows = input * 3
    var needed = rows + 128 << 20
    let folder = (db.path as NSString).deletingLastPathComponent
    var free = Int64.max
    if let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.isEmpty ? "." : folder),
      let bytes = (attributes[.systemFreeSize] as? NSNumber)?.int64Value
    {
      free = bytes
    }
    // A page limit (PRAGMA max_page_count) caps the database file, not the WAL.
    if let pages = try? connection.row(
      """
      SELECT m.max_page_count - c.page_count + f.freelist_count AS free_pages, s.page_size AS page_size
      FROM pragma_max_page_count m, pragma_page_count c, pragma_freelist_count f, pragma_page_size s
      """), let left = try? pages.int64("free_pages"), let size = try? pages.int64("page_size", in: 1...65_536),
      left.multipliedReportingOverflow(by: size).partialValue < rows
    {
      (free, needed) = (left * size, rows)
    }
    if free < needed {
      throw CorridorError(
        .io, "not enough disk space for this import: about \(needed / 1_048_576) MiB needed, \(free / 1_048_576) MiB free; nothing was written",
        hint: "free space and retry")
    }
  }
}
