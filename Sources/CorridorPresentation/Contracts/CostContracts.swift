import CorridorInterchange
import CorridorModel
import Foundation

// The JSON and CSV contracts the CLI prints, in the library so that every edge (the CLI, a
// server) returns exactly the same shapes. Keys and their meaning are documented in docs/ (one page per capability).

/// The `cost` JSON contract: `{shipment, currency, teu, gross, reductions, net, netPerTeu,
/// containers: [{container, teu, lines: [{component, leg, basis, gross, reductions: [{policy,
/// amount}], net}]}]}`, money as decimal strings.
public struct CostView: Encodable, Sendable {
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

  public init(_ cost: ShipmentCost) {
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
