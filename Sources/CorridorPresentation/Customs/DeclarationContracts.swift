import CorridorModel

/// `corridor customs show NUMBER --format json` (a contract; docs/customs.md).
public struct DeclarationView: Encodable, Sendable {
  public struct Box: Encodable, Sendable {
    public let container: String
    public let status: String
  }
  public struct Change: Encodable, Sendable {
    public let status: String
    public let at: String
    /// The boxes a partial change named; absent: every box.
    public let containers: [String]?
    public let check: String?
    public let outcome: String?
    public let note: String?
    public let recordedAt: String
    public let `operator`: String
  }
  public struct Value: Encodable, Sendable {
    public let amount: String
    public let currency: String
  }

  public let number: String
  public let foreign: Bool
  public let shipment: String
  public let procedure: String
  public let office: String
  public let mode: String
  public let value: Value?
  public let status: String
  public let declaredAt: String
  public let completedAt: String?
  public let boxes: [Box]
  public let history: [Change]

  public init(_ d: Declaration) {
    number = d.number.text
    foreign = d.number.isForeign
    shipment = d.shipment
    procedure = d.procedure.rawValue
    office = d.office.text
    mode = d.mode.rawValue
    value = d.value.map { Value(amount: $0.amountText, currency: $0.currency.code) }
    status = d.status.rawValue
    declaredAt = d.declaredAt.description
    completedAt = d.completedAt?.description
    boxes = d.boxes.map { Box(container: $0.container.text, status: $0.status.rawValue) }
    history = d.history.map {
      Change(
        status: $0.status.rawValue, at: $0.at.description, containers: $0.containers?.map(\.text), check: $0.check?.rawValue,
        outcome: $0.outcome?.rawValue, note: $0.note, recordedAt: $0.recordedAt, operator: $0.operatorName)
    }
  }

  /// `customs list`: one row a declaration.
  public static let headers = ["number", "shipment", "procedure", "office", "mode", "status", "declaredAt", "boxes"]
  public var row: [String] { [number, shipment, procedure, office, mode, status, declaredAt, String(boxes.count)] }

  /// `customs show`'s history table.
  public static let historyHeaders = ["at", "status", "containers", "check", "outcome", "note", "operator"]
  public var historyRows: [[String]] {
    history.map { [$0.at, $0.status, $0.containers?.joined(separator: " ") ?? "all", $0.check ?? "", $0.outcome ?? "", $0.note ?? "", $0.operator] }
  }
}
