import CorridorInterchange
import CorridorModel
import Foundation
import SQLite

// MARK: - Parsing

extension ReferenceData {
  /// Parses and validates a reference file against itself and against what `db` already holds
  /// (a route may use a location loaded earlier). Every error names the file, line, column and
  /// JSON path. Nothing is written.
  public static func parse(_ bytes: [UInt8], file: String, against db: CorridorDatabase) throws -> ReferenceData {
    let root: JSONNode
    do {
      root = try JSONParser.parse(bytes)
    } catch {
      throw CorridorError.invalid("\(error.message)", rule: .json, at: SourcePosition(file: file, line: error.line, column: error.column))
    }
    let top = JSONCursor(root: root, file: file)
    guard case .object = root.value else { throw top.error("expected an object with locations, corridors, routes, …") }
    var data = ReferenceData()
    var locationCodes: Set<String> = []
    var aliasTargets: [String: String] = [:]

    for item in try top.optional("locations")?.elements() ?? [] {
      let location = try parseLocation(item)
      guard locationCodes.insert(location.code.text).inserted else {
        throw try item.required("code").error("duplicate location code \(location.code.text)")
      }
      data.locations.append(location)
    }
    func aliasOwner(_ alias: String) throws -> String? {
      try db.connection.scalarText("SELECT code FROM location_aliases WHERE alias = ?", [.text(alias)])
    }
    for (item, location) in zip(try top.optional("locations")?.elements() ?? [], data.locations) {
      // An alias shadows a real code silently (lookups try aliases first), so a location may
      // not take a code that is another location's alias.
      if let owner = try aliasOwner(location.code.text), owner != location.code.text {
        throw try item.required("code").error("\(location.code.text) is an alias of \(owner); a location cannot have an alias's code")
      }
      for (index, alias) in location.aliases.enumerated() {
        let at = try item.required("aliases").elements()[index]
        let isLocationInDatabase = try db.connection.scalarInt("SELECT count(*) FROM locations WHERE code = ?", [.text(alias)]) == 1
        let owner = try aliasOwner(alias)
        // A database where an older UN/LOCODE import added a place under an alias's code
        // keeps loading: the alias already points here and still wins every lookup.
        if locationCodes.contains(alias) || (isLocationInDatabase && owner != location.code.text) {
          throw at.error("alias \(alias) is itself a location code")
        }
        // Taking an alias from another location changes that location too: only when this
        // file lists it without the alias, so that both changes are audited.
        if let owner, owner != location.code.text,
          data.locations.first(where: { $0.code.text == owner }).map({ $0.aliases.contains(alias) }) ?? true
        {
          throw at.error(
            "alias \(alias) belongs to \(owner); to move it, list \(owner) in this file without it", rule: .aliasTaken)
        }
        if let other = aliasTargets[alias], other != location.code.text {
          throw at.error("alias \(alias) is already given to \(other)")
        }
        aliasTargets[alias] = location.code.text
      }
    }

    var corridorCodes: Set<String> = []
    for item in try top.optional("corridors")?.elements() ?? [] {
      let code = try item.required("code").string()
      guard !code.isEmpty else { throw try item.required("code").error("empty corridor code") }
      guard corridorCodes.insert(code).inserted else { throw try item.required("code").error("duplicate corridor code \(code)") }
      let name = try item.required("name").string()
      guard !name.trimmingSpaces.isEmpty else { throw try item.required("name").error("empty corridor name") }
      data.corridors.append(CorridorInfo(code: code, name: name, source: try item.optional("source")?.string()))
    }

    /// A leg endpoint: a location in this file, or one (or an alias) already in the database.
    func resolve(_ cursor: JSONCursor) throws -> LocationCode {
      let text = try cursor.string()
      if locationCodes.contains(text) { return LocationCode(trusted: text) }
      if let target = aliasTargets[text] { return LocationCode(trusted: target) }
      if LocationCode.isWellFormed(text), let known = try db.location(text) { return known.code }
      throw cursor.error("unknown location \(text)")
    }

    var routeCodes: Set<String> = []
    for item in try top.optional("routes")?.elements() ?? [] {
      let codeCursor = try item.required("code")
      let code = try codeCursor.string()
      guard !code.isEmpty else { throw codeCursor.error("empty route code") }
      guard routeCodes.insert(code).inserted else { throw codeCursor.error("duplicate route code \(code)") }
      let corridorCursor = try item.required("corridor")
      let corridor = try corridorCursor.string()
      if !corridorCodes.contains(corridor), try db.corridor(corridor) == nil {
        throw corridorCursor.error("unknown corridor \(corridor)")
      }
      let legItems = try item.required("legs").elements()
      guard !legItems.isEmpty else { throw try item.required("legs").error("a route needs at least one leg") }
      var legs: [Leg] = []
      for legItem in legItems {
        let leg = try parseLeg(legItem, resolve: resolve)
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
      data.routes.append(
        Route(
          code: code, corridor: corridor, name: name, legs: legs,
          source: try item.optional("source")?.string()))
    }
    // Tariffs and policies may refer to routes and corridors in this file or already loaded.
    let known = try db.routes()
    var routeLegCounts = Dictionary(known.map { ($0.code, $0.legs.count) }, uniquingKeysWith: { a, _ in a })
    var routeCorridors = Dictionary(known.map { ($0.code, $0.corridor) }, uniquingKeysWith: { a, _ in a })
    for route in data.routes {
      routeLegCounts[route.code] = route.legs.count
      routeCorridors[route.code] = route.corridor
    }
    let knownCorridors = corridorCodes.union(try db.corridors().map(\.code))
    let tariffItems = try top.optional("tariffs")?.elements() ?? []
    for item in tariffItems {
      let tariff = try Tariff.parse(item, routeLegCounts: routeLegCounts)
      if let clash = data.tariffs.first(where: { $0.overlaps(tariff) }) {
        throw item.error("tariff \(tariff.describe) overlaps \(clash.describe) earlier in the file", rule: .tariffOverlap)
      }
      data.tariffs.append(tariff)
    }
    var policyNames: Set<String> = []
    for item in try top.optional("policies")?.elements() ?? [] {
      let policy = try Policy.parse(item, corridors: knownCorridors, routeCorridors: routeCorridors, resolve: resolve)
      guard policyNames.insert(policy.name).inserted else { throw try item.required("name").error("duplicate policy \(policy.name)") }
      data.policies.append(policy)
    }
    var rateKeys: Set<String> = []
    for item in try top.optional("fxRates")?.elements() ?? [] {
      let rate = try FXRate.parse(item)
      guard rateKeys.insert("\(rate.date) \(rate.base) \(rate.quote)").inserted else {
        throw item.error("duplicate rate for \(rate.base)/\(rate.quote) on \(rate.date)")
      }
      data.fxRates.append(rate)
    }
    // A region is a country (the leg's destination country) or a corridor, of this file or loaded.
    func isRegion(_ text: String) -> Bool {
      knownCorridors.contains(text) || (text.utf8.count == 2 && text.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A })
    }
    for item in try top.optional("emissionFactors")?.elements() ?? [] {
      let factor = try EmissionFactor.parse(item, isRegion: isRegion)
      if let clash = data.emissionFactors.first(where: { $0.overlaps(factor) }) {
        throw item.error("emission factor \(factor.describe) overlaps \(clash.describe) earlier in the file", rule: .validity)
      }
      data.emissionFactors.append(factor)
    }
    var hubKinds: Set<HubKind> = []
    for item in try top.optional("hubFactors")?.elements() ?? [] {
      let factor = try HubFactor.parse(item)
      guard hubKinds.insert(factor.kind).inserted else { throw try item.required("kind").error("duplicate hub factor \(factor.kind.rawValue)") }
      data.hubFactors.append(factor)
    }
    var statusKeys: Set<SenderStatusCode.Key> = []
    for item in try top.optional("statusCodes")?.elements() ?? [] {
      let mapping = try SenderStatusCode.parse(item)
      guard statusKeys.insert(mapping.key).inserted else { throw item.error("duplicate status code \(mapping.key)") }
      data.statusCodes.append(mapping)
    }
    return data
  }

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
      aliases: Array(Set(aliases)).sorted(), source: try item.optional("source")?.string())
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

// MARK: - Loading

extension CorridorDatabase {
  /// Reads, validates and loads a reference file in one transaction: all of it or none of it.
  public func loadReference(file path: String, operator op: String) throws -> ReferenceLoadSummary {
    try loadReference(bytes: try InputFile.contents(path), file: path, operator: op)
  }

  public func loadReference(bytes: [UInt8], file: String, operator op: String) throws -> ReferenceLoadSummary {
    try mapSQLiteErrors {
      try connection.transaction {
        let data = try ReferenceData.parse(bytes, file: file, against: self)
        return try apply(data, file: file, operator: op)
      }
    }
  }

  /// The reference set shipped inside the binary (fixtures/reference/*.json), in file order.
  public func loadShippedReference(operator op: String) throws -> ReferenceLoadSummary {
    try mapSQLiteErrors {
      try connection.transaction {
        var summary = ReferenceLoadSummary()
        for file in EmbeddedReference.files {
          let data = try ReferenceData.parse(Array(file.text.utf8), file: "fixtures/reference/\(file.name)", against: self)
          summary = summary + (try apply(data, file: "fixtures/reference/\(file.name)", operator: op))
        }
        return summary
      }
    }
  }

  func apply(_ data: ReferenceData, file: String, operator op: String) throws -> ReferenceLoadSummary {
    var summary = ReferenceLoadSummary()
    for location in data.locations { try upsert(location, operator: op, counts: &summary.locations) }
    for corridor in data.corridors { try upsert(corridor, operator: op, counts: &summary.corridors) }
    for route in data.routes { try upsert(route, operator: op, counts: &summary.routes) }
    for (index, tariff) in data.tariffs.enumerated() {
      do {
        try upsert(tariff, operator: op, counts: &summary.tariffs)
      } catch let error as CorridorError where error.rule == .tariffOverlap {
        throw CorridorError.invalid("\(file): $.tariffs[\(index)]: \(error.message)", rule: .tariffOverlap, hint: error.hint)
      }
    }
    for policy in data.policies { try upsert(policy, operator: op, counts: &summary.policies) }
    for rate in data.fxRates { try upsert(rate, operator: op, counts: &summary.fxRates) }
    for factor in data.emissionFactors { try upsert(factor, operator: op, counts: &summary.emissionFactors) }
    for factor in data.hubFactors { try upsert(factor, operator: op, counts: &summary.hubFactors) }
    for mapping in data.statusCodes { try upsert(mapping, operator: op, counts: &summary.statusCodes) }
    return summary
  }

  func upsert(_ location: Location, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try self.location(location.code.text)
    if let existing, existing.code == location.code, existing == location {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO locations(code, name, country, kind, time_zone, latitude, longitude, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(code) DO UPDATE SET name = excluded.name, country = excluded.country, kind = excluded.kind,
        time_zone = excluded.time_zone, latitude = excluded.latitude, longitude = excluded.longitude, source = excluded.source
      """,
      [
        .text(location.code.text), .text(location.name), .text(location.country), .text(location.kind.rawValue),
        .text(location.timeZone), location.latitude.map { .real($0) } ?? .null, location.longitude.map { .real($0) } ?? .null,
        SQLValue(location.source),
      ])
    try connection.execute("DELETE FROM location_aliases WHERE code = ?", [.text(location.code.text)])
    for alias in location.aliases {
      try connection.execute(
        "INSERT INTO location_aliases(alias, code) VALUES (?, ?) ON CONFLICT(alias) DO UPDATE SET code = excluded.code",
        [.text(alias), .text(location.code.text)])
    }
    if existing == nil || existing?.code != location.code { counts.inserted += 1 } else { counts.updated += 1 }
    try audit(action: existing == nil ? "insert" : "update", entity: "location", key: location.code.text, operator: op)
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
    try audit(action: existing == nil ? "insert" : "update", entity: "corridor", key: corridor.code, operator: op)
  }

  func upsert(_ route: Route, operator op: String, counts: inout ReferenceLoadSummary.Counts) throws {
    let existing = try self.route(route.code)
    if existing == route {
      counts.unchanged += 1
      return
    }
    try connection.execute(
      """
      INSERT INTO routes(code, corridor, name, source) VALUES (?, ?, ?, ?)
      ON CONFLICT(code) DO UPDATE SET corridor = excluded.corridor, name = excluded.name, source = excluded.source
      """, [.text(route.code), .text(route.corridor), .text(route.name), SQLValue(route.source)])
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
    try audit(action: existing == nil ? "insert" : "update", entity: "route", key: route.code, operator: op)
  }
}
