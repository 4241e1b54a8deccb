import CorridorModel
import CorridorStore

/// Where a ledger lives: a SQLite file (a path) or a PostgreSQL database (a `postgres://` URL),
/// parsed once from `--db`, `--from`/`--to` or `CORRIDOR_DB`.
public enum LedgerLocation: Sendable, CustomStringConvertible {
  case sqlite(String)
  case postgres(PostgresLocation)

  public init(parsing text: String, environment: [String: String]) throws(CorridorError) {
    if PostgresLocation.isURL(text) {
      self = .postgres(try PostgresLocation(parsing: text, environment: environment))
    } else {
      self = .sqlite(text)
    }
  }

  /// The path, or the URL without its password.
  public var description: String {
    switch self {
    case .sqlite(let path): path
    case .postgres(let location): "\(location)"
    }
  }
}
