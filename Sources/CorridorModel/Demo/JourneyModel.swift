import Foundation

/// How containers travel a route, train by train, with plausible times: the demo's journeys and
/// the benchmark generator's (CorridorDevTools). Deterministic for a seed.
///
/// The waits are an illustrative model (README "Demo data"), shaped by the sourced anchors in
/// `../shared/reference/corridors.md` §4 and §8, not fitted to any carrier's records:
/// - boxes travel in trains: a train's boxes share their departure, their legs and most of their
///   waits (`Conditions.run`);
/// - rail legs vary little (a few percent), the ILSTC's sea leg more, and more again in the
///   typhoon months;
/// - the waits at border and gauge-change stations have a heavy right tail (log-normal) and
///   depend on the place (Brest/Małaszewicze queues of days, about 10 days on average in 2021;
///   Alashankou/Dostyk "up to a week", 5–12 days in the January 2024 winter), on the month (winter
///   and the weeks before the Spring Festival and Christmas), on congestion (a station's backlog
///   carries from week to week, and a week with more boxes than the station's usual lengthens
///   the next week's waits), and on incidents that delay every box of a train by one to four days.
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
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
      let u = max(unit(), 1e-12)
      return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }
  }

  public struct Step: Sendable {
    public let code: EventCode
    public let place: LocationCode
    /// Minutes after the journey's start.
    public let minutes: Int64
    public let mode: TransportModeCode?
  }

  /// One train's (or vessel's, truck convoy's, barge's) run of a route: what its boxes share.
  public struct Run: Sendable {
    /// Minutes from the journey's start to the departure from the origin.
    public let departureMinutes: Int64
    /// Per leg: minutes on the way.
    public let legMinutes: [Int64]
    /// Per route node: minutes between arriving and departing again (0 at both ends).
    public let stopMinutes: [Int64]
  }

  /// What kind of wait a route node is: where the leg into it crossed a border, changed gauge or
  /// handed the box to another carrier.
  public enum StopKind: Sendable {
    case gaugeChange, border, transshipment, passing

    public init(after leg: Leg) {
      self = leg.gaugeChange ? .gaugeChange : leg.transshipment ? .transshipment : leg.borderCrossing ? .border : .passing
    }
  }

  /// The world the trains run through: each station's backlog week by week and the boxes that
  /// passed it. Runs must be asked for in departure order, as the trains leave.
  public struct Conditions {
    var random: Random
    /// Place → the backlog (log of the wait factor) of each week since the first one asked.
    var backlog: [String: [Double]] = [:]
    var firstWeek: [String: Int] = [:]
    /// Place → boxes through it per week, and the running weekly mean.
    var boxes: [String: [Int: Int]] = [:]

    public init(seed: UInt64) { random = Random(state: seed ^ 0x5EA5_0A1D) }

    /// The run of a train of `boxes` boxes whose journey starts at `start` (ms since 1970; it leaves the origin a day later).
    public mutating func run(_ route: Route, start: Int64, boxes count: Int) -> Run {
      let lead: Int64 = 24 * 60
      var legs: [Int64] = []
      var stops: [Int64] = [0]
      var at = start + lead * 60_000
      for (index, leg) in route.legs.enumerated() {
        let spread: Double =
          switch leg.mode {
          case .sea: 0.10
          case .road, .river: 0.08
          default: 0.04
          }
        var hours = Double(leg.transitHours) * max(0.8, 1 + spread * random.normal())
        if leg.mode == .sea, (7...9).contains(Self.month(at)) { hours *= 1.08 }  // typhoon season
        legs.append(Int64(hours * 60))
        at += Int64(hours * 3_600_000)
        guard index < route.legs.count - 1 else { break }
        let wait = stopHours(at: leg.to, kind: StopKind(after: leg), arriving: at, boxes: count)
        stops.append(Int64(wait * 60))
        at += Int64(wait * 3_600_000)
      }
      stops.append(0)
      return Run(departureMinutes: lead, legMinutes: legs, stopMinutes: stops)
    }

    mutating func stopHours(at place: LocationCode, kind: StopKind, arriving ms: Int64, boxes count: Int) -> Double {
      let (base, sigma): (Double, Double) =
        switch kind {
        case .gaugeChange: (Self.gaugeChangeHours(place), 0.45)
        case .transshipment: (30, 0.35)
        case .border: (10, 0.40)
        case .passing: (3, 0.25)
        }
      // Journeys are generated from 2023 on: days since 1970 are positive, and / 7 is the week.
      let week = Int(ETADay.of(ms) / 7)
      let congestion = exp(backlog(place.text, week: week)) * volumeFactor(place.text, week: week, adding: count)
      var hours = base * Self.season(place, kind: kind, month: Self.month(ms)) * congestion * exp(sigma * random.normal() - sigma * sigma / 2)
      if kind != .passing, random.below(25) == 0 { hours += Double(24 + random.below(72)) }  // an incident
      return max(kind == .gaugeChange || kind == .transshipment ? 8 : 1, hours)
    }

    /// A station's backlog: persistent from week to week (AR(1), 0.8), so that the last weeks
    /// say something about the next.
    mutating func backlog(_ place: String, week: Int) -> Double {
      let first = firstWeek[place] ?? week
      firstWeek[place] = first
      var series = backlog[place, default: []]
      while series.count <= week - first { series.append(0.8 * (series.last ?? 0) + 0.2 * random.normal()) }
      backlog[place] = series
      return week < first ? 0 : series[week - first]
    }

    /// More boxes through a station last week than its usual lengthen this week's waits.
    mutating func volumeFactor(_ place: String, week: Int, adding count: Int) -> Double {
      var weeks = boxes[place, default: [:]]
      weeks[week, default: 0] += count
      boxes[place] = weeks
      let earlier = weeks.filter { $0.key < week }
      guard let last = earlier[week - 1], !earlier.isEmpty else { return 1 }
      let usual = Double(earlier.values.reduce(0, +)) / Double(earlier.count)
      return max(0.85, 1 + 0.3 * (Double(last) / usual - 1))
    }

    static func gaugeChangeHours(_ place: LocationCode) -> Double {
      switch place.text {
      case "PLMAA", "BYBQT", "BYBRE": 60  // Brest/Małaszewicze: queues of days
      default: 36  // Dostyk, Altynkol, Hekou/Lao Cai, Vientiane South
      }
    }

    /// The month's weight on a place's waits: winter at the China-Europe gauge changes; the
    /// weeks before the Spring Festival and Christmas everywhere else; Golden Week.
    static func season(_ place: LocationCode, kind: StopKind, month: Int) -> Double {
      let winterStations: Set<String> = ["CNAKL", "KZDOS", "CNHRS", "KZAKT", "BYBQT", "PLMAA", "BYBRE", "CNEHT", "MNZUU"]
      if kind == .gaugeChange || kind == .border, winterStations.contains(place.text) {
        return [1.8, 1.5, 1.1, 1.0, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.2, 1.4][month - 1]
      }
      return [1.3, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.05, 1.2][month - 1]
    }

    static func month(_ ms: Int64) -> Int { Day(ordinal: ETADay.of(ms)).components.month }
  }

  /// One container's journey on a train's run: gate-in and load before the train leaves, per leg
  /// depart and arrive with the train, cross borders, be reloaded at gauge changes and
  /// transshipments while the train waits, customs holds now and then; discharge and gate-out at
  /// the end.
  public static func journey(_ route: Route, run: Run, random: inout Random) -> [Step] {
    guard let origin = route.origin else { return [] }
    var steps: [Step] = []
    func add(_ code: EventCode, _ place: LocationCode, at minutes: Int64, _ mode: TransportModeCode? = nil) {
      steps.append(Step(code: code, place: place, minutes: minutes, mode: mode))
    }
    var t = run.departureMinutes
    add(.GTIN, origin, at: t - 600 - Int64(random.below(720)))
    add(.LOAD, origin, at: t - 60 - Int64(random.below(240)), route.legs.first?.mode.eventMode)
    for (index, leg) in route.legs.enumerated() {
      let mode = leg.mode.eventMode
      add(.DEPA, leg.from, at: t, mode)
      t += run.legMinutes[index]
      add(.ARRI, leg.to, at: t, mode)
      var now = t
      if leg.borderCrossing {
        now += 20 + Int64(random.below(60))
        add(.CROS, leg.to, at: now, mode)
      }
      let last = index == route.legs.count - 1
      let leaves = t + run.stopMinutes[index + 1]
      if leg.gaugeChange || leg.transshipment || last {
        now += 45 + Int64(random.below(180))
        add(.DISC, leg.to, at: now)
        // Held for inspection now and then, released before the train leaves.
        if random.below(10) == 0, last || leaves - now > 900 {
          add(.CUSI, leg.to, at: now + 30)
          now += 60 + Int64(random.below(last ? 1440 : Int(leaves - now - 840)))
          add(.CUSR, leg.to, at: now)
        }
        // Loaded onto what carries the next leg: a barge's box goes on by ship at Shanghai.
        if !last {
          add(.LOAD, leg.to, at: max(now + 30, leaves - 60 - Int64(random.below(180))), route.legs[index + 1].mode.eventMode)
        }
      }
      if last { add(.GTOT, leg.to, at: now + 240 + Int64(random.below(1440))) }
      t = max(leaves, now + 60)
    }
    return steps
  }
}
