import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

// MARK: - The network's sections

extension ReferenceSection {
  /// `locations`: UN/LOCODE places with their aliases. An alias shadows a real code silently
  /// (lookups try aliases first), so the checks keep codes and aliases apart, here and against
  /// the database.
  static let locations = ReferenceSection(key: "locations") { items, context in
    let db = context.db
    var locations: [Location] = []
    for item in items {
      let location = try NetworkStore.parseLocation(item)
      guard context.locationCodes.insert(location.code.text).inserted else {
        throw try item.required("code").error("duplicate location code \(location.code.text)")
      }
      locations.append(location)
    }
    func aliasOwner(_ alias: String) throws -> String? {
      try db.connection.scalarText("SELECT code FROM location_aliases WHERE alias = ?", [.text(alias)])
    }
    for (item, location) in zip(items, locations) {
      // A location may not take a code that is another location's alias.
      if let owner = try aliasOwner(location.code.text), owner != location.code.text {
        throw try item.required("code").error("\(location.code.text) is an alias of \(owner); a location cannot have an alias's code")
      }
      for (index, alias) in location.aliases.enumerated() {
        let at = try item.required("aliases").elements()[index]
        let isLocationInDatabase = try db.connection.scalarInt("SELECT count(*) FROM locations WHERE code = ?", [.text(alias)]) == 1
        let owner = try aliasOwner(alias)
        // A database where an older UN/LOCODE import added a place under an alias's code
        // keeps loading: the alias already points here and still wins every lookup.
        if context.locationCodes.contains(alias) || (isLocationInDatabase && owner != location.code.text) {
          throw at.error("alias \(alias) is itself a location code")
        }
        // Taking an alias from another location changes that location too: only when this
        // file lists it without the alias, so that both changes are audited.
        if let owner, owner != location.code.text,
          locations.first(where: { $0.code.text == owner }).map({ $0.aliases.contains(alias) }) ?? true
        {
          throw at.error(
            "alias \(alias) belongs to \(owner); to move it, list \(owner) in this file without it", rule: .aliasTaken)
        }
        if let other = context.aliasTargets[alias], other != location.code.text {
          throw at.error("alias \(alias) is already given to \(other)")
        }
        context.aliasTargets[alias] = location.code.text
      }
    }
    return { db, op, counts in
      for location in locations { try db.networkStore.upsert(location, operator: op, counts: &counts) }
    }
  }

  /// `corridors`: codes and names.
  static let corridors = ReferenceSection(key: "corridors") { items, context in
    var corridors: [CorridorInfo] = []
    for item in items {
      let code = try item.required("code").string()
      guard !code.isEmpty else { throw try item.required("code").error("empty corridor code") }
      guard context.corridorCodes.insert(code).inserted else { throw try item.required("code").error("duplicate corridor code \(code)") }
      let name = try item.required("name").string()
      guard !name.trimmingSpaces.isEmpty else { throw try item.required("name").error("empty corridor name") }
      corridors.append(CorridorInfo(code: code, name: name, source: try item.optional("source")?.string()))
    }
    return { db, op, counts in
      for corridor in corridors { try db.networkStore.upsert(corridor, operator: op, counts: &counts) }
    }
  }

  /// `routes`: contiguous legs between known places, on a known corridor, without cycles.
  static let routes = ReferenceSection(key: "routes") { items, context in
    var routeCodes: Set<String> = []
    for item in items {
      let codeCursor = try item.required("code")
      let code = try codeCursor.string()
      guard !code.isEmpty else { throw codeCursor.error("empty route code") }
      guard routeCodes.insert(code).inserted else { throw codeCursor.error("duplicate route code \(code)") }
      let corridorCursor = try item.required("corridor")
      let corridor = try corridorCursor.string()
      if !context.corridorCodes.contains(corridor), try context.db.networkStore.corridor(corridor) == nil {
        throw corridorCursor.error("unknown corridor \(corridor)")
      }
      let legItems = try item.required("legs").elements()
      guard !legItems.isEmpty else { throw try item.required("legs").error("a route needs at least one leg") }
      var legs: [Leg] = []
      for legItem in legItems {
        let leg = try NetworkStore.parseLeg(legItem, resolve: context.resolve)
        if let previous = legs.last, previous.to != leg.from {
          throw try legItem.required("from").error(
            "legs are not contiguous: this leg starts at \(leg.from) but the previous one ends at \(previous.to)")
        }
        legs.append(leg)
      }
      // A route is a path: a node visited twice is a typo that would make progress and ETAs
      // meaningless. The totals are bounded like a leg (ETAs add hours to instants).
      var seen: [LocationCode: Int] = [:]
      for (index, node) in ([legs[0].from] + legs.map(\.to)).enumerated() {
        if let first = seen[node] {
          throw try item.required("legs").error(
            "route \(code) visits \(node) twice (node \(first + 1) and node \(index + 1)); a route cannot have a cycle", rule: .routeCycle)
        }
        seen[node] = index
      }
      let totalKm = legs.reduce(0) { $0 + $1.distanceKm }
      let totalHours = legs.reduce(0) { $0 + $1.transitHours }
      guard legs.count <= Route.maxLegs, totalKm <= Leg.maxDistanceKm, totalHours <= Leg.maxTransitHours else {
        throw try item.required("legs").error(
          "route \(code) has \(legs.count) legs, \(totalKm) km and \(totalHours) h; at most \(Route.maxLegs) legs, \(Leg.maxDistanceKm) km and \(Leg.maxTransitHours) h in all",
          rule: .routeBounds)
      }
      let name = try item.required("name").string()
      guard !name.trimmingSpaces.isEmpty else { throw try item.required("name").error("empty route name") }
      let route = Route(
        code: code, corridor: corridor, name: name, legs: legs, source: try item.optional("source")?.string(), nameZh: try item.nameZh())
      // A declared direction is checked against the ends, not stored: the ends decide.
      if let cursor = item.optional("direction"), let derived = route.direction {
        let declared = try cursor.code("direction", as: RouteDirection.self)
        guard declared == derived else {
          throw cursor.error(
            "route \(code) is declared \(declared.rawValue) but runs from \(legs[0].from) (\(legs[0].from.country)) to \(legs[legs.count - 1].to) "
              + "(\(legs[legs.count - 1].to.country)): \(derived.rawValue)", rule: .routeDirection)
        }
      }
      context.routes.append(route)
    }
    let routes = context.routes
    return { db, op, counts in
      for route in routes { try db.networkStore.upsert(route, operator: op, counts: &counts) }
    }
  }
}

extension NetworkStore {
  static func parseLocation(_ item: JSONCursor) throws -> Location {
    let codeCursor = try item.required("code")
    let codeText = try codeCursor.string()
    guard LocationCode.isWellFormed(codeText) else {
      throw codeCursor.error("invalid UN/LOCODE \(codeText.debugDescription): 2 country letters + 3 letters or digits 2-9")
    }
    let code = LocationCode(trusted: codeText)
    let name = try item.required("name").string()
    guard !name.trimmingSpaces.isEmpty else { throw try item.required("name").error("empty name") }
    let country = try item.required("country").string()
    guard country == code.country else {
      throw try item.required("country").error("country \(country) does not match the code's country \(code.country)")
    }
    let kind: LocationKind = try item.required("kind").code("kind")
    let zoneCursor = try item.required("timeZone")
    let zone = try zoneCursor.string()
    guard TimeZone(identifier: zone) != nil else { throw zoneCursor.error("unknown IANA time zone \(zone)") }
    var latitude: Double?
    var longitude: Double?
    if let cursor = item.optional("latitude") {
      latitude = try cursor.double()
      guard (-90.0...90.0).contains(latitude ?? 0) else { throw cursor.error("latitude out of range -90…90") }
    }
    if let cursor = item.optional("longitude") {
      longitude = try cursor.double()
      guard (-180.0...180.0).contains(longitude ?? 0) else { throw cursor.error("longitude out of range -180…180") }
    }
    var aliases: [String] = []
    for aliasCursor in try item.optional("aliases")?.elements() ?? [] {
      let alias = try aliasCursor.string()
      guard LocationCode.isWellFormed(alias) else { throw aliasCursor.error("alias \(alias.debugDescription) is not a UN/LOCODE") }
      guard alias != codeText else { throw aliasCursor.error("alias equals the location's own code") }
      aliases.append(alias)
    }
    return Location(
      code: code, name: name, kind: kind, timeZone: zone, latitude: latitude, longitude: longitude,
      aliases: Array(Set(aliases)).sorted(), source: try item.optional("source")?.string(), nameZh: try item.nameZh())
  }

  static func parseLeg(_ item: JSONCursor, resolve: (JSONCursor) throws -> LocationCode) throws -> Leg {
    let from = try resolve(try item.required("from"))
    let to = try resolve(try item.required("to"))
    guard from != to else { throw try item.required("to").error("a leg must end somewhere else than it starts") }
    let mode: TransportMode = try item.required("mode").code("mode")
    let distanceCursor = try item.required("distanceKm")
    let distance = try distanceCursor.int()
    guard distance >= 0 else { throw distanceCursor.error("negative distance \(distance) km") }
    // Bounds keep every sum of legs (and hours × 3,600,000 ms) far from overflow.
    guard distance <= Leg.maxDistanceKm else {
      throw distanceCursor.error("distance \(distance) km is longer than any corridor (at most \(Leg.maxDistanceKm))")
    }
    let hoursCursor = try item.required("transitHours")
    let hours = try hoursCursor.int()
    guard hours >= 0 else { throw hoursCursor.error("negative transit time \(hours) h") }
    guard hours <= Leg.maxTransitHours else {
      throw hoursCursor.error("transit time \(hours) h is more than two years (at most \(Leg.maxTransitHours))")
    }
    let traction: Traction? = try item.optional("traction")?.code("traction")
    let border = try item.optional("borderCrossing")?.bool() ?? false
    var countries = try item.optional("borderCountries")?.string()
    if border, countries == nil, from.country != to.country { countries = "\(from.country)-\(to.country)" }
    return Leg(
      from: from, to: to, mode: mode, distanceKm: distance, transitHours: hours, borderCrossing: border,
      borderCountries: countries, gaugeChange: try item.optional("gaugeChange")?.bool() ?? false,
      transshipment: try item.optional("transshipment")?.bool() ?? false, source: try item.optional("source")?.string(),
      traction: traction)
  }
}

extension NetworkStore {
  func upsert(_ location: Location, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try self.location(location.code.text)
    if let existing, existing.code == location.code, existing == location {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO locations(code, name, country, kind, time_zone, latitude, longitude, source, name_zh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(code) DO UPDATE SET name = excluded.name, country = excluded.country, kind = excluded.kind,
        time_zone = excluded.time_zone, latitude = excluded.latitude, longitude = excluded.longitude, source = excluded.source,
        name_zh = excluded.name_zh
      """,
      [
        .text(location.code.text), .text(location.name), .text(location.country), .text(location.kind.rawValue),
        .text(location.timeZone), location.latitude.map { .real($0) } ?? .null, location.longitude.map { .real($0) } ?? .null,
        SQLValue(location.source), SQLValue(location.nameZh),
      ])
    try connection.execute("DELETE FROM location_aliases WHERE code = ?", [.text(location.code.text)])
    for alias in location.aliases {
      try connection.execute(
        "INSERT INTO location_aliases(alias, code) VALUES (?, ?) ON CONFLICT(alias) DO UPDATE SET code = excluded.code",
        [.text(alias), .text(location.code.text)])
    }
    if existing == nil || existing?.code != location.code { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(action: existing == nil ? "insert" : "update", entity: "location", key: location.code.text, operator: op)
  }

  func upsert(_ corridor: CorridorInfo, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try self.corridor(corridor.code)
    if existing == corridor {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO corridors(code, name, source) VALUES (?, ?, ?)
      ON CONFLICT(code) DO UPDATE SET name = excluded.name, source = excluded.source
      """, [.text(corridor.code), .text(corridor.name), SQLValue(corridor.source)])
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(action: existing == nil ? "insert" : "update", entity: "corridor", key: corridor.code, operator: op)
  }

  func upsert(_ route: Route, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try self.route(route.code)
    if existing == route {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO routes(code, corridor, name, source, name_zh) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(code) DO UPDATE SET corridor = excluded.corridor, name = excluded.name, source = excluded.source,
        name_zh = excluded.name_zh
      """, [.text(route.code), .text(route.corridor), .text(route.name), SQLValue(route.source), SQLValue(route.nameZh)])
    try connection.execute("DELETE FROM legs WHERE route = ?", [.text(route.code)])
    for (index, leg) in route.legs.enumerated() {
      try connection.execute(
        """
        INSERT INTO legs(route, seq, from_location, to_location, mode, distance_km, transit_hours, border_crossing,
                         border_countries, gauge_change, transshipment, source, traction)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          .text(route.code), .integer(Int64(index + 1)), .text(leg.from.text), .text(leg.to.text), .text(leg.mode.rawValue),
          .integer(Int64(leg.distanceKm)), .integer(Int64(leg.transitHours)), SQLValue(leg.borderCrossing),
          SQLValue(leg.borderCountries), SQLValue(leg.gaugeChange), SQLValue(leg.transshipment), SQLValue(leg.source),
          SQLValue(leg.traction?.rawValue),
        ])
    }
    if existing == nil { counts.inserted += 1 } else { counts.updated += 1 }
    try db.auditTrail.audit(action: existing == nil ? "insert" : "update", entity: "route", key: route.code, operator: op)
  }
}
