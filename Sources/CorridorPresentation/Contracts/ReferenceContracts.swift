import CorridorInterchange
import CorridorModel
import Foundation

// `tariff list`, `policy list`, `fx list`: the JSON rows.

public struct TariffView: Encodable, Sendable {
  public let route: String
  public let leg: Int?
  public let component: String
  public let equipment: String
  public let basis: String
  public let amount: String
  public let currency: String
  public let validFrom: String
  public let validTo: String?
  public let source: String?
  public let illustrative: Bool

  public init(_ tariff: Tariff) {
    route = tariff.route
    leg = tariff.leg
    component = tariff.component.rawValue
    equipment = tariff.equipment.rawValue
    basis = tariff.basis.rawValue
    amount = tariff.amount.amountText
    currency = tariff.amount.currency.code
    validFrom = tariff.validFrom.description
    validTo = tariff.validTo?.description
    source = tariff.source
    illustrative = tariff.illustrative
  }
}

public struct PolicyView: Encodable, Sendable {
  public let name: String
  public let corridor: String
  public let route: String?
  public let kind: String
  public let value: String
  public let currency: String?
  public let components: [String]
  public let cap: String?
  public let capCurrency: String?
  public let origin: String?
  public let commodities: [String]?
  public let validFrom: String
  public let validTo: String?
  public let source: String?
  public let illustrative: Bool
  /// Only for routes of this direction; absent for both ways.
  public let direction: String?

  public init(_ policy: Policy) {
    name = policy.name
    corridor = policy.corridor
    route = policy.route
    kind = policy.kind.rawValue
    value = policy.value.description
    currency = policy.currency?.code
    components = policy.components.map(\.rawValue)
    cap = policy.cap?.amountText
    capCurrency = policy.cap?.currency.code
    origin = policy.origin?.text
    commodities = policy.commodities?.map(\.rawValue)
    validFrom = policy.validFrom.description
    validTo = policy.validTo?.description
    source = policy.source
    illustrative = policy.illustrative
    direction = policy.direction?.rawValue
  }
}

public struct FXRateView: Encodable, Sendable {
  public let date: String
  public let base: String
  public let quote: String
  public let rate: String

  public init(_ rate: FXRate) {
    date = rate.date.description
    base = rate.base.code
    quote = rate.quote.code
    self.rate = rate.rate.description
  }
}

/// `audit log`: one entry (the state in full; tables show the hash's first 16 digits).
public struct AuditEntryView: Encodable, Sendable {
  public let seq: Int64
  public let recordedAt: String
  public let `operator`: String
  public let action: String
  public let entity: String
  public let key: String
  public let state: String
  public let hash: String

  public init(_ entry: AuditEntry) {
    seq = entry.seq
    recordedAt = entry.recordedAt
    self.operator = entry.operatorName
    action = entry.action
    entity = entry.entity
    key = entry.key
    state = entry.state
    hash = entry.hash
  }
}

/// `db status`: the migrations, applied or pending.
public struct MigrationStatusView: Encodable, Sendable {
  public struct Row: Encodable, Sendable {
    public let version: Int
    public let name: String
    public let state: String
    public let appliedAt: String?
  }

  public let database: String
  public let currentVersion: Int
  public let latestVersion: Int
  public let migrations: [Row]

  public init(database: String, statuses: [MigrationStatus]) {
    self.database = database
    migrations = statuses.map {
      Row(version: $0.version, name: $0.name, state: $0.appliedAt == nil ? "pending" : "applied", appliedAt: $0.appliedAt)
    }
    currentVersion = migrations.last { $0.appliedAt != nil }?.version ?? 0
    latestVersion = migrations.last?.version ?? 0
  }
}
