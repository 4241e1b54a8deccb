import CorridorInterchange
import CorridorModel
import Foundation

// The JSON and CSV contracts the CLI prints, in the library so that every edge (the CLI, a
// server) returns exactly the same shapes. Keys and their meaning are documented in docs/ (one page per capability).

/// The `cost` JSON contract: `{shipment, currency, teu, gross, reductions, net, netPerTeu,
/// containers: [{container, teu, lines: [{component, leg, basis, gross, reductions: [{policy,
/// amount}], net}]}], asOf, waiting: {demurrage, detention, storage, total}, stays: [stay],
/// total}`, money as decimal strings; `net` is the freight, `total` freight and waiting.
public struct CostView: Encodable, Sendable {
  /// Waiting by kind and in all, in the report currency.
  public struct WaitingView: Encodable, Sendable {
    public let demurrage: String
    public let detention: String
    public let storage: String
    public let total: String

    public init(_ cost: WaitingCost) {
      demurrage = cost.demurrage.amountText
      detention = cost.detention.amountText
      storage = cost.storage.amountText
      total = cost.total.amountText
    }
  }

  public struct ReductionView: Encodable, Sendable {
    public let policy: String
    public let amount: String
  }

  public struct LineView: Encodable, Sendable {
    public let component: String
    @Nullable public var leg: Int?
    public let basis: String
    public let gross: String
    public let reductions: [ReductionView]
    public let net: String
  }

  public struct ContainerView: Encodable, Sendable {
    public let container: String
    public let teu: Int
    public let lines: [LineView]
  }

  public let shipment: String
  public let currency: String
  public let teu: Int
  public let gross: String
  public let reductions: String
  public let net: String
  @Nullable public var netPerTeu: String?
  public let containers: [ContainerView]
  public let asOf: String
  public let waiting: WaitingView
  /// The stays that began on this shipment, each in its rule's currency (as `free-time` shows them).
  public let stays: [StayView]
  /// Net freight plus waiting.
  public let total: String

  public init(_ cost: ShipmentCost, waiting: ShipmentWaiting) throws {
    let money = { (amount: Money) in amount.amountText }
    shipment = cost.shipment
    currency = cost.currency.code
    teu = cost.teu
    gross = money(cost.gross)
    reductions = money(cost.reductions)
    net = money(cost.net)
    netPerTeu = cost.netPerTeu.map(money)
    containers = cost.containers.map { box in
      ContainerView(
        container: box.container.text, teu: box.teu,
        lines: box.lines.map { line in
          LineView(
            component: line.component.rawValue, leg: line.leg, basis: line.basis.rawValue, gross: money(line.gross),
            reductions: line.reductions.map { ReductionView(policy: $0.policy, amount: money($0.amount)) }, net: money(line.net))
        })
    }
    asOf = waiting.asOf.description
    self.waiting = WaitingView(waiting.cost)
    stays = waiting.stays.map(StayView.init)
    total = try cost.net.plus(waiting.cost.total).amountText
  }

  public static let lineHeaders = ["container", "component", "leg", "basis", "gross", "reductions", "net"]
  public var lineRows: [[String]] {
    containers.flatMap { box in
      box.lines.map { line in
        [
          box.container, line.component, line.leg.map(String.init) ?? "route", line.basis, line.gross,
          line.reductions.map { "\($0.policy) \($0.amount)" }.joined(separator: "; "), line.net,
        ]
      }
    }
  }
}

/// `corridor report policy-impact --format json` (docs/costs.md "What a policy is worth").
public struct PolicyImpactView: Encodable, Sendable {
  public struct Row: Encodable, Sendable {
    public let corridor: String
    public let policy: String
    public let shipments: Int
    public let gross: String
    public let appliedReduction: String
    public let reductionAsOf: String
    public let difference: String
  }

  public let currency: String
  public let policiesAsOf: String
  public let rows: [Row]

  public init(_ rows: [PolicyImpactRow], currency: Currency, policiesAsOf: Day) {
    self.currency = currency.code
    self.policiesAsOf = policiesAsOf.description
    self.rows = rows.map {
      Row(
        corridor: $0.corridor, policy: $0.policy, shipments: $0.shipments, gross: $0.gross.amountText,
        appliedReduction: $0.appliedReduction.amountText, reductionAsOf: $0.reductionAsOf.amountText, difference: $0.difference.amountText)
    }
  }

  public static let headers = ["corridor", "policy", "shipments", "gross", "appliedReduction", "reductionAsOf", "difference"]
  public var tableRows: [[String]] {
    rows.map { [$0.corridor, $0.policy, String($0.shipments), $0.gross, $0.appliedReduction, $0.reductionAsOf, $0.difference] }
  }
}
