import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import SQLite
import Testing

/// The parsers and the schema refuse the same values: a row the import's validation pass
/// accepts is never refused by a CHECK in the write pass, and the sqlite3 shell cannot store a
/// value the code cannot add up.
@Suite struct SchemaBoundsTests {
  func tableSQL(_ db: CorridorDatabase, _ table: String) throws -> String {
    try #require(try db.connection.scalarText("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(table)]))
  }

  @Test(.sqliteOnly) func everyCheckStatesTheParsersBound() throws {
    let db = try freshDatabase()
    let events = try tableSQL(db, "events")
    let ms = EventTime.storableMilliseconds
    #expect(events.contains("at_ms INTEGER NOT NULL CHECK (at_ms BETWEEN \(ms.lowerBound) AND \(ms.upperBound))"))
    let offsets = EventTime.storableOffsetMinutes
    #expect(events.contains("at_offset_minutes BETWEEN \(offsets.lowerBound) AND \(offsets.upperBound)"))
    let legs = try tableSQL(db, "legs")
    #expect(legs.contains("distance_km BETWEEN 0 AND \(Leg.maxDistanceKm)"))
    #expect(legs.contains("transit_hours BETWEEN 0 AND \(Leg.maxTransitHours)"))
    #expect(legs.contains("seq BETWEEN 1 AND \(Route.maxLegs)"))
    #expect(try tableSQL(db, "tariffs").contains("amount_minor BETWEEN 0 AND \(Money.maxMinorUnits)"))
    #expect(try tableSQL(db, "shipments").contains("value_minor BETWEEN 0 AND \(Money.maxMinorUnits)"))
  }

  @Test func timestampsAtTheBoundsParseAndBeyondThemDoNot() throws {
    let last = try EventTime(parsing: "9999-12-31T23:59:59.999Z")
    #expect(last.milliseconds == EventTime.storableMilliseconds.upperBound)
    let first = try EventTime(parsing: "0000-01-01T00:00:00Z")
    #expect(first.milliseconds == EventTime.storableMilliseconds.lowerBound)
    #expect(throws: CorridorError.self) { try EventTime(parsing: "0000-01-01T00:00:00+00:01") }
    #expect(throws: CorridorError.self) { try EventTime(parsing: "9999-12-31T23:59:59.999-00:01") }
    #expect(try EventTime(parsing: "2024-01-01T00:00:00+18:00").offsetMinutes == 1080)
    #expect(try EventTime(parsing: "2024-01-01T00:00:00-18:00").offsetMinutes == -1080)
    #expect(throws: CorridorError.self) { try EventTime(parsing: "2024-01-01T00:00:00+18:01") }
    #expect(throws: CorridorError.self) { try EventTime(parsing: "2024-01-01T00:00:00-18:30") }
  }

  @Test func theSchemaRefusesWhatTheParserRefuses() throws {
    let db = try shippedLedger(operator: "t")
    let insert = """
      INSERT INTO events(id, container, code, classifier, at_ms, at_offset_minutes, location, recorded_at, operator)
      VALUES (?, 'CSQU3054383', 'GTIN', 'ACT', ?, ?, 'CNCQI', 'now', 't')
      """
    try db.connection.execute("INSERT INTO containers(number, size_type, created_at, operator) VALUES ('CSQU3054383', '42G1', 'now', 't')")
    let ms = EventTime.storableMilliseconds
    let offsets = EventTime.storableOffsetMinutes
    try db.connection.execute(insert, ["a", .integer(ms.upperBound), .integer(Int64(offsets.upperBound))])
    try db.connection.execute(insert, ["b", .integer(ms.lowerBound), .integer(Int64(offsets.lowerBound))])
    for (id, at, offset) in [("c", ms.upperBound + 1, 0), ("d", ms.lowerBound - 1, 0), ("e", 0, offsets.upperBound + 1)] {
      // SQLite's CHECK or PostgreSQL's (SQLSTATE 23514): the store's own error types.
      #expect(throws: (any Error).self) { try db.connection.execute(insert, [.text(id), .integer(at), .integer(Int64(offset))]) }
    }
  }
}
