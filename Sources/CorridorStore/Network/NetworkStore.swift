import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

/// The network's store: locations and their aliases, corridors, routes and their legs.
public struct NetworkStore: DatabaseStore {
  package let db: CorridorDatabase
}

extension CorridorDatabase {
  public var networkStore: NetworkStore { NetworkStore(db: self) }
}

/// Reading the network from the database.
extension NetworkStore {
  static let locationColumns = "code, name, kind, time_zone, latitude, longitude, source, name_zh"

  private func location(from row: Row, aliases: [String]) throws(RowDecodingError) -> Location {
    Location(
      code: try row.location("code"), name: try row.text("name"), kind: try row.code("kind"),
      timeZone: try row.parsed("time_zone", "IANA time zone") { TimeZone(identifier: $0) == nil ? nil : $0 },
      latitude: try row.optionalDouble("latitude"), longitude: try row.optionalDouble("longitude"), aliases: aliases,
      source: try row.optionalText("source"), nameZh: try row.optionalText("name_zh"))
  }

  /// The location with this code or alias, or nil.
  public func location(_ code: String) throws -> Location? {
    try mapSQLiteErrors {
      let canonical = try connection.scalarText("SELECT code FROM location_aliases WHERE alias = ?", [.text(code)]) ?? code
      guard let row = try connection.row("SELECT \(Self.locationColumns) FROM locations WHERE code = ?", [.text(canonical)])
      else { return nil }
      let aliases = try connection.rows("SELECT alias FROM location_aliases WHERE code = ? ORDER BY alias", [.text(canonical)])
        .map { try $0.text("alias") }
      return try location(from: row, aliases: aliases)
    }
  }

  /// Parses operator input and resolves aliases to the canonical code of a known location.
  public func resolveLocation(_ input: String) throws -> LocationCode {
    let code = try LocationCode(parsing: input)
    guard let location = try location(code.text) else { throw CorridorError.unknownLocation(code.text) }
    return location.code
  }

  public func locations(country: String? = nil) throws -> [Location] {
    try mapSQLiteErrors {
      var aliases: [String: [String]] = [:]
      for row in try connection.rows("SELECT code, alias FROM location_aliases ORDER BY alias") {
        aliases[try row.text("code"), default: []].append(try row.text("alias"))
      }
      return try connection.rows(
        "SELECT \(Self.locationColumns) FROM locations WHERE CAST(?1 AS TEXT) IS NULL OR country = ?1 ORDER BY code", [SQLValue(country)]
      )
      .map { row throws(RowDecodingError) in try location(from: row, aliases: aliases[try row.text("code")] ?? []) }
    }
  }

  public func corridors() throws -> [CorridorInfo] {
    try mapSQLiteErrors {
      try connection.rows("SELECT code, name, source FROM corridors ORDER BY code").map { row throws(RowDecodingError) in
        CorridorInfo(code: try row.text("code"), name: try row.text("name"), source: try row.optionalText("source"))
      }
    }
  }

  public func corridor(_ code: String) throws -> CorridorInfo? {
    try corridors().first { $0.code == code }
  }

  public func route(_ code: String) throws -> Route? {
    try mapSQLiteErrors {
      guard let row = try connection.row("SELECT code, corridor, name, source, name_zh FROM routes WHERE code = ?", [.text(code)]) else {
        return nil
      }
      let legs = try connection.rows(
        """
        SELECT from_location, to_location, mode, distance_km, transit_hours, border_crossing, border_countries,
               gauge_change, transshipment, source, traction
        FROM legs WHERE route = ? ORDER BY seq
        """, [.text(code)]
      ).map { row throws(RowDecodingError) in
        Leg(
          from: try row.location("from_location"), to: try row.location("to_location"), mode: try row.code("mode"),
          distanceKm: try row.int("distance_km", in: 0...Leg.maxDistanceKm),
          transitHours: try row.int("transit_hours", in: 0...Leg.maxTransitHours), borderCrossing: try row.bool("border_crossing"),
          borderCountries: try row.optionalText("border_countries"), gaugeChange: try row.bool("gauge_change"),
          transshipment: try row.bool("transshipment"), source: try row.optionalText("source"), traction: try row.optionalCode("traction"))
      }
      return Route(
        code: try row.text("code"), corridor: try row.text("corridor"), name: try row.text("name"), legs: legs,
        source: try row.optionalText("source"), nameZh: try row.optionalText("name_zh"))
    }
  }

  public func requireCorridor(_ code: String) throws -> CorridorInfo {
    guard let corridor = try corridor(code) else {
      throw CorridorError.invalid("unknown corridor \(code)", rule: .unknownCorridor, hint: "list them with `corridor network corridors`")
    }
    return corridor
  }

  /// Refuses filters that name nothing: an unknown `--corridor`, `--route`, `--shipment` or
  /// `--container` answered with an empty list and exit 0, which reads as "nothing there".
  public func requireFilters(
    corridor: String? = nil, route: String? = nil, shipment: String? = nil, container: ContainerNumber? = nil
  ) throws {
    if let corridor { _ = try requireCorridor(corridor) }
    if let route { _ = try requireRoute(route) }
    if let shipment { _ = try db.shipmentStore.requireShipment(shipment) }
    if let container { _ = try db.containerStore.requireContainer(container) }
  }

  /// The codes of the routes of `direction` (a shipment filter's `routes`); nil for any.
  public func routeCodes(_ direction: RouteDirection?) throws -> [String]? {
    guard let direction else { return nil }
    return try routes().filter { $0.direction == direction }.map(\.code)
  }

  /// The route, or an invalid-data error naming it.
  public func requireRoute(_ code: String) throws -> Route {
    guard let route = try route(code) else {
      throw CorridorError.invalid("unknown route \(code)", rule: .unknownRoute, hint: "list routes with `corridor network routes`")
    }
    return route
  }

  public func routes(corridor: String? = nil) throws -> [Route] {
    try mapSQLiteErrors {
      // A route listed here exists: a nil from `route` would be a row deleted in between.
      try connection.rows("SELECT code FROM routes WHERE CAST(?1 AS TEXT) IS NULL OR corridor = ?1 ORDER BY corridor, code", [SQLValue(corridor)])
        .compactMap { try route(try $0.text("code")) }
    }
  }
}

extension StoreFeature {
  /// What the places, corridors and routes feature audits.
  static let network = StoreFeature(
    auditedEntities: [
      AuditedEntity(
        name: "location",
        select: """
          SELECT l.code AS key, l.code, l.name, l.country, l.kind, l.time_zone AS "timeZone", l.latitude, l.longitude, l.source,
            l.name_zh AS "nameZh"
          FROM locations l
          """, keyExpression: "l.code",
        lists: [AuditedList(name: "aliases", query: "SELECT alias FROM location_aliases WHERE code = ? ORDER BY alias", itemIsArray: false)]),
      AuditedEntity(name: "corridor", select: "SELECT code AS key, code, name, source FROM corridors", keyExpression: "code"),
      AuditedEntity(
        name: "route", select: "SELECT r.code AS key, r.code, r.corridor, r.name, r.source, r.name_zh AS \"nameZh\" FROM routes r",
        keyExpression: "r.code",
        lists: [
          // A leg without a traction renders as before migration 0008 added the column (its
          // last element left out), so the states recorded earlier still verify.
          AuditedList(
            name: "legs",
            query: """
              SELECT seq, from_location, to_location, mode, distance_km, transit_hours, border_crossing, border_countries, gauge_change,
                transshipment, source, traction
              FROM legs WHERE route = ? ORDER BY seq
              """, itemIsArray: true, lastElementOmittedWhenNull: true)
        ]),
    ],
    referenceSections: [.locations, .corridors, .routes])
}
