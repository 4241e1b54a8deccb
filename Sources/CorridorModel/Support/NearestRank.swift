/// A percentile by the nearest-rank method: the smallest value with at least the share
/// `numerator`/`denominator` of the values at or below it, i.e. rank ⌈q·n⌉, in whole numbers so
/// that 90 % of ten values is the ninth and not, by rounding, the tenth. Every figure is one of the
/// measured values (no interpolation): the transit and clearance spreads, the ETA's errors.
public enum NearestRank {
  /// `sorted` ascending and not empty.
  public static func value<T>(_ sorted: [T], _ numerator: Int, _ denominator: Int) -> T {
    sorted[max(0, (numerator * sorted.count + denominator - 1) / denominator - 1)]
  }
}
