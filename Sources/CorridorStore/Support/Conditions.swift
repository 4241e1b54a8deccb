import CorridorInterchange
import CorridorModel
import SQLite

/// A WHERE clause built from the filters actually given, so SQLite can use an index for each
/// (`?1 IS NULL OR col = ?1` cannot use one, and turned lookups by key into table scans).
struct Conditions {
  private(set) var clauses: [String] = []
  private(set) var arguments: [SQLValue] = []

  init(_ fixed: String...) { clauses = fixed }

  /// Adds `clause` (with one `?` per value) when `value` is present.
  mutating func add(_ clause: String, _ value: SQLValue?) {
    guard let value, !value.isNull else { return }
    clauses.append(clause)
    arguments.append(value)
  }

  /// Adds `clause` with its values (any number of `?`, or none).
  mutating func add(_ clause: String, values: [SQLValue]) {
    clauses.append(clause)
    arguments.append(contentsOf: values)
  }

  /// `column IN (?, …)` with one placeholder per value; no value selects nothing (`1 = 0`:
  /// PostgreSQL refuses SQLite's empty `IN ()`).
  static func oneOf(_ column: String, count: Int) -> String {
    count == 0 ? "1 = 0" : "\(column) IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))"
  }

  var sql: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
}
