import Foundation

/// The DCSA Track & Trace 2.2 event filters, as `GET /v2/events` takes them in its query and a
/// subscription in its body: one definition, so that a subscription delivers exactly what the
/// same filters return when polled (docs/server.md "DCSA Track & Trace 2.2").
///
/// Filters are ANDed; a list is ORed within. A filter on data Corridor does not keep (shipment
/// events, transport documents, vessel IMO numbers, …) is accepted and matches nothing, as DCSA
/// describes for contradicting filters.
public struct DCSAEventFilter: Sendable, Equatable {
  /// Field name → values as given (a scalar field has one), in field order.
  public private(set) var values: [(name: String, values: [String])] = []

  public static func == (a: Self, b: Self) -> Bool {
    a.values.elementsEqual(b.values) { $0.name == $1.name && $0.values == $1.values }
  }

  /// How a filter field reads and what it selects.
  package struct Field: Sendable {
    package let name: String
    package let isList: Bool
    /// The values it takes, when it is a code list.
    package var allowed: [String]? = nil
    package var maxLength = 100
    /// DCSA declares the value a UUID.
    package var isUUID = false
    /// What it selects, or nil: Corridor keeps no such data, so the filter matches nothing.
    package var selects: Selector? = nil
  }

  /// A column of `events e` that a filter compares, and the same value of a recorded event.
  package enum Column: Sendable {
    case code, container, location, vehicle

    package func value(of event: MovementEvent) -> String? {
      switch self {
      case .code: event.code.rawValue
      case .container: event.container.text
      case .location: event.location.text
      case .vehicle: event.report.vehicle
      }
    }
  }

  /// What a filter selects, declared once and read two ways (the SQL reading is the store's,
  /// `DCSAEventFilter+SQL.swift`): as SQL over `events e` (`GET /v2/events`, which pages through a year) and as a predicate on a recorded
  /// event (matching the few events of a write against every subscription, whose cost must not
  /// grow with their number). A test holds the two to the same answers.
  package enum Selector: Sendable {
    /// `eventType`: TRANSPORT (ARRI, DEPA) or EQUIPMENT (every other code).
    case eventKind
    /// The column's value is one of the values.
    case oneOf(Column)
    /// The event's shipment or carrier booking is the value.
    case booking

    package func matches(_ values: [String], _ event: MovementEvent) -> Bool {
      switch self {
      case .eventKind:
        values.contains { ($0 == "TRANSPORT" && event.code.isTransport) || ($0 == "EQUIPMENT" && !event.code.isTransport) }
      case .oneOf(let column):
        column.value(of: event).map(values.contains) ?? false
      case .booking:
        event.report.shipment == values[0] || event.report.carrierBooking == values[0]
      }
    }
  }

  package static let equipmentCodes = EventCode.allCases.filter { !$0.isTransport }.map(\.rawValue)
  package static let transportCodes = EventCode.allCases.filter(\.isTransport).map(\.rawValue)

  package static let fields: [Field] = [
    Field(name: "eventType", isList: true, allowed: ["SHIPMENT", "TRANSPORT", "EQUIPMENT"], selects: .eventKind),
    Field(name: "shipmentEventTypeCode", isList: true),
    Field(name: "documentTypeCode", isList: true),
    Field(name: "equipmentEventTypeCode", isList: true, allowed: equipmentCodes, selects: .oneOf(.code)),
    Field(name: "transportEventTypeCode", isList: true, allowed: transportCodes, selects: .oneOf(.code)),
    Field(name: "equipmentReference", isList: false, maxLength: 15, selects: .oneOf(.container)),
    Field(name: "carrierBookingReference", isList: false, maxLength: 35, selects: .booking),
    Field(name: "bookingReference", isList: false, maxLength: 35, selects: .booking),
    Field(name: "UNLocationCode", isList: false, maxLength: 5, selects: .oneOf(.location)),
    Field(name: "exportVoyageNumber", isList: false, maxLength: 50, selects: .oneOf(.vehicle)),
    Field(name: "carrierVoyageNumber", isList: false, maxLength: 50, selects: .oneOf(.vehicle)),
    Field(name: "transportDocumentReference", isList: false, maxLength: 20),
    Field(name: "transportDocumentID", isList: false, isUUID: true),
    Field(name: "transportDocumentTypeCode", isList: true),
    Field(name: "transportCallID", isList: false),
    Field(name: "vesselIMONumber", isList: false, maxLength: 7),
    Field(name: "carrierServiceCode", isList: false, maxLength: 5),
    Field(name: "scheduleID", isList: false, isUUID: true),
  ]

  public static var names: [String] { fields.map(\.name) }

  /// Whether the filters that select boxes (`equipmentReference`) let this box through: what a
  /// notification about a box rather than an event (a free-time alert) is matched on.
  public func admits(container: ContainerNumber) -> Bool {
    Self.fields.allSatisfy { field in
      guard case .oneOf(.container)? = field.selects, let given = values.first(where: { $0.name == field.name }) else { return true }
      return given.values.contains(container.text)
    }
  }

  public init() {}

  /// Sets a field from its text: a comma-separated list for list fields. Refuses unknown
  /// codes and over-long values, naming the field.
  public mutating func set(_ name: String, text: String) throws(CorridorError) {
    guard let field = Self.fields.first(where: { $0.name == name }) else {
      throw .invalid("\(name) is not a DCSA event filter", rule: .eventFilter)
    }
    let items = field.isList ? text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [text]
    try set(field, items)
  }

  /// Sets a list field from its items (a subscription body's JSON array).
  public mutating func set(_ name: String, items: [String]) throws(CorridorError) {
    guard let field = Self.fields.first(where: { $0.name == name }) else {
      throw .invalid("\(name) is not a DCSA event filter", rule: .eventFilter)
    }
    try set(field, items)
  }

  private mutating func set(_ field: Field, _ items: [String]) throws(CorridorError) {
    guard !items.isEmpty, items.count <= 50 else { throw .invalid("\(field.name): give 1 to 50 values", rule: .eventFilter) }
    for item in items {
      guard !item.isEmpty, item.utf8.count <= field.maxLength * 4, item.count <= field.maxLength else {
        throw .invalid("\(field.name): a value is empty or longer than \(field.maxLength) characters", rule: .eventFilter)
      }
      if field.isUUID, UUID(uuidString: item) == nil {
        throw .invalid("\(field.name): \(item.prefix(40).debugDescription) is not a UUID", rule: .eventFilter)
      }
      if let allowed = field.allowed, !allowed.contains(item) {
        throw .invalid("\(field.name): \(item.debugDescription) is not one of \(allowed.joined(separator: ", "))", rule: .eventFilter)
      }
    }
    values.removeAll { $0.name == field.name }
    values.append((field.name, items))
    values.sort { a, b in Self.order(a.name) < Self.order(b.name) }
  }

  public func isList(_ name: String) -> Bool { Self.fields.first { $0.name == name }?.isList ?? false }

  private static func order(_ name: String) -> Int { fields.firstIndex { $0.name == name } ?? fields.count }

  /// The filters as a JSON object (lists as arrays): a subscription's stored and returned form.
  public var json: CanonicalJSON {
    .object(
      Dictionary(
        uniqueKeysWithValues: values.map { item in
          (item.name, isList(item.name) ? CanonicalJSON.array(item.values.map { .string($0) }) : .string(item.values[0]))
        }))
  }

  /// The filters of a JSON object: a subscription's body (members that are not filters, such as
  /// `callbackUrl`, are left to the caller; null and empty lists mean no filter), the stored
  /// form and a cursor's. A string for a list filter is comma-separated, as in a query.
  public init(json node: JSONNode) throws(CorridorError) {
    guard case .object(let members) = node.value else { throw .invalid("filters must be an object", rule: .eventFilter) }
    for (name, value) in members where Self.names.contains(name) {
      switch value.value {
      case .null: continue
      case .string(let text): try set(name, text: text)
      case .array(let items) where items.isEmpty: continue
      case .array(let items):
        try set(
          name,
          items: items.map { item throws(CorridorError) -> String in
            guard case .string(let text) = item.value else { throw .invalid("\(name) takes strings", rule: .eventFilter) }
            return text
          })
      default: throw .invalid("\(name) must be a string or an array of strings", rule: .eventFilter)
      }
    }
  }

  /// Whether a recorded event passes the filters: the same answer as `add(to:)` gives in SQL.
  package func matches(_ event: MovementEvent) -> Bool {
    values.allSatisfy { name, items in Self.fields.first { $0.name == name }?.selects?.matches(items, event) ?? false }
  }
}

// The rule ids of keys, subscriptions and the API, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let apiKey = RuleID("api-key")
  public static let callbackURL = RuleID("callback-url")
  public static let cursor = RuleID("cursor")
  public static let eventFilter = RuleID("event-filter")
  public static let subscription = RuleID("subscription")
  public static let party = RuleID("party")
}
