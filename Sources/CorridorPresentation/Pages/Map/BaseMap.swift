import Foundation

/// Land, coastlines, country borders and country label points under the network: Natural Earth
/// 1:50m (public domain), clipped to the corridors' part of the world and simplified by
/// `fixtures/map/make.py` into `fixtures/map/natural-earth.json` (its `about` says how), which the
/// build embeds. Coordinates are hundredths of a degree, `[lon, lat, lon, lat, …]`.
package struct BaseMap: Sendable, Decodable {
  package struct Country: Sendable, Decodable {
    /// ISO 3166-1 alpha-2, the key of the country's name in the string catalogue.
    package var iso: String
    package var name: String
    /// Where its name goes: the centre of its largest polygon.
    package var at: [Int]
  }
  package var countries: [Country]
  package var land: [[Int]]
  package var borders: [[Int]]

  /// Decoded once; the file is part of the build, so a failure here is a build defect (the
  /// presentation tests decode it).
  package static let shared: BaseMap = {
    guard let text = EmbeddedMap.files.first(where: { $0.name == "natural-earth.json" })?.text,
      let map = try? JSONDecoder().decode(BaseMap.self, from: Data(text.utf8))
    else { return BaseMap(countries: [], land: [], borders: []) }
    return map
  }()

  /// SVG path data for the given lines (closed rings when `closed`), projected, with every segment
  /// longer than a degree divided (a straight line in latitude and longitude is a curve on a
  /// cone), points closer than half a pixel merged, and lines wholly outside `view` left out.
  package static func path(
    _ lines: [[Int]], closed: Bool, projection: AlbersProjection, view: (x: Double, y: Double, width: Double, height: Double)
  ) -> String {
    var out = ""
    for line in lines where line.count >= 4 {
      var points: [PagePoint] = []
      var previous: (lon: Double, lat: Double)?
      for i in stride(from: 0, to: line.count - 1, by: 2) {
        let (lon, lat) = (Double(line[i]) / 100, Double(line[i + 1]) / 100)
        if let previous {
          let steps = Int(max(abs(lon - previous.lon), abs(lat - previous.lat)))
          if steps > 1 {
            for step in 1..<steps {
              let t = Double(step) / Double(steps)
              points.append(
                projection.point(latitude: previous.lat + (lat - previous.lat) * t, longitude: previous.lon + (lon - previous.lon) * t))
            }
          }
        }
        points.append(projection.point(latitude: lat, longitude: lon))
        previous = (lon, lat)
      }
      let xs = points.map(\.x)
      let ys = points.map(\.y)
      guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max(),
        maxX >= view.x, minX <= view.x + view.width, maxY >= view.y, minY <= view.y + view.height
      else { continue }
      var kept: [PagePoint] = []
      for p in points where kept.last.map({ abs($0.x - p.x) + abs($0.y - p.y) >= 0.5 }) ?? true { kept.append(p) }
      guard kept.count >= (closed ? 3 : 2) else { continue }
      out += "M" + kept.map { "\(px($0.x)) \(px($0.y))" }.joined(separator: "L") + (closed ? "Z" : "")
    }
    return out
  }
}
