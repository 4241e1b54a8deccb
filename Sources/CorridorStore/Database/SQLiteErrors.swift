import CorridorInterchange
import CorridorModel
import SQLite

extension CorridorError {
  /// Classifies a SQLite failure by what the user can do about it.
  public init(_ error: SQLiteError, context: String? = nil) {
    let prefix = context.map { "\($0): " } ?? ""
    if error.isBusy {
      self.init(
        .busy, "\(prefix)the database is busy (another corridor process held it past the timeout)",
        hint: "retry; long imports release the database between batches")
    } else if error.isDiskFull {
      self.init(.io, "\(prefix)the disk is full (\(error.message)); the write was rolled back", hint: "free space and retry")
      isStorageFull = true
    } else if error.isReadOnly {
      self.init(.io, "\(prefix)the database is read-only (\(error.message))", hint: "check the file's permissions")
    } else if error.isIOError {
      self.init(.io, "\(prefix)I/O error: \(error.message)")
    } else if error.isCorrupt {
      self = .damaged(context, error.message)
    } else if error.isNotADatabase {
      self.init(
        .invalidData, "\(prefix)not a SQLite database; it was left untouched", hint: "check --db / CORRIDOR_DB, or run `corridor init --db NEWFILE`")
    } else if error.isConstraintViolation {
      self.init(.invalidData, "\(prefix)rejected by the schema: \(error.message)", rule: .schema)
    } else {
      self.init(.internal, "\(prefix)\(error.description)")
    }
  }
}

/// Runs `body`, turning SQLite failures into `CorridorError`s so nothing below the domain leaks
/// out untyped.
func mapSQLiteErrors<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as SQLiteError {
    throw CorridorError(error)
  } catch let error as RowDecodingError {
    throw CorridorError.damaged(nil, error.description)
  } catch let error as any EngineFailure {
    throw error.corridorError
  }
}

/// A failure of another engine's connection (PostgreSQL's), which knows its `CorridorError`.
package protocol EngineFailure: Error {
  var corridorError: CorridorError { get }
  /// The schema's refusal this failure is, if it is one.
  var schemaRefusal: SchemaRefusal? { get }
}

/// A statement the schema refused, whichever engine said so: the import tells a uniqueness
/// refusal (an id already recorded, which it then looks up) from any other (a row the
/// validation pass should have refused).
package enum SchemaRefusal: Sendable {
  case uniqueness
  case otherConstraint

  package init?(_ error: any Error) {
    if let error = error as? SQLiteError {
      guard error.isConstraintViolation else { return nil }
      self = error.isUniqueViolation ? .uniqueness : .otherConstraint
    } else if let error = error as? any EngineFailure, let refusal = error.schemaRefusal {
      self = refusal
    } else {
      return nil
    }
  }
}
