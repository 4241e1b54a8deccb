/// How long a stretch took, as weights on whole hours: the empirical distribution the ETA
/// combines. Weights, not counts, so recent weeks can count more than older ones.
public struct DurationHistogram: Sendable, Equatable {
  /// weights[h]: the weight of durations of h hours (h from 0).
  public private(set) var weights: [Double]

  public init(weights: [Double] = []) { self.weights = weights }

  /// All the weight on one duration: a plan's hours, or nothing left to wait.
  public static func point(_ hours: Int) -> DurationHistogram {
    var weights = [Double](repeating: 0, count: max(0, hours) + 1)
    weights[max(0, hours)] = 1
    return DurationHistogram(weights: weights)
  }

  public var total: Double { weights.reduce(0, +) }
  public var isEmpty: Bool { total <= 0 }

  /// Adds `weight` to durations of `hours`, each scaled by `factor` (the season's).
  public mutating func add(hours: Int, weight: Double, factor: Double = 1) {
    let h = max(0, Int((Double(hours) * factor).rounded()))
    if h >= weights.count { weights += [Double](repeating: 0, count: h - weights.count + 1) }
    weights[h] += weight
  }

  /// What is left of the stretch once `elapsed` hours of it have passed: the durations longer
  /// than that, less it. Nothing longer (the box is overdue): it ends now.
  public func remaining(after elapsed: Int) -> DurationHistogram {
    guard elapsed > 0 else { return self }
    guard elapsed + 1 < weights.count, weights[(elapsed + 1)...].contains(where: { $0 > 0 }) else { return .point(0) }
    return DurationHistogram(weights: Array(weights[(elapsed + 1)...]).enumerated().reduce(into: [0]) { $0.append($1.element) })
  }

  /// The distribution of the sum of two independent stretches.
  public func adding(_ other: DurationHistogram) -> DurationHistogram {
    let a = normalized.weights
    let b = other.normalized.weights
    guard !a.isEmpty else { return other.normalized }
    guard !b.isEmpty else { return normalized }
    var sum = [Double](repeating: 0, count: a.count + b.count - 1)
    for (i, x) in a.enumerated() where x > 1e-9 {
      for (j, y) in b.enumerated() where y > 0 { sum[i + j] += x * y }
    }
    return DurationHistogram(weights: sum)
  }

  var normalized: DurationHistogram {
    let total = total
    return total > 0 ? DurationHistogram(weights: weights.map { $0 / total }) : self
  }

  /// The smallest number of hours with at least `share` (0…1) of the weight at or below it.
  public func percentile(_ share: Double) -> Int {
    let total = total
    guard total > 0 else { return 0 }
    var running = 0.0
    for (hours, weight) in weights.enumerated() {
      running += weight
      if running >= share * total - 1e-9 { return hours }
    }
    return weights.count - 1
  }
}
