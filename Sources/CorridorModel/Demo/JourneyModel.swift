/// How a container travels a route, step by step, with plausible times: the demo's journeys,
/// and the benchmark generator's (CorridorDevTools). Deterministic for a seed.
public enum JourneyModel {
  /// SplitMix64: small, fast, and the same everywhere.
  public struct Random {
    package var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  public struct Step: Sendable {
    public let code: EventCode
    public let place: LocationCode
    /// Minutes after the journey's start.
    public let minutes: Int64
    public let mode: TransportModeCode?
  }

  /// One container's journey on a route: gate-in, load, depart; per leg arrive, cross borders,
  /// reload at gauge changes and transshipments, customs holds now and then; discharge and
  /// gate-out at the end.
  public static func journey(_ route: Route, random: inout Random) -> [Step] {
    guard let origin = route.origin else { return [] }
    var t: Int64 = Int64(random.below(120))
    var steps: [Step] = []
    func add(_ code: EventCode, _ place: LocationCode, after minutes: Int64, _ mode: TransportModeCode? = nil) {
      t += minutes
      steps.append(Step(code: code, place: place, minutes: t, mode: mode))
    }
    add(.GTIN, origin, after: 0)
    for (index, leg) in route.legs.enumerated() {
      let mode = leg.mode.eventMode
      if index == 0 {
        add(.LOAD, leg.from, after: 600 + Int64(random.below(600)), mode)
      }
      add(.DEPA, leg.from, after: 60 + Int64(random.below(120)), mode)
      add(.ARRI, leg.to, after: Int64(leg.transitHours) * 60 + Int64(random.below(240)), mode)
      if leg.borderCrossing { add(.CROS, leg.to, after: 30 + Int64(random.below(60)), mode) }
      let last = index == route.legs.count - 1
      if leg.gaugeChange || leg.transshipment || last {
        add(.DISC, leg.to, after: 60 + Int64(random.below(240)))
        if random.below(10) == 0 {
          add(.CUSI, leg.to, after: 30)
          add(.CUSR, leg.to, after: 600 + Int64(random.below(1440)))
        }
        // Loaded onto what carries the next leg: a barge's box goes on by ship at Shanghai.
        if !last { add(.LOAD, leg.to, after: 120 + Int64(random.below(600)), route.legs[index + 1].mode.eventMode) }
      }
    }
    if let destination = route.destination { add(.GTOT, destination, after: 240 + Int64(random.below(1440))) }
    return steps
  }
}
