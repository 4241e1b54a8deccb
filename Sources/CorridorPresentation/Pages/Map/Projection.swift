import Foundation

/// A point on a page, in pixels (y grows downwards).
package struct PagePoint: Sendable, Equatable {
  package var x: Double
  package var y: Double
  package init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// Albers' equal-area conic projection on the sphere, with standard parallels at a sixth of the
/// shown latitudes from each end (the usual rule of thumb for an area's best fit). Equal-area, so
/// Kazakhstan's steppe and Laos keep their proportions, and a cone, so the 10,000 km from
/// Chongqing to Duisburg and the 3,000 km to Singapore are both drawn without the stretch in
/// latitude of the plate carrée the page used before. Fitted to a drawing box by `fitted`.
package struct AlbersProjection: Sendable {
  let n: Double
  let c: Double
  let rho0: Double
  let lambda0: Double
  var scale = 1.0
  var offset = PagePoint(x: 0, y: 0)

  /// A projection centred on the given latitudes and longitudes (degrees).
  package init(latitudes: ClosedRange<Double>, longitudes: ClosedRange<Double>) {
    let span = latitudes.upperBound - latitudes.lowerBound
    let phi1 = (latitudes.lowerBound + span / 6) * .pi / 180
    let phi2 = (latitudes.upperBound - span / 6) * .pi / 180
    // Near the equator the cone flattens into a cylinder; a cone constant kept away from zero
    // keeps the formula finite (the network lies north of Singapore's 1.3 degrees).
    let cone = (sin(phi1) + sin(phi2)) / 2
    n = abs(cone) < 0.05 ? (cone < 0 ? -0.05 : 0.05) : cone
    c = cos(phi1) * cos(phi1) + 2 * n * sin(phi1)
    let phi0 = (latitudes.lowerBound + latitudes.upperBound) / 2 * .pi / 180
    rho0 = (c - 2 * n * sin(phi0)).squareRoot() / n
    lambda0 = (longitudes.lowerBound + longitudes.upperBound) / 2 * .pi / 180
  }

  /// The projected point before fitting (radians of the unit sphere, y up).
  func raw(latitude: Double, longitude: Double) -> (x: Double, y: Double) {
    let rho = max(c - 2 * n * sin(latitude * .pi / 180), 0).squareRoot() / n
    let theta = n * (longitude * .pi / 180 - lambda0)
    return (rho * sin(theta), rho0 - rho * cos(theta))
  }

  /// The point on the page.
  package func point(latitude: Double, longitude: Double) -> PagePoint {
    let p = raw(latitude: latitude, longitude: longitude)
    return PagePoint(x: offset.x + p.x * scale, y: offset.y - p.y * scale)
  }

  /// This projection scaled and moved so that the given places fill the box (x, y, width,
  /// height) and sit in its middle.
  package func fitted(to places: [(latitude: Double, longitude: Double)], in box: (x: Double, y: Double, width: Double, height: Double))
    -> AlbersProjection
  {
    let raw = places.map { self.raw(latitude: $0.latitude, longitude: $0.longitude) }
    let (minX, maxX) = (raw.map(\.x).min() ?? 0, raw.map(\.x).max() ?? 0)
    let (minY, maxY) = (raw.map(\.y).min() ?? 0, raw.map(\.y).max() ?? 0)
    // A lone place (or places at one point) gets a span of about two degrees around it.
    let spanX = max(maxX - minX, 0.035)
    let spanY = max(maxY - minY, 0.035)
    var fitted = self
    fitted.scale = min(box.width / spanX, box.height / spanY)
    fitted.offset = PagePoint(
      x: box.x + box.width / 2 - (minX + maxX) / 2 * fitted.scale,
      y: box.y + box.height / 2 + (minY + maxY) / 2 * fitted.scale)
    return fitted
  }
}
