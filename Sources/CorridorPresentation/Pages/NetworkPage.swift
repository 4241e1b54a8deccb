import CorridorInterchange
import CorridorModel
import Foundation

extension ReportReading {
  /// `report network --format html`: the corridors on a map (Natural Earth's land, coastlines
  /// and borders in an Albers equal-area conic projection, docs/pages.md), each route's legs in
  /// its corridor's colour and its mode's stroke, border crossings and gauge changes marked, the
  /// boxes on each leg and at each node now, and labels that never overlap. Crowded regions (the
  /// Yunnan and Guangxi borders, the Kazakh border) are drawn again in insets at a larger scale.
  /// With `corridor`, that corridor alone, fitted to its places; each corridor keeps its colour.
  public func networkPage(asOf: EventTime, corridor: String? = nil, party: String? = nil, language: PageLanguage = .english) throws
    -> String
  {
    let words = Words(language)
    let routes = try self.routes(corridor: corridor)
    let all = try self.corridors()
    let corridors = all.enumerated().filter { corridor == nil || $0.element.code == corridor }
    let places = Dictionary(try locations(country: nil).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    let positions = try networkPositions(asOf: asOf, corridor: corridor, party: party)
    let title =
      corridor.flatMap { code in all.first { $0.code == code } }.map { words(.networkTitleOne, $0.code, words.corridorName($0)) }
      ?? words(.networkTitle)
    var page = HTMLPage(title: title, subtitle: words(.networkSubtitle, words.time(asOf)) + words.scope(party), language: language)
    let colorOf = Dictionary(all.enumerated().map { ($1.code, Palette.color($0)) }, uniquingKeysWith: { a, _ in a })

    let used = Set(routes.flatMap(\.nodes))
    let located = used.sorted { $0.text < $1.text }.compactMap { code -> NetworkMap.Place? in
      guard let place = places[code], let lat = place.latitude, let lon = place.longitude else { return nil }
      let waiting = routes.reduce(0) { $0 + (positions.atNode[NetworkPositions.key($1.code, code)] ?? 0) }
      return NetworkMap.Place(location: place, latitude: lat, longitude: lon, boxes: waiting, holds: positions.holds[code.text] ?? 0)
    }
    let legs = routes.flatMap { route in
      route.legs.map { leg in
        NetworkMap.Drawn(
          corridor: route.corridor, route: route.code, leg: leg, color: colorOf[route.corridor] ?? "#555",
          boxes: positions.onLeg[NetworkPositions.key(route.code, leg.from)] ?? 0)
      }
    }
    let gaugeNodes = Set(routes.flatMap { $0.legs.filter(\.gaugeChange).map(\.to) })
    let map = NetworkMap(
      places: located, legs: legs, gaugeChanges: gaugeNodes, words: words,
      legend: corridors.map { (Palette.color($0.offset), "\($0.element.code) \(words.corridorName($0.element))") })
    page.addHTML(
      "<section><h2>\(htmlEscape(words(.networkMapHeading)))</h2><div class=\"chart-wrap\">\(map.main())</div>"
        + map.insets() + "<p class=\"note\">\(htmlEscape(words(.networkMapSource)))</p></section>")

    // The table says what the map draws: the same legs and counts.
    let legRows = legs.map { drawn in
      let leg = drawn.leg
      return [
        drawn.corridor, drawn.route, leg.from.text, leg.to.text, words.mode(leg.mode), String(leg.distanceKm), words.marks(of: leg),
        String(drawn.boxes),
      ]
    }
    let nodeRows = located.map { place in
      [
        place.location.code.text, words.place(place.location), words.kind(of: place.location, gaugeChange: gaugeNodes.contains(place.location.code)),
        String(place.boxes), String(place.holds),
      ]
    }
    page.addTable(
      words(.legsHeading), id: "legs",
      headers: [
        words(.colCorridor), words(.colRoute), words(.colFrom), words(.colTo), words(.colMode), words(.colKm), words(.colAtTheEnd),
        words(.colContainersOnLeg),
      ], rows: legRows, empty: words(.noRoutes))
    page.addTable(
      words(.placesHeading), id: "places",
      headers: [words(.colCode), words(.colName), words(.colKind), words(.colContainersHere), words(.colCustomsHolds)], rows: nodeRows,
      empty: words(.noPlaces))
    // When the shipments on these routes arrive: the learned ETA (docs/eta.md), as `track` gives it.
    let shown = Set(routes.map(\.code))
    let arrivalRows = try arrivals(asOf: asOf, party: party).filter { shown.contains($0.route) }.map { arrival in
      [
        arrival.shipment, arrival.route, arrival.container.text, words.cell(arrival.state.rawValue), arrival.nextLocation?.text ?? "",
        arrival.eta?.description ?? "", arrival.window.map { "\($0.from) – \($0.to)" } ?? "", arrival.basis.map(words.etaBasis) ?? "",
      ]
    }
    page.addTable(
      words(.arrivalsHeading), id: "arrivals",
      headers: [
        words(.colShipment), words(.colRoute), words(.colContainer), words(.trackState), words(.trackNext), words(.trackEta),
        words(.trackEtaWindow), words(.trackEtaBasis),
      ], rows: arrivalRows, empty: words(.noArrivals))
    return page.render()
  }
}

/// The drawing of the network page: a main map and its insets, each with land under the routes,
/// markers, and labels placed by `LabelPlacer`.
struct NetworkMap {
  struct Place {
    var location: Location
    var latitude: Double
    var longitude: Double
    var boxes: Int
    var holds: Int
  }
  struct Drawn {
    var corridor: String
    var route: String
    var leg: Leg
    var color: String
    var boxes: Int
  }

  let places: [Place]
  let legs: [Drawn]
  let gaugeChanges: Set<LocationCode>
  let words: Words
  let legend: [(color: String, text: String)]
  /// The projection, centred on all the drawn places, and fitted to the main map's box.
  let projection: AlbersProjection
  let mapBox: PageBox
  let width = 960.0
  let legendHeight: Double
  /// Groups of three or more places closer than `crowded` pixels on the main map (chained): each
  /// is drawn again in an inset, lettered A, B, …
  let insetGroups: [[Place]]
  /// Places nearer each other than this on the main map are a crowd (about four labels' height).
  static let crowded = 48.0

  init(places: [Place], legs: [Drawn], gaugeChanges: Set<LocationCode>, words: Words, legend: [(color: String, text: String)]) {
    self.places = places
    self.legs = legs
    self.gaugeChanges = gaugeChanges
    self.words = words
    self.legend = legend
    legendHeight = 30 + Double(legend.count + 1) * 18
    mapBox = PageBox(x: 50, y: legendHeight + 30, width: width - 100, height: 520)
    let lats = places.map(\.latitude)
    let lons = places.map(\.longitude)
    let projection = AlbersProjection(
      latitudes: (lats.min() ?? 0)...(lats.max() ?? 1), longitudes: (lons.min() ?? 0)...(lons.max() ?? 1))
    let fitted = projection.fitted(
      to: places.map { ($0.latitude, $0.longitude) }, in: (mapBox.x, mapBox.y, mapBox.width, mapBox.height))
    self.projection = fitted
    // Single-linkage groups: a place joins every group it is crowded with.
    let points = places.map { fitted.point(latitude: $0.latitude, longitude: $0.longitude) }
    var group = Array(places.indices)
    func root(_ i: Int) -> Int { group[i] == i ? i : root(group[i]) }
    for i in places.indices {
      for j in places.indices where j > i {
        let (dx, dy) = (points[i].x - points[j].x, points[i].y - points[j].y)
        if (dx * dx + dy * dy).squareRoot() < Self.crowded { group[root(j)] = root(i) }
      }
    }
    let groups = Dictionary(grouping: places.indices) { root($0) }.values.filter { $0.count >= 3 }
    insetGroups = groups.map { $0.map { places[$0] } }.sorted { ($0.map(\.longitude).min() ?? 0) < ($1.map(\.longitude).min() ?? 0) }
  }

  static func letter(_ index: Int) -> String { String(UnicodeScalar(UInt8(65 + index % 26))) }

  /// The main map: legend band, sea, land, borders, legs, markers and labels.
  func main() -> String {
    let height = mapBox.y + mapBox.height + 30
    var svg = [
      "<svg class=\"map\" id=\"network-map\" viewBox=\"0 0 \(px(width)) \(px(height))\" role=\"img\" aria-labelledby=\"network-map-title\">",
      "<title id=\"network-map-title\">\(htmlEscape(words(.networkMapTitle)))</title>",
    ]
    for (row, entry) in legend.enumerated() {
      let y = 20.0 + Double(row) * 18
      svg.append(
        "<line x1=\"12\" y1=\"\(px(y))\" x2=\"36\" y2=\"\(px(y))\" stroke=\"\(entry.color)\" stroke-width=\"3\"/><text class=\"legend-label\" x=\"42\" y=\"\(px(y + 4))\">\(htmlEscape(entry.text))</text>"
      )
    }
    svg.append(
      "<text class=\"legend-label\" x=\"12\" y=\"\(px(20 + Double(legend.count) * 18 + 4))\">\(htmlEscape(words(.networkLegendShapes)))</text>")
    let inInset = Set(insetGroups.flatMap { $0.map(\.location.code) })
    // Each inset's region, outlined and lettered on the main map.
    let outlines = insetGroups.enumerated().map { index, members in
      let points = members.map { projection.point(latitude: $0.latitude, longitude: $0.longitude) }
      let (minX, maxX) = (points.map(\.x).min() ?? 0, points.map(\.x).max() ?? 0)
      let (minY, maxY) = (points.map(\.y).min() ?? 0, points.map(\.y).max() ?? 0)
      return (Self.letter(index), PageBox(x: minX - 14, y: minY - 14, width: maxX - minX + 28, height: maxY - minY + 28))
    }
    svg += frame(
      id: "network-map", projection: projection, box: mapBox, labelled: { !inInset.contains($0) }, countryNames: true, outlines: outlines)
    svg.append("</svg>")
    return svg.joined(separator: "\n")
  }

  /// The insets, side by side under the main map (one above the other on a phone).
  func insets() -> String {
    guard !insetGroups.isEmpty else { return "" }
    var html = ["<div class=\"insets\">"]
    for (index, members) in insetGroups.enumerated() {
      let letter = Self.letter(index)
      let box = PageBox(x: 30, y: 30, width: 400, height: 330)
      let fitted = projection.fitted(to: members.map { ($0.latitude, $0.longitude) }, in: (box.x, box.y, box.width, box.height))
      let names = members.sorted { $0.location.code.text < $1.location.code.text }
      let caption = words(.insetTitle, letter, names.map { words.shortPlace($0.location) }.joined(separator: words(.listSeparator)))
      var svg = [
        "<figure class=\"inset\" id=\"inset-\(letter)\" data-places=\"\(names.map(\.location.code.text).joined(separator: " "))\">",
        "<svg class=\"map\" viewBox=\"0 0 \(px(box.width + 60)) \(px(box.height + 60))\" role=\"img\" aria-labelledby=\"inset-\(letter)-title\">",
        "<title id=\"inset-\(letter)-title\">\(htmlEscape(caption))</title>",
      ]
      svg += frame(id: "inset-\(letter)", projection: fitted, box: box, labelled: { _ in true }, countryNames: true, outlines: [])
      svg.append("</svg><figcaption>\(htmlEscape(caption))</figcaption></figure>")
      html.append(svg.joined(separator: "\n"))
    }
    html.append("</div>")
    return html.joined(separator: "\n")
  }

  /// One drawing in `box`: sea, land and borders clipped to it, the legs, the markers, and the
  /// labels (place names for the places `labelled` says, the boxes on each leg, and country
  /// names where they fit when `countryNames`), and the outlines of the insets' regions, each
  /// with its letter.
  private func frame(
    id: String, projection: AlbersProjection, box: PageBox, labelled: (LocationCode) -> Bool, countryNames: Bool,
    outlines: [(letter: String, box: PageBox)]
  ) -> [String] {
    let view = (box.x - 20, box.y - 20, box.width + 40, box.height + 40)
    let base = BaseMap.shared
    var svg = [
      "<clipPath id=\"\(id)-clip\"><rect x=\"\(px(view.0))\" y=\"\(px(view.1))\" width=\"\(px(view.2))\" height=\"\(px(view.3))\"/></clipPath>",
      "<g clip-path=\"url(#\(id)-clip)\">",
      "<rect class=\"sea\" x=\"\(px(view.0))\" y=\"\(px(view.1))\" width=\"\(px(view.2))\" height=\"\(px(view.3))\"/>",
      "<path class=\"land\" d=\"\(BaseMap.path(base.land, closed: true, projection: projection, view: view))\"/>",
      "<path class=\"border\" d=\"\(BaseMap.path(base.borders, closed: false, projection: projection, view: view))\"/>",
    ]
    let position = Dictionary(
      places.map { ($0.location.code, projection.point(latitude: $0.latitude, longitude: $0.longitude)) }, uniquingKeysWith: { a, _ in a })
    func visible(_ p: PagePoint) -> Bool { p.x >= view.0 && p.x <= view.0 + view.2 && p.y >= view.1 && p.y <= view.1 + view.3 }
    for drawn in legs {
      guard let a = position[drawn.leg.from], let b = position[drawn.leg.to] else { continue }
      let leg = drawn.leg
      let marks = words.marks(of: leg)
      let title =
        words(.legTitle, drawn.route, leg.from.text, leg.to.text, words.mode(leg.mode), String(leg.distanceKm), String(drawn.boxes))
        + (marks.isEmpty ? "" : words(.legMarks, marks, leg.to.text))
      svg.append(
        "<line class=\"edge mode-\(leg.mode.rawValue)\" data-route=\"\(htmlEscape(drawn.route))\" data-boxes=\"\(drawn.boxes)\" x1=\"\(px(a.x))\" y1=\"\(px(a.y))\" x2=\"\(px(b.x))\" y2=\"\(px(b.y))\" stroke=\"\(drawn.color)\"\(Self.dashes(leg.mode)) tabindex=\"0\"><title>\(htmlEscape(title))</title></line>"
      )
    }
    svg.append("</g>")

    // Markers first, so that every label keeps off every marker.
    var placer = LabelPlacer(bounds: box)
    var markers: [String] = []
    let shown = places.filter { position[$0.location.code].map(visible) ?? false }
    for place in shown {
      guard let p = position[place.location.code] else { continue }
      let code = place.location.code
      let gauge = gaugeChanges.contains(code)
      let kind = words.kind(of: place.location, gaugeChange: gauge)
      let title =
        words(.placeTitle, words.place(place.location), code.text, kind, String(place.boxes))
        + (place.holds > 0 ? words(.placeHolds, String(place.holds)) : "")
      let shape =
        gauge
        ? "<rect class=\"node\" x=\"\(px(p.x - 6))\" y=\"\(px(p.y - 6))\" width=\"12\" height=\"12\" transform=\"rotate(45 \(px(p.x)) \(px(p.y)))\""
        : place.location.kind == .borderCrossing
          ? "<rect class=\"node\" x=\"\(px(p.x - 5))\" y=\"\(px(p.y - 5))\" width=\"10\" height=\"10\""
          : "<circle class=\"node\" cx=\"\(px(p.x))\" cy=\"\(px(p.y))\" r=\"5\""
      placer.reserve(PageBox(around: p, half: 9))
      if place.holds > 0 { placer.reserve(PageBox(around: PagePoint(x: p.x + 9, y: p.y - 9), half: 6)) }
      markers.append(
        "<g class=\"place\" data-code=\"\(code.text)\" data-boxes=\"\(place.boxes)\" data-holds=\"\(place.holds)\" tabindex=\"0\">\(shape) fill=\"#fff\" stroke=\"#111\" stroke-width=\"2\"/>"
          + (place.holds > 0 ? "<circle class=\"hold\" cx=\"\(px(p.x + 9))\" cy=\"\(px(p.y - 9))\" r=\"5\" fill=\"#D55E00\"/>" : "")
          + "<title>\(htmlEscape(title))</title></g>")
    }
    svg += markers
    // Labels, most important first: places (with the most boxes first), the boxes on each leg,
    // then country names where room is left.
    var labels: [String] = []
    func draw(_ text: String, _ placed: PlacedLabel, _ kind: String, size: Double) {
      if let leader = placed.leader {
        labels.append(
          "<line class=\"leader\" x1=\"\(px(leader.from.x))\" y1=\"\(px(leader.from.y))\" x2=\"\(px(leader.to.x))\" y2=\"\(px(leader.to.y))\"/>")
      }
      labels.append(
        "<text class=\"label \(kind)\" x=\"\(px(placed.x))\" y=\"\(px(placed.baseline))\" text-anchor=\"\(placed.anchor)\" font-size=\"\(px(size))\">\(htmlEscape(text))</text>"
      )
    }
    for outline in outlines {
      let o = outline.box
      svg.append(
        "<rect class=\"inset-outline\" data-inset=\"\(outline.letter)\" x=\"\(px(o.x))\" y=\"\(px(o.y))\" width=\"\(px(o.width))\" height=\"\(px(o.height))\"/>"
      )
      let text = words(.insetLetter, outline.letter)
      let corner = PagePoint(x: o.x + o.width, y: o.y)
      if let placed = placer.place(text, at: corner, size: 12, markerHalf: 2) { draw(text, placed, "inset-letter", size: 12) }
    }
    for place in shown.sorted(by: { ($0.boxes, $1.location.code.text) > ($1.boxes, $0.location.code.text) })
    where labelled(place.location.code) {
      guard let p = position[place.location.code] else { continue }
      let text = words.shortPlace(place.location)
      if let placed = placer.place(text, at: p, size: 12, markerHalf: 9) { draw(text, placed, "place-label", size: 12) }
    }
    for drawn in legs where drawn.boxes > 0 {
      guard let a = position[drawn.leg.from], let b = position[drawn.leg.to], labelled(drawn.leg.from) || labelled(drawn.leg.to) else {
        continue
      }
      let middle = PagePoint(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)
      guard visible(middle) else { continue }
      let text = String(drawn.boxes)
      if let placed = placer.place(text, at: middle, size: 11, markerHalf: 2) { draw(text, placed, "box-count", size: 11) }
    }
    if countryNames {
      for country in base.countries where country.at.count == 2 {
        guard let name = words.country(country.iso, english: country.name) else { continue }
        let p = projection.point(latitude: Double(country.at[1]) / 100, longitude: Double(country.at[0]) / 100)
        if let placed = placer.place(name, at: p, size: 12, markerHalf: 0, leaders: false, centred: true) {
          draw(name, placed, "country-label", size: 12)
        }
      }
    }
    svg += labels
    return svg
  }

  /// Rail solid, sea dashed, road dotted, river dash-dot.
  static func dashes(_ mode: TransportMode) -> String {
    switch mode {
    case .rail: ""
    case .sea: " stroke-dasharray=\"8 4\""
    case .road: " stroke-dasharray=\"2 4\""
    case .river: " stroke-dasharray=\"10 3 2 3\""
    }
  }
}
