import CorridorInterchange
import CorridorModel
import SQLite

/// The containers' store: registered boxes, their size types and owners' figures.
public struct ContainerStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var containerStore: ContainerStore { ContainerStore(db: self) }
}

extension ContainerStore {
  /// Registers a container. Registering the same number again with the same details is a no-op
  /// (returns false); with different details it is refused, since a box's size never changes.
  /// Its owner may be given again and changed (boxes are sold and leased): audited, returns true.
  @discardableResult
  public func addContainer(
    _ number: ContainerNumber, sizeType: SizeType, tareKg: Int? = nil, maxGrossKg: Int? = nil, sizeTypeAsSent: String? = nil,
    owner: ContainerOwnership? = nil, operator op: String
  ) throws -> Bool {
    if let tareKg, tareKg <= 0 { throw CorridorError.invalid("tare must be a positive number of kg, got \(tareKg)", rule: .weight) }
    if let maxGrossKg, maxGrossKg <= 0 {
      throw CorridorError.invalid("max gross must be a positive number of kg, got \(maxGrossKg)", rule: .weight)
    }
    if let tareKg, let maxGrossKg, tareKg >= maxGrossKg {
      throw CorridorError.invalid("tare \(tareKg) kg is not below max gross \(maxGrossKg) kg", rule: .weight)
    }
    return try mapSQLiteErrors {
      try connection.transaction {
        if let existing = try container(number) {
          if existing.sizeType == sizeType && existing.tareKg == tareKg && existing.maxGrossKg == maxGrossKg {
            guard let owner, owner != existing.owner else { return false }
            try connection.execute("UPDATE containers SET owner = ? WHERE number = ?", [.text(owner.rawValue), .text(number.text)])
            try db.auditTrail.audit(action: "update", entity: "container", key: number.text, operator: op)
            return true
          }
          throw CorridorError.invalid(
            "container \(number) is already registered as \(existing.sizeType.code)"
              + " (tare \(existing.tareKg.map(String.init) ?? "-"), max gross \(existing.maxGrossKg.map(String.init) ?? "-"))",
            rule: .containerExists)
        }
        try connection.execute(
          "INSERT INTO containers(number, size_type, tare_kg, max_gross_kg, created_at, operator, size_type_as_sent, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          [
            .text(number.text), .text(sizeType.code), SQLValue(tareKg), SQLValue(maxGrossKg), .text(clock.nowUTC()), .text(op),
            SQLValue(sizeTypeAsSent), SQLValue(owner?.rawValue),
          ])
        try db.auditTrail.audit(action: "insert", entity: "container", key: number.text, operator: op)
        return true
      }
    }
  }

  public func container(_ number: ContainerNumber) throws -> Container? {
    try containers(number: number).first
  }

  /// Whether the container is registered: one index probe, for the import's many boxes.
  func isRegistered(_ number: ContainerNumber) throws -> Bool {
    try mapSQLiteErrors {
      try connection.fetchOne("SELECT 1 FROM containers WHERE number = ?", [.text(number.text)]) != nil
    }
  }

  /// The container, or an invalid-data error with a hint to register it.
  public func requireContainer(_ number: ContainerNumber) throws -> Container {
    guard let container = try container(number) else { throw CorridorError.unknownContainer(number) }
    return container
  }

  public func containers(number: ContainerNumber? = nil) throws -> [Container] {
    try containers(number: number, after: nil, limit: nil)
  }

  /// A page of containers in number order: at most `limit` after the one numbered `after`.
  public func containers(after: ContainerNumber?, limit: Int?) throws -> [Container] {
    try containers(number: nil, after: after, limit: limit)
  }

  private func containers(number: ContainerNumber?, after: ContainerNumber?, limit: Int?) throws -> [Container] {
    try mapSQLiteErrors {
      var conditions = Conditions()
      conditions.add("number = ?", SQLValue(number?.text))
      conditions.add("number > ?", SQLValue(after?.text))
      return try connection.rows(
        """
        SELECT number, size_type, tare_kg, max_gross_kg, created_at, operator, size_type_as_sent, owner FROM containers \(conditions.sql)
        ORDER BY number
        \(limit.map { "LIMIT \(max(0, $0))" } ?? "")
        """,
        conditions.arguments
      ).map { row throws(RowDecodingError) in
        Container(
          number: try row.container("number"), sizeType: try row.parsed("size_type", "ISO 6346 size-type code") { try? SizeType(parsing: $0) },
          tareKg: try row.optionalInt("tare_kg", in: 1...Int(Int32.max)), maxGrossKg: try row.optionalInt("max_gross_kg", in: 1...Int(Int32.max)),
          createdAt: try row.text("created_at"), createdBy: try row.text("operator"), sizeTypeAsSent: try row.optionalText("size_type_as_sent"),
          owner: try row.optionalCode("owner"))
      }
    }
  }
}

extension StoreFeature {
  /// What the containers feature audits.
  static let containers = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "container",
        select: """
          SELECT number AS key, number, size_type AS "sizeType", tare_kg AS "tareKg", max_gross_kg AS "maxGrossKg", created_at AS "createdAt", operator,
            size_type_as_sent AS "sizeTypeAsSent", owner
          FROM containers
          """, keyExpression: "number")
    ])
}
