/// What a policy change is worth (`report policy-impact`): for the shipments booked in a period,
/// their gross, the reductions the policies of their booking day gave, and the reductions the
/// policies valid on another day would have given the same shipments, per corridor and policy.
public struct PolicyImpactRow: Sendable, Equatable {
  public var corridor: String
  public var policy: String
  /// Shipments of the corridor in the period (every row of a corridor counts the same ones).
  public var shipments: Int
  public var gross: Money
  public var appliedReduction: Money
  public var reductionAsOf: Money
  /// What the change is worth: `reductionAsOf − appliedReduction`.
  public var difference: Money

  public init(corridor: String, policy: String, shipments: Int, gross: Money, appliedReduction: Money, reductionAsOf: Money) throws(CorridorError) {
    self.corridor = corridor
    self.policy = policy
    self.shipments = shipments
    self.gross = gross
    self.appliedReduction = appliedReduction
    self.reductionAsOf = reductionAsOf
    difference = try reductionAsOf.minus(appliedReduction)
  }
}

extension Policy {
  /// The policies valid on `day`, made valid on every booking day: "had these been in force",
  /// the question `--policies-as-of` asks of shipments booked before them.
  public static func inForce(on day: Day, _ policies: [Policy]) -> [Policy] {
    policies.filter { $0.validFrom <= day && ($0.validTo.map { day <= $0 } ?? true) }.map { policy in
      var always = policy
      always.validFrom = Day(year: 1, month: 1, day: 1)
      always.validTo = nil
      return always
    }
  }
}

extension ShipmentCost {
  /// Each policy's reduction on this shipment, in the report currency (lines' rounded reductions
  /// summed, as the totals are).
  public func reductionsByPolicy() throws(CorridorError) -> [String: Money] {
    var byPolicy: [String: Money] = [:]
    for container in containers {
      for line in container.lines {
        for reduction in line.reductions {
          byPolicy[reduction.policy] = try (byPolicy[reduction.policy] ?? .zero(currency)).plus(reduction.amount)
        }
      }
    }
    return byPolicy
  }
}
