import SQLite

/// The one error type of the domain library. Every failure a user can cause maps to one of
/// these kinds, and each kind to one documented exit code (sysexits), so the CLI needs no
/// knowledge of where an error came from.
public struct CorridorError: Error, CustomStringConvertible, Equatable, Sendable {
  public enum Kind: Sendable, Equatable {
    /// Bad command line (exit 64).
    case usage
    /// Input that breaks a rule (exit 65). `rule` names the rule for scripts and tests.
    case invalidData
    /// An input file or the database is missing (exit 66).
    case missingInput
    /// An output file or folder cannot be created (exit 73).
    case cannotCreate
    /// Disk full, read-only database, I/O failure (exit 74).
    case io
    /// Another process held the database past the busy timeout (exit 75).
    case busy
    /// A bug or an unexpected SQLite failure (exit 70).
    case `internal`
  }

  public let kind: Kind
  public let message: String
  /// What to do about it, when there is something useful to say.
  public let hint: String?
  /// The name of the broken rule, for invalid data (e.g. `check-digit`, `load-when-loaded`).
  public let rule: String?

  public init(_ kind: Kind, _ message: String, hint: String? = nil, rule: String? = nil) {
    self.kind = kind
    self.message = message
    self.hint = hint
    self.rule = rule
  }

  public static func invalid(_ message: String, rule: String? = nil, hint: String? = nil) -> CorridorError {
    CorridorError(.invalidData, message, hint: hint, rule: rule)
  }

  /// A database file that is damaged: exit 74, pointing to `db check` and backups.
  public static func damaged(_ path: String?, _ what: String) -> CorridorError {
    CorridorError(
      .io, "the database\(path.map { " \($0)" } ?? "") is damaged: \(what)",
      hint: "run `corridor db check` to see what is broken, and restore from a backup; nothing was changed")
  }

  public var exitCode: Int32 {
    switch kind {
    case .usage: 64
    case .invalidData: 65
    case .missingInput: 66
    case .internal: 70
    case .cannotCreate: 73
    case .io: 74
    case .busy: 75
    }
  }

  public var description: String { message }
}

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
      self.init(.invalidData, "\(prefix)rejected by the schema: \(error.message)", rule: "schema")
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
  }
}
