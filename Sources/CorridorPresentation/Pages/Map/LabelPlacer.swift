import Foundation

/// A rectangle on the page.
package struct PageBox: Sendable, Equatable {
  package var x: Double
  package var y: Double
  package var width: Double
  package var height: Double

  package init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// A square of side `2 * half` around a point.
  package init(around p: PagePoint, half: Double) { self.init(x: p.x - half, y: p.y - half, width: 2 * half, height: 2 * half) }

  func intersects(_ other: PageBox) -> Bool {
    x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
  }

  func contains(_ other: PageBox) -> Bool {
    other.x >= x && other.y >= y && other.x + other.width <= x + width && other.y + other.height <= y + height
  }
}

/// A label where it was put: the text's anchor point and alignment, the box it was given, and a
/// leader line from its point when it had to stand away.
package struct PlacedLabel: Sendable {
  package var x: Double
  package var baseline: Double
  package var anchor: String
  package var box: PageBox
  package var leader: (from: PagePoint, to: PagePoint)?
}

/// Puts labels next to their points so that no two labels overlap each other or a marker, and
/// none leaves the drawing. Each label tries the eight places around its point (right first, as
/// maps do), then the same directions further out with a leader line back to the point; a label
/// with nowhere to go is left off (the page's table and the point's tooltip still name it).
/// Greedy, in the order asked: callers ask for the most important labels first.
///
/// The boxes come from an estimate of the text's width that is on the wide side for the fonts a
/// browser picks for `system-ui` and `sans-serif` (DejaVu Sans is the widest common one; CJK
/// characters are a full em), so a browser's real boxes sit inside the reserved ones: the page
/// test measures them.
package struct LabelPlacer {
  /// Where labels may go.
  package var bounds: PageBox
  /// Markers and labels already placed.
  package private(set) var taken: [PageBox] = []
  /// Space kept between a label and anything else.
  let gap = 2.0

  package init(bounds: PageBox) { self.bounds = bounds }

  /// Marks a marker's box as taken.
  package mutating func reserve(_ box: PageBox) { taken.append(box) }

  /// The width of `text` at `size` pixels, estimated on the wide side.
  package static func width(_ text: String, size: Double) -> Double {
    text.unicodeScalars.reduce(0.0) { sum, scalar in
      let em: Double
      switch scalar.value {
      case 0x20: em = 0.34
      case 0x30...0x39: em = 0.66
      case 0x41...0x5A: em = 0.8
      case 0x61...0x7A: em = 0.64
      case 0x2E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF: em = 1.05
      default: em = 0.72
      }
      return sum + em * size
    } + 2
  }

  /// Places `text` at `size` px next to `point`, whose marker reaches `markerHalf` px from it.
  /// With `leaders` false, only the positions next to the point are tried.
  /// With `centred`, the label goes on the point itself or nowhere (a country's name).
  package mutating func place(
    _ text: String, at point: PagePoint, size: Double, markerHalf: Double, leaders: Bool = true, centred: Bool = false
  ) -> PlacedLabel? {
    let width = Self.width(text, size: size)
    let height = size * 1.3
    // Directions, right first, then left, above, below, and the diagonals.
    let directions: [(dx: Double, dy: Double)] =
      centred ? [(0, 0)] : [(1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1)]
    let distances = leaders && !centred ? [0.0, 16, 30, 46, 64, 86, 110] : [0.0]
    for distance in distances {
      for (dx, dy) in directions {
        // The box's edge nearest the point, `markerHalf + 3 + distance` away from it.
        let reach = centred ? 0 : markerHalf + 3 + distance
        let cx = point.x + dx * reach
        let cy = point.y + dy * reach
        let x = dx > 0 ? cx : dx < 0 ? cx - width : cx - width / 2
        let y = dy > 0 ? cy : dy < 0 ? cy - height : cy - height / 2
        let box = PageBox(x: x, y: y, width: width, height: height)
        let padded = PageBox(x: x - gap, y: y - gap, width: width + 2 * gap, height: height + 2 * gap)
        guard bounds.contains(box), !taken.contains(where: { $0.intersects(padded) }) else { continue }
        taken.append(box)
        let anchor = dx > 0 ? "start" : dx < 0 ? "end" : "middle"
        let textX = dx > 0 ? x + 1 : dx < 0 ? x + width - 1 : x + width / 2
        // The text's baseline: its box runs about an em above it and a third below.
        let baseline = y + size * 1.0
        var leader: (PagePoint, PagePoint)?
        if distance > 0 {
          let end = PagePoint(x: min(max(point.x, x), x + width), y: min(max(point.y, y), y + height))
          let length = max(((end.x - point.x) * (end.x - point.x) + (end.y - point.y) * (end.y - point.y)).squareRoot(), 1)
          let start = PagePoint(x: point.x + (end.x - point.x) / length * markerHalf, y: point.y + (end.y - point.y) / length * markerHalf)
          leader = (start, end)
        }
        return PlacedLabel(x: textX, baseline: baseline, anchor: anchor, box: box, leader: leader)
      }
    }
    return nil
  }
}
