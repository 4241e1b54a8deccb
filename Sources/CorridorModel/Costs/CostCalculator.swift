/// The freight cost of one shipment, per container and tariff line, with every policy's
/// reduction, in one reporting currency.
///
/// Arithmetic order (docs/costs.md repeats it, tests pin it):
/// 1. For each leg-or-route and component, each container takes the tariff valid on the booked
///    date for its length, else the `any` tariff.
/// 2. Gross per line, in the tariff's currency and exact minor units: the amount per container,
///    × TEU per TEU, or a shipment amount spread over the containers that take that tariff by
///    TEU (rounded down, the remainder to the last container).
/// 3. Every eligible policy is computed from the gross (no compounding), in the line's currency:
///    percent of the gross; fixed amounts (per TEU, per container) and caps converted into it at
///    the booked-date rate, exactly. A fixed amount or a cap is per container: it is used up line
///    by line in line order. A line's reductions never exceed its gross (policies in name order).
/// 4. Each line's gross and each reduction are converted once into the reporting currency (at
///    `--fx-at`, else the booked date) and rounded half-to-even to its minor unit; net = gross −
///    reductions (if rounding alone pushes the reductions past the gross, the last one gives way).
/// 5. Totals are sums of the rounded lines; net per TEU is rounded half-to-even.
public struct ShipmentCost: Sendable {
  public struct Reduction: Sendable, Equatable {
    public let policy: String
    public let amount: Money
  }

  /// Amounts are `Money` wherever they are added, so a sum of two currencies cannot happen
  /// silently; totals are worked out once, when the cost is built.
  public struct Line: Sendable {
    public let component: CostComponent
    public let leg: Int?
    public let basis: TariffBasis
    public let gross: Money
    public let reductions: [Reduction]
    public let reductionTotal: Money
    public let net: Money

    package init(component: CostComponent, leg: Int?, basis: TariffBasis, gross: Money, reductions: [Reduction]) throws {
      self.component = component
      self.leg = leg
      self.basis = basis
      self.gross = gross
      self.reductions = reductions
      reductionTotal = try Money.sum(reductions.map(\.amount), in: gross.currency)
      net = try gross.minus(reductionTotal)
    }
  }

  public struct ContainerCost: Sendable {
    public let container: ContainerNumber
    public let teu: Int
    public let lines: [Line]
    public let gross: Money
    public let reductions: Money
    public var net: Money { gross.less(reductions) }

    package init(container: ContainerNumber, teu: Int, lines: [Line], currency: Currency) throws {
      self.container = container
      self.teu = teu
      self.lines = lines
      gross = try Money.sum(lines.map(\.gross), in: currency)
      reductions = try Money.sum(lines.map(\.reductionTotal), in: currency)
    }
  }

  public let shipment: String
  public let currency: Currency
  public let containers: [ContainerCost]
  /// Route length, for cost per TEU-km.
  public let routeKm: Int
  public let gross: Money
  public let reductions: Money
  /// Never below zero and never above the gross (reductions are bounded by it), so it cannot overflow.
  public var net: Money { gross.less(reductions) }

  package init(shipment: String, currency: Currency, containers: [ContainerCost], routeKm: Int) throws {
    self.shipment = shipment
    self.currency = currency
    self.containers = containers
    self.routeKm = routeKm
    gross = try Money.sum(containers.map(\.gross), in: currency)
    reductions = try Money.sum(containers.map(\.reductions), in: currency)
  }

  public var teu: Int { containers.reduce(0) { $0 + $1.teu } }

  /// Net per TEU, rounded half-to-even; nil without containers.
  public var netPerTeu: Money? { net.per(teu) }
}

/// Computes `ShipmentCost`s. Holds the network, tariffs, policies and rates it needs, so a
/// report over thousands of shipments reads them once.
public struct CostCalculator {
  package let tariffsByRoute: [String: [Tariff]]
  package let policies: [Policy]
  package let fx: FXTable
  package let routes: [String: Route]
  /// Every day on which the reference data changes: a tariff or a policy starts or ends, a rate
  /// is published. Sorted, without repeats.
  package let changes: [Day]

  /// A calculator over the reference data a store read: tariffs, policies, rates and routes.
  public init(tariffs: [Tariff], policies: [Policy], fx: FXTable, routes: [Route]) {
    tariffsByRoute = Dictionary(grouping: tariffs, by: \.route)
    self.policies = policies.sorted { $0.name < $1.name }
    self.fx = fx
    self.routes = Dictionary(routes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    var changes = Set(fx.days)
    for tariff in tariffs {
      changes.insert(tariff.validFrom)
      if let end = tariff.validTo { changes.insert(end.adding(days: 1)) }
    }
    for policy in policies {
      changes.insert(policy.validFrom)
      if let end = policy.validTo { changes.insert(end.adding(days: 1)) }
    }
    self.changes = changes.sorted()
  }

  /// The stretch of days a day belongs to between two changes of the reference data: the
  /// number of changes on or before it. Two days of one period choose the same tariffs and
  /// policies (validity is by day) and read the same rates (the latest on or before the day),
  /// so the day of a cost matters only through its period.
  public func period(of day: Day) -> Int {
    var (low, high) = (0, changes.count)
    while low < high {
      let mid = (low + high) / 2
      if changes[mid] <= day { low = mid + 1 } else { high = mid }
    }
    return low
  }

  package struct WorkingLine {
    package let key: LineKey
    package let tariff: Tariff
    package let gross: Int64
    package var reductions: [(policy: String, amount: Exact)] = []
    package var headroom: Exact
  }

  /// What steps 3 and 4 depend on for one container: its lines (tariff and gross) and its TEU.
  package struct ContainerSignature: Hashable {
    package let lines: [Line]
    package let teu: Int?

    /// On one shipment (one route, one booked date), a leg-or-route, component and equipment name
    /// one tariff: overlapping tariffs are refused.
    package struct Line: Hashable {
      package let key: LineKey
      package let equipment: Equipment
      package let gross: Int64
    }

    package init(lines: [WorkingLine], teu: Int?) {
      self.lines = lines.map { Line(key: $0.key, equipment: $0.tariff.equipment, gross: $0.gross) }
      self.teu = teu
    }
  }

  package struct LineKey: Hashable, Comparable {
    package let leg: Int?
    package let component: CostComponent
    package static func < (a: LineKey, b: LineKey) -> Bool {
      ((a.leg ?? 0), a.component) < ((b.leg ?? 0), b.component)
    }
  }

  /// What a shipment's cost depends on besides its reference and its boxes' numbers: steps 1–5
  /// read only the route, the booked day (through the tariffs and policies valid on it and the
  /// rates of it: its `period`), the commodity and each box's size type in the shipment's order
  /// (the currency and `--fx-at` are the report's). Shipments in one situation cost the same, so
  /// a report costs each situation once, not each shipment.
  public struct Situation: Hashable, Sendable {
    let route: String
    let period: Int
    let commodity: Commodity
    let sizeTypes: [SizeType?]
  }

  public func situation(of booking: ShipmentBooking, sizeTypes: [SizeType?]) -> Situation {
    Situation(route: booking.route, period: period(of: booking.bookedOn), commodity: booking.commodity, sizeTypes: sizeTypes)
  }

  public func situation(of shipment: BookedShipment, sizeTypes: [ContainerNumber: SizeType]) -> Situation {
    situation(of: shipment.booking, sizeTypes: shipment.containers.map { sizeTypes[$0.container] })
  }

  public func cost(
    of shipment: BookedShipment, sizeTypes: [ContainerNumber: SizeType], currency: Currency, fxAt: Day? = nil
  ) throws -> ShipmentCost {
    let booked = shipment.booking.bookedOn
    guard let route = routes[shipment.booking.route] else {
      throw CorridorError.invalid("unknown route \(shipment.booking.route)", rule: .unknownRoute)
    }
    let valid = (tariffsByRoute[route.code] ?? []).filter { $0.isValid(on: booked) }
    let keys = Set(valid.map { LineKey(leg: $0.leg, component: $0.component) }).sorted()
    let boxes = shipment.containers.map { ($0.container, sizeTypes[$0.container]) }

    // 1–2: choose tariffs and compute gross per line, exact minor units of the tariff currency.
    var lines: [[WorkingLine]] = Array(repeating: [], count: boxes.count)
    for key in keys {
      let candidates = valid.filter { $0.leg == key.leg && $0.component == key.component }
      let chosen: [Tariff?] = boxes.map { _, type in
        guard let type else { return nil }
        return candidates.first { $0.equipment == Equipment(type) } ?? candidates.first { $0.equipment == .any }
      }
      // Shipment-basis amounts are spread over the containers that take that tariff, by TEU.
      var spread: [Int: Int64] = [:]
      for tariff in Set(chosen.compactMap { $0?.basis == .shipment ? $0?.equipment : nil }) {
        let members = chosen.indices.filter { chosen[$0]?.basis == .shipment && chosen[$0]?.equipment == tariff }
        let teus = members.map { boxes[$0].1?.teu ?? 0 }
        let total = Int64(teus.reduce(0, +))
        guard total > 0, let amount = chosen[members[0]]?.amount.minorUnits else { continue }
        var given: Int64 = 0
        for (position, member) in members.enumerated() {
          let share =
            position == members.count - 1
            ? amount - given : (amount.multipliedReportingOverflow(by: Int64(teus[position])).partialValue / total)
          spread[member] = share
          given += share
        }
      }
      for index in boxes.indices {
        guard let tariff = chosen[index], let type = boxes[index].1 else { continue }
        let gross: Int64
        switch tariff.basis {
        case .container: gross = tariff.amount.minorUnits
        case .teu:
          let (value, overflow) = tariff.amount.minorUnits.multipliedReportingOverflow(by: Int64(type.teu))
          guard !overflow else { throw CorridorError.invalid("tariff amount too large", rule: .amount) }
          gross = value
        case .shipment: gross = spread[index] ?? 0
        }
        lines[index].append(WorkingLine(key: key, tariff: tariff, gross: gross, headroom: Exact(gross)))
      }
    }

    // 3–4 depend only on a container's working lines and TEU: the boxes of one size type on a
    // shipment (a China-Europe train is 41 forty-foot boxes) are worked out once.
    let eligible = policies.filter { $0.applies(to: route, commodity: shipment.booking.commodity, bookedOn: booked) }
    let day = fxAt ?? booked
    var done: [ContainerSignature: [ShipmentCost.Line]] = [:]
    var costs: [ShipmentCost.ContainerCost] = []
    for (index, box) in boxes.enumerated() {
      let signature = ContainerSignature(lines: lines[index], teu: box.1?.teu)
      if done[signature] == nil {
        // 3: reductions, exact, in each line's currency.
        if let type = box.1 {
          for policy in eligible {
            try reduce(&lines[index], by: policy, teu: type.teu, on: booked)
          }
        }
        // 4: convert each line once and round.
        var costLines: [ShipmentCost.Line] = []
        for line in lines[index] {
          let from = line.tariff.amount.currency
          let gross = try round(try fx.convert(Exact(line.gross), from: from, to: currency, on: day))
          var reductions: [ShipmentCost.Reduction] = []
          var used: Int64 = 0
          for (policy, amount) in line.reductions {
            var rounded = try round(try fx.convert(amount, from: from, to: currency, on: day))
            rounded = min(rounded, gross - used)
            used += rounded
            reductions.append(.init(policy: policy, amount: Money(minorUnits: rounded, currency: currency)))
          }
          costLines.append(
            try .init(
              component: line.key.component, leg: line.key.leg, basis: line.tariff.basis, gross: Money(minorUnits: gross, currency: currency),
              reductions: reductions))
        }
        done[signature] = costLines
      }
      costs.append(try .init(container: box.0, teu: box.1?.teu ?? 0, lines: done[signature] ?? [], currency: currency))
    }
    return try ShipmentCost(shipment: shipment.ref, currency: currency, containers: costs, routeKm: route.totalKm)
  }

  package func round(_ value: Exact) throws -> Int64 {
    do { return try value.roundedHalfEven() } catch { throw CorridorError.invalid("amount too large", rule: .amount) }
  }

  /// Applies one policy to one container's lines (step 3).
  package func reduce(_ lines: inout [WorkingLine], by policy: Policy, teu: Int, on day: Day) throws {
    let concerned = lines.indices.filter { policy.components.contains(lines[$0].key.component) }
    guard !concerned.isEmpty else { return }
    do {
      // What is left of a per-container fixed amount and of the cap, in their own currencies.
      var fixedLeft: (amount: Exact, currency: Currency)?
      if let currency = policy.currency, policy.kind != .percent {
        let major = try Exact(policy.value).times(policy.kind == .perTEU ? Int64(teu) : 1)
        fixedLeft = (try major.times(currency.scale), currency)
      }
      var capLeft = policy.cap.map { (amount: Exact($0.minorUnits), currency: $0.currency) }
      for index in concerned {
        let lineCurrency = lines[index].tariff.amount.currency
        var take: Exact
        if let fixed = fixedLeft {
          take = try fx.convert(fixed.amount, from: fixed.currency, to: lineCurrency, on: day)
        } else {
          take = try Exact(lines[index].gross).times(try Exact(policy.value)).dividedBy(100)
        }
        if let cap = capLeft { take = Exact.min(take, try fx.convert(cap.amount, from: cap.currency, to: lineCurrency, on: day)) }
        take = Exact.min(take, lines[index].headroom)
        guard take.isPositive else { continue }
        lines[index].reductions.append((policy.name, take))
        lines[index].headroom = try lines[index].headroom.minus(take)
        if let fixed = fixedLeft {
          fixedLeft = (try fixed.amount.minus(try fx.convert(take, from: lineCurrency, to: fixed.currency, on: day)), fixed.currency)
        }
        if let cap = capLeft {
          capLeft = (try cap.amount.minus(try fx.convert(take, from: lineCurrency, to: cap.currency, on: day)), cap.currency)
        }
      }
    } catch is Exact.Overflow {
      throw CorridorError.invalid("policy \(policy.name): amounts too large to compute exactly", rule: .amount)
    }
  }
}

// The rule ids of tariffs, policies and exchange rates, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let amount = RuleID("amount")
  public static let basis = RuleID("basis")
  public static let component = RuleID("component")
  public static let equipment = RuleID("equipment")
  public static let policy = RuleID("policy")
  public static let policyKind = RuleID("policy-kind")
  public static let tariffOverlap = RuleID("tariff-overlap")
  public static let missingFxRate = RuleID("missing-fx-rate")
  public static let fxRate = RuleID("fx-rate")
  public static let currency = RuleID("currency")
}
