import CorridorInterchange
import CorridorModel
import Foundation

/// A stretch of pixels from `start` to `end`; `end` may be smaller (SVG's y grows downwards, so
/// a value axis runs from the bottom of the plot up to its top).
public struct PixelSpan: Sendable, Equatable {
  public let start: Double
  public let end: Double
  public init(_ start: Double, _ end: Double) {
    self.start = start
    self.end = end
  }
}

/// Maps a range of values onto a range of pixels, with "nice" ticks (1, 2 or 5 times a power of
/// ten) so that axes read 0, 5,000, 10,000 rather than 0, 4,321, 8,642.
///
/// Geometry is the only place charts use floating point: every figure a reader sees is printed
/// from the exact values, and the same data always gives the same bytes.
public struct LinearScale: Sendable, Equatable {
  public let domain: ClosedRange<Double>
  public let range: PixelSpan
  /// The tick values, from the domain's lower bound to its upper bound inclusive.
  public let ticks: [Double]
  /// The tick step.
  public let step: Double

  /// A scale from 0 (or the data's minimum, when below 0) up to the smallest nice value at or
  /// above the data's maximum, with about `tickCount` ticks.
  public init(covering given: [Double], range: PixelSpan, tickCount: Int = 5) {
    // A value that is not a number cannot be placed (and would make the domain's bounds NaN).
    let values = given.filter(\.isFinite)
    let low = min(0, values.min() ?? 0)
    let high = max(values.max() ?? 0, low)
    let step = Self.niceStep(for: (high - low) / Double(max(1, tickCount)))
    let lower = (low / step).rounded(.down) * step
    var upper = (high / step).rounded(.up) * step
    if upper <= lower { upper = lower + step }
    self.step = step
    domain = lower...upper
    self.range = range
    let count = Int(((upper - lower) / step).rounded())
    ticks = (0...count).map { lower + Double($0) * step }
  }

  /// 1, 2 or 5 × 10ⁿ, the smallest at or above `raw` (1 for zero or less).
  public static func niceStep(for raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let power = pow(10, log10(raw).rounded(.down))
    for factor in [1.0, 2.0, 5.0, 10.0] where factor * power >= raw * (1 - 1e-12) { return factor * power }
    return 10 * power
  }

  public func callAsFunction(_ value: Double) -> Double {
    let span = domain.upperBound - domain.lowerBound
    guard span > 0 else { return range.start }
    return range.start + (value - domain.lowerBound) / span * (range.end - range.start)
  }
}

/// Places categories side by side in equal bands, with padding between them.
public struct BandScale: Sendable, Equatable {
  public let categories: [String]
  public let range: PixelSpan
  /// The share of each band left empty between bars (0...0.9).
  public let padding: Double

  public init(_ categories: [String], range: PixelSpan, padding: Double = 0.2) {
    self.categories = categories
    self.range = range
    self.padding = min(max(padding, 0), 0.9)
  }

  /// The width of one band, padding included.
  public var band: Double { categories.isEmpty ? 0 : (range.end - range.start) / Double(categories.count) }
  /// The width of the bar inside a band.
  public var bandwidth: Double { band * (1 - padding) }

  /// Where the bar of category `index` starts.
  public func start(_ index: Int) -> Double { range.start + Double(index) * band + band * padding / 2 }
  /// The middle of category `index`'s band (labels, line points).
  public func center(_ index: Int) -> Double { range.start + (Double(index) + 0.5) * band }
}
