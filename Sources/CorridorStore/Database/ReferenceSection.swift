import CorridorInterchange
import CorridorModel

/// A section of the reference file (`{"locations": […], "tariffs": […], …}`), declared by the
/// feature whose data it is (`StoreFeature.referenceSections`), so a new section touches its
/// feature only. Loading is two passes over the sections in feature order: each parses and
/// checks its items (against the file's earlier sections and the database, `ReferenceContext`)
/// and nothing is written; then each writes what it parsed, audited, counting what changed.
struct ReferenceSection: Sendable {
  /// The section's key in the file and in `reference load`'s summary.
  let key: String
  /// Parses and checks the section's items; returns what loading them writes.
  let parse: @Sendable (_ items: [JSONCursor], _ context: ReferenceContext) throws -> ReferenceWrite
}

/// What loading one parsed section writes, once every section has parsed: its rows, audited,
/// counted in `counts`.
typealias ReferenceWrite = (_ db: CorridorDatabase, _ op: String, _ counts: inout ReferenceLoadSummary.Counts) throws -> Void

/// What the sections of one file know of each other while they parse: the places, corridors and
/// routes the network's sections declared, and the database underneath (a route may use a
/// location loaded earlier). Nothing is written while it is in use.
final class ReferenceContext {
  let db: CorridorDatabase
  /// The file's name, for positions in errors found when writing (a tariff overlapping a stored one).
  let file: String
  var locationCodes: Set<String> = []
  var aliasTargets: [String: String] = [:]
  var corridorCodes: Set<String> = []
  var routes: [Route] = []
  private var known: Known?

  init(db: CorridorDatabase, file: String) {
    self.db = db
    self.file = file
  }

  /// A leg endpoint or a policy's origin: a location in this file, or one (or an alias) already
  /// in the database.
  func resolve(_ cursor: JSONCursor) throws -> LocationCode {
    let text = try cursor.string()
    if locationCodes.contains(text) { return LocationCode(trusted: text) }
    if let target = aliasTargets[text] { return LocationCode(trusted: target) }
    if LocationCode.isWellFormed(text), let known = try db.networkStore.location(text) { return known.code }
    throw cursor.error("unknown location \(text)")
  }

  /// The routes and corridors of this file and of the database, which tariffs, policies and
  /// emission regions refer to: read once, when the first section after the network asks.
  struct Known {
    var routeLegCounts: [String: Int]
    var routeCorridors: [String: String]
    var corridors: Set<String>

    /// A region of an emission factor: a country (the leg's destination country) or a
    /// corridor, of this file or loaded.
    func isRegion(_ text: String) -> Bool {
      corridors.contains(text) || (text.utf8.count == 2 && text.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A })
    }
  }

  func knownRoutesAndCorridors() throws -> Known {
    if let known { return known }
    let stored = try db.networkStore.routes()
    var routeLegCounts = Dictionary(stored.map { ($0.code, $0.legs.count) }, uniquingKeysWith: { a, _ in a })
    var routeCorridors = Dictionary(stored.map { ($0.code, $0.corridor) }, uniquingKeysWith: { a, _ in a })
    for route in routes {
      routeLegCounts[route.code] = route.legs.count
      routeCorridors[route.code] = route.corridor
    }
    let found = Known(
      routeLegCounts: routeLegCounts, routeCorridors: routeCorridors, corridors: corridorCodes.union(try db.networkStore.corridors().map(\.code)))
    known = found
    return found
  }
}

extension CorridorDatabase {
  /// Reads, validates and loads a reference file in one transaction: all of it or none of it.
  public func loadReference(file path: String, operator op: String) throws -> ReferenceLoadSummary {
    try loadReference(bytes: try InputFile.contents(path), file: path, operator: op)
  }

  public func loadReference(bytes: [UInt8], file: String, operator op: String) throws -> ReferenceLoadSummary {
    try mapSQLiteErrors {
      try connection.transaction { try load(try parseReference(bytes, file: file), operator: op) }
    }
  }

  /// The reference set shipped inside the binary (fixtures/reference/*.json), in file order.
  public func loadShippedReference(operator op: String) throws -> ReferenceLoadSummary {
    try mapSQLiteErrors {
      try connection.transaction {
        var summary = ReferenceLoadSummary()
        for file in EmbeddedReference.files {
          summary = summary + (try load(try parseReference(Array(file.text.utf8), file: "fixtures/reference/\(file.name)"), operator: op))
        }
        return summary
      }
    }
  }

  /// Parses and checks a whole reference file against itself and the database, section by
  /// section. Every error names the file, line, column and JSON path. Nothing is written.
  func parseReference(_ bytes: [UInt8], file: String) throws -> [(key: String, write: ReferenceWrite)] {
    let root: JSONNode
    do {
      root = try JSONParser.parse(bytes)
    } catch {
      throw CorridorError.invalid("\(error.message)", rule: .json, at: SourcePosition(file: file, line: error.line, column: error.column))
    }
    let top = JSONCursor(root: root, file: file)
    guard case .object = root.value else { throw top.error("expected an object with locations, corridors, routes, …") }
    let context = ReferenceContext(db: self, file: file)
    return try StoreFeature.all.flatMap(\.referenceSections).map { section in
      (section.key, try section.parse(try top.optional(section.key)?.elements() ?? [], context))
    }
  }

  func load(_ sections: [(key: String, write: ReferenceWrite)], operator op: String) throws -> ReferenceLoadSummary {
    var summary = ReferenceLoadSummary()
    for section in sections { try section.write(self, op, &summary[section.key]) }
    return summary
  }
}
