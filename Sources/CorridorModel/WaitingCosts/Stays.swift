/// A box's stays that free-time rules price, found in its history: the one definition of where
/// a stay starts and ends (docs/waiting-costs.md).
public struct BoxForFreeTime: Sendable {
  public var number: ContainerNumber
  public var equipment: Equipment
  /// nil: not recorded, so only rules for any owner apply (a rule for the carrier's boxes
  /// charges a box Corridor knows to be the carrier's).
  public var ownership: ContainerOwnership?

  public init(number: ContainerNumber, equipment: Equipment, ownership: ContainerOwnership?) {
    self.number = number
    self.equipment = equipment
    self.ownership = ownership
  }
}

extension PricedStay {
  /// The stays of one box as of a time: each actual, unretracted event that starts a stay under
  /// the rules (the most specific rule of each kind, valid on the local day it happened) begins
  /// one, ended by the rule's ending event after it: at the same place, or for detention at any
  /// place. A stay that has not ended by `asOf` is open and charged up to the as-of day (read in
  /// the starting event's offset). A shipper-owned box pays no detention. A second starting
  /// event while a stay of that kind is open at the place does not begin another.
  ///
  /// - Parameter booking: the commodity of a shipment (the starting event's) and its route's
  ///   direction, for rules that name commodities or a direction.
  public static func stays(
    of box: BoxForFreeTime, events: [MovementEvent], rules: [FreeTimeRule], asOf: EventTime,
    booking: (String) throws -> (commodity: Commodity, direction: RouteDirection?)?
  ) throws -> [PricedStay] {
    let history = events.filter { $0.report.classifier == .ACT && !$0.retracted && $0.time <= asOf }
      .sorted { ($0.time, $0.seq) < ($1.time, $1.seq) }
    let starting = Set(rules.map(\.starts))
    var stays: [PricedStay] = []
    var openUntil: [String: Int] = [:]
    for (index, event) in history.enumerated() where starting.contains(event.code) {
      let shipment = try event.report.shipment.flatMap(booking)
      let start = StayStart(
        location: event.location, code: event.code, time: event.time, equipment: box.equipment, ownership: box.ownership,
        commodity: shipment?.commodity, direction: shipment?.direction)
      for rule in FreeTimeRule.winners(among: rules, for: start) {
        if rule.kind == .detention, box.ownership == .shipper { continue }
        let key = "\(rule.kind.rawValue) \(event.location.text)"
        if let until = openUntil[key], until > index { continue }
        let end = history[(index + 1)...].firstIndex { later in
          later.code == rule.ends && (rule.kind == .detention || later.location == event.location)
        }
        openUntil[key] = end ?? history.count
        let endedAt = end.map { history[$0].time }
        stays.append(
          PricedStay(
            container: box.number, shipment: event.report.shipment, location: event.location, kind: rule.kind, startedAt: event.time,
            endedAt: endedAt, rule: rule.name, freeDays: rule.freeDays,
            priced: try rule.charge(startedAt: event.time, until: endedAt ?? asOf.at(offsetMinutes: event.time.offsetMinutes))))
      }
    }
    return stays
  }
}

extension PricedStay {
  /// This stay with its projection when it is open and Corridor can estimate when the box
  /// leaves: a reporter's estimate of the rule's ending event after the start (there, or for
  /// detention anywhere), the latest recorded (an EST before a PLN), not retracted. The
  /// projected charge is the rule's charge up to that day. No estimate, no projection: Corridor
  /// does not guess a dwell the plan does not give.
  public func projecting(from events: [MovementEvent], rules: [FreeTimeRule]) throws -> PricedStay {
    guard endedAt == nil, let rule = rules.first(where: { $0.name == self.rule }) else { return self }
    let estimates = events.filter { event in
      event.report.classifier != .ACT && !event.retracted && event.code == rule.ends && event.time >= startedAt
        && (rule.kind == .detention || event.location == location)
    }
    guard
      let estimate = estimates.max(by: { a, b in
        (a.report.classifier == .EST ? 1 : 0, a.seq) < (b.report.classifier == .EST ? 1 : 0, b.seq)
      })
    else { return self }
    var projected = self
    projected.expectedEndedAt = estimate.time
    projected.projected = try rule.charge(startedAt: startedAt, until: estimate.time)
    return projected
  }
}
