import CorridorInterchange
import CorridorModel
import SQLite

/// The SQL reading of the event filters: the store's half of `DCSAEventFilter.Selector`, whose
/// predicate half a test holds to the same answers.
extension DCSAEventFilter.Column {
  var sql: String {
    switch self {
    case .code: "e.code"
    case .container: "e.container"
    case .location: "e.location"
    case .vehicle: "e.vehicle"
    }
  }
}

extension DCSAEventFilter.Selector {
  func sql(_ values: [String]) -> (sql: String, arguments: [SQLValue]) {
    switch self {
    case .eventKind:
      let kinds = values.compactMap { type -> String? in
        switch type {
        case "TRANSPORT": "e.code IN ('ARRI', 'DEPA')"
        case "EQUIPMENT": "e.code NOT IN ('ARRI', 'DEPA')"
        default: nil
        }
      }
      return (kinds.isEmpty ? "1 = 0" : "(" + kinds.joined(separator: " OR ") + ")", [])
    case .oneOf(let column):
      return (Conditions.oneOf(column.sql, count: values.count), values.map { .text($0) })
    case .booking:
      return ("(e.shipment = ? OR e.carrier_booking = ?)", [.text(values[0]), .text(values[0])])
    }
  }
}

extension DCSAEventFilter {
  /// Adds the filters' conditions over `events e`.
  func add(to conditions: inout Conditions) {
    for (name, items) in values {
      guard let selector = Self.fields.first(where: { $0.name == name })?.selects else {
        conditions.add("1 = 0", values: [])
        continue
      }
      let (sql, arguments) = selector.sql(items)
      conditions.add(sql, values: arguments)
    }
  }

  /// The condition that keeps a party to its own shipments' events (shipper or consignee).
  static func add(party: String?, to conditions: inout Conditions) {
    guard let party else { return }
    conditions.add("e.shipment IN (\(PartyScope.shipments))", values: PartyScope.arguments(party))
  }
}
