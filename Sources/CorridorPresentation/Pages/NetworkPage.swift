import CorridorInterchange
import CorridorModel
import Foundation

extension ReportReading {
  /// `report network --format html`: the corridors drawn from the places' coordinates, each
  /// route's legs in its corridor's colour, border crossings and gauge changes marked, and the
  /// boxes on each leg and at each node now. With `corridor`, that corridor alone, the drawing
  /// fitted (zoomed) to its places; each corridor keeps its colour.
  public func networkPage(asOf: EventTime, corridor: String? = nil, party: String? = nil) throws -> String {
    let routes = try self.routes(corridor: corridor)
    let all = try self.corridors()
    let corridors = all.enumerated().filter { corridor == nil || $0.element.code == corridor }
    let places = Dictionary(try locations(country: nil).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    let positions = try networkPositions(asOf: asOf, corridor: corridor, party: party)
    let shown = corridor.flatMap { code in all.first { $0.code == code } }.map { ": \($0.code) \($0.name)" } ?? ""
    var page = HTMLPage(
      title: "Corridor network and positions" + shown, subtitle: "Open shipments as of \(asOf.utc)" + Self.scope(party))
    let colorOf = Dictionary(all.enumerated().map { ($1.code, Palette.color($0)) }, uniquingKeysWith: { a, _ in a })

    // An equirectangular projection, longitudes scaled by the cosine of the middle latitude,
    // fitted to the drawing.
    let used = Set(routes.flatMap(\.nodes))
    let points = used.compactMap { code in places[code].flatMap { p in p.latitude.flatMap { lat in p.longitude.map { (code, lat, $0) } } } }
    let lats = points.map(\.1)
    let lons = points.map(\.2)
    // The legend has a band of its own above the map.
    let legendHeight = 30.0 + Double(corridors.count + 1) * 18
    let (width, height, margin) = (960.0, 560.0 + legendHeight, 60.0)
    let midLat = ((lats.min() ?? 0) + (lats.max() ?? 0)) / 2
    let k = cos(midLat * .pi / 180)
    let spanX = max(((lons.max() ?? 1) - (lons.min() ?? 0)) * k, 1e-6)
    let spanY = max((lats.max() ?? 1) - (lats.min() ?? 0), 1e-6)
    let scale = min((width - 2 * margin) / spanX, (height - legendHeight - 2 * margin) / spanY)
    var position: [LocationCode: (x: Double, y: Double)] = [:]
    for (code, lat, lon) in points {
      position[code] = (margin + (lon - (lons.min() ?? 0)) * k * scale, height - margin - (lat - (lats.min() ?? 0)) * scale)
    }

    var svg = [
      "<svg class=\"map\" id=\"network-map\" viewBox=\"0 0 \(px(width)) \(px(height))\" role=\"img\" aria-labelledby=\"network-map-title\">",
      "<title id=\"network-map-title\">The four corridors, with the containers on each leg now</title>",
    ]
    var legRows: [[String]] = []
    for route in routes {
      let color = colorOf[route.corridor] ?? "#555"
      for leg in route.legs {
        guard let a = position[leg.from], let b = position[leg.to] else { continue }
        let boxes = positions.onLeg[NetworkPositions.key(route.code, leg.from)] ?? 0
        let marks = [leg.borderCrossing ? "border crossing" : nil, leg.gaugeChange ? "gauge change" : nil].compactMap { $0 }
        let title =
          "\(route.code): \(leg.from.text) → \(leg.to.text), \(leg.mode.rawValue), \(leg.distanceKm) km; \(boxes) containers on the leg"
          + (marks.isEmpty ? "" : " (\(marks.joined(separator: ", ")) at \(leg.to.text))")
        svg.append(
          "<line class=\"edge\" data-route=\"\(htmlEscape(route.code))\" data-boxes=\"\(boxes)\" x1=\"\(px(a.x))\" y1=\"\(px(a.y))\" x2=\"\(px(b.x))\" y2=\"\(px(b.y))\" stroke=\"\(color)\"\(leg.mode == .sea ? " stroke-dasharray=\"8 4\"" : "") tabindex=\"0\"><title>\(htmlEscape(title))</title></line>"
        )
        if boxes > 0 {
          svg.append(
            "<text class=\"node-label\" x=\"\(px((a.x + b.x) / 2))\" y=\"\(px((a.y + b.y) / 2 - 4))\" text-anchor=\"middle\">\(boxes)</text>")
        }
        legRows.append([
          route.corridor, route.code, leg.from.text, leg.to.text, leg.mode.rawValue, String(leg.distanceKm), marks.joined(separator: ", "),
          String(boxes),
        ])
      }
    }
    // Nodes: a circle each; a square for a border crossing, a diamond for a gauge change.
    let gaugeNodes = Set(routes.flatMap { $0.legs.filter(\.gaugeChange).map(\.to) })
    var nodeRows: [[String]] = []
    for code in used.sorted(by: { $0.text < $1.text }) {
      guard let p = position[code], let place = places[code] else { continue }
      let waiting = routes.reduce(0) { $0 + (positions.atNode[NetworkPositions.key($1.code, code)] ?? 0) }
      let holds = positions.holds[code.text] ?? 0
      let kind = gaugeNodes.contains(code) ? "gauge change" : place.kind == .borderCrossing ? "border crossing" : place.kind.rawValue
      let title = "\(place.name) (\(code.text)), \(kind): \(waiting) containers here\(holds > 0 ? ", \(holds) under customs hold" : "")"
      let shape =
        gaugeNodes.contains(code)
        ? "<rect class=\"node\" x=\"\(px(p.x - 6))\" y=\"\(px(p.y - 6))\" width=\"12\" height=\"12\" transform=\"rotate(45 \(px(p.x)) \(px(p.y)))\""
        : place.kind == .borderCrossing
          ? "<rect class=\"node\" x=\"\(px(p.x - 5))\" y=\"\(px(p.y - 5))\" width=\"10\" height=\"10\""
          : "<circle class=\"node\" cx=\"\(px(p.x))\" cy=\"\(px(p.y))\" r=\"5\""
      svg.append(
        "<g class=\"place\" data-code=\"\(code.text)\" data-boxes=\"\(waiting)\" data-holds=\"\(holds)\" tabindex=\"0\">\(shape) fill=\"#fff\" stroke=\"#111\" stroke-width=\"2\"/>"
          + (holds > 0
            ? "<circle class=\"hold\" cx=\"\(px(p.x + 9))\" cy=\"\(px(p.y - 9))\" r=\"5\" fill=\"#D55E00\"/>" : "")
          + "<text class=\"node-label\" x=\"\(px(p.x + 8))\" y=\"\(px(p.y + 14))\">\(htmlEscape(code.text))</text><title>\(htmlEscape(title))</title></g>"
      )
      nodeRows.append([code.text, place.name, kind, String(waiting), String(holds)])
    }
    // Legend: corridors by colour, and the node shapes.
    for (row, (index, corridor)) in corridors.enumerated() {
      let y = 20.0 + Double(row) * 18
      svg.append(
        "<line x1=\"12\" y1=\"\(px(y))\" x2=\"36\" y2=\"\(px(y))\" stroke=\"\(Palette.color(index))\" stroke-width=\"3\"/><text class=\"legend-label\" x=\"42\" y=\"\(px(y + 4))\">\(htmlEscape("\(corridor.code) \(corridor.name)"))</text>"
      )
    }
    svg.append(
      "<text class=\"legend-label\" x=\"12\" y=\"\(px(20 + Double(corridors.count) * 18 + 4))\">○ place  □ border crossing  ◇ gauge change  ● customs hold  - - - sea</text>"
    )
    svg.append("</svg>")
    page.addHTML("<section><h2>The corridors</h2><div class=\"chart-wrap\">\(svg.joined(separator: "\n"))</div></section>")
    page.addTable(
      "Containers on each leg", id: "legs", headers: ["Corridor", "Route", "From", "To", "Mode", "km", "At the end", "Containers on the leg"],
      rows: legRows, empty: "No routes are loaded.")
    page.addTable(
      "Places", id: "places", headers: ["Code", "Name", "Kind", "Containers here", "Customs holds"], rows: nodeRows, empty: "No places.")
    return page.render()
  }
}
