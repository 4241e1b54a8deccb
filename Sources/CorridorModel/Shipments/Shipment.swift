/// What a shipment carries. A fixed list so reports group cleanly; electric vehicles are a
/// subcategory of automobiles (an automobiles total includes them).
public enum Commodity: String, Sendable, CaseIterable {
  case laptops, motorcycles, automobiles
  case electricVehicles = "electric-vehicles"
  case autoParts = "auto-parts"
  case machinery, electronics, chemicals, agricultural, food, general

  public var parent: Commodity? { self == .electricVehicles ? .automobiles : nil }

  public init(parsing text: String) throws(CorridorError) {
    guard let value = Commodity(rawValue: text.lowercased()) else {
      throw .invalid(
        "unknown commodity \(text.debugDescription); expected one of \(Commodity.allCases.map(\.rawValue).joined(separator: ", "))",
        rule: .commodity)
    }
    self = value
  }
}

/// Derived from events, never stored: see the `shipment_status` view.
public enum ShipmentStatus: String, Sendable, CaseIterable {
  case booked
  case inTransit = "in-transit"
  case customsHold = "customs-hold"
  /// Customs seized a box (`customs record … seized`): its journey ends at the office.
  case heldByCustoms = "held-by-customs"
  case delivered, cancelled

  public var isOpen: Bool { self != .delivered && self != .cancelled }
  /// On its way: in transit or under a customs hold (the boxes the network and the ETA follow).
  public var isMoving: Bool { self == .inTransit || self == .customsHold }
}

/// A booking: what goes where for whom, on which route, worth what.
public struct ShipmentBooking: Sendable, Equatable {
  public var ref: String
  public var route: String
  public var shipper: String
  public var consignee: String
  public var commodity: Commodity
  public var hsCode: String?
  public var value: Money
  public var bookedOn: Day

  public init(
    ref: String, route: String, shipper: String, consignee: String, commodity: Commodity, hsCode: String?, value: Money, bookedOn: Day
  ) {
    self.ref = ref
    self.route = route
    self.shipper = shipper
    self.consignee = consignee
    self.commodity = commodity
    // Empty means absent, as for every optional field.
    self.hsCode = hsCode?.isEmpty == true ? nil : hsCode
    self.value = value
    self.bookedOn = bookedOn
  }

  /// HS codes are 6 to 10 digits.
  public static func validateHSCode(_ code: String) throws(CorridorError) {
    guard (6...10).contains(code.utf8.count), code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
      throw .invalid("invalid HS code \(code.debugDescription): expected 6 to 10 digits", rule: .hsCode)
    }
  }
}

public struct Assignment: Sendable, Equatable {
  public var container: ContainerNumber
  public var grossKg: Int?
  public var seals: [String]

  package init(container: ContainerNumber, grossKg: Int?, seals: [String]) {
    self.container = container
    self.grossKg = grossKg
    self.seals = seals
  }
}

/// A booking and its containers: all that costing and emissions need of a shipment (no status,
/// which is worked out from events and costs a report more than the rest).
public struct BookedShipment: Sendable, Equatable {
  public var booking: ShipmentBooking
  public var containers: [Assignment]

  package init(booking: ShipmentBooking, containers: [Assignment]) {
    self.booking = booking
    self.containers = containers
  }

  public var ref: String { booking.ref }
}

public struct Shipment: Sendable, Equatable {
  public var booking: ShipmentBooking
  public var status: ShipmentStatus
  public var containers: [Assignment]
  public var createdAt: String
  public var createdBy: String
  public var cancellationReason: String?

  package init(
    booking: ShipmentBooking, status: ShipmentStatus, containers: [Assignment], createdAt: String, createdBy: String, cancellationReason: String?
  ) {
    self.booking = booking
    self.status = status
    self.containers = containers
    self.createdAt = createdAt
    self.createdBy = createdBy
    self.cancellationReason = cancellationReason
  }

  public var ref: String { booking.ref }
  public var booked: BookedShipment { BookedShipment(booking: booking, containers: containers) }
}

// The rule ids of bookings and assignments, declared with the feature (no central list: `RuleID`).
extension RuleID {
  public static let alreadyAssigned = RuleID("already-assigned")
  public static let commodity = RuleID("commodity")
  public static let containerBusy = RuleID("container-busy")
  public static let duplicateContainer = RuleID("duplicate-container")
  public static let hsCode = RuleID("hs-code")
  public static let shipmentExists = RuleID("shipment-exists")
  public static let shipmentRef = RuleID("shipment-ref")
  public static let overweight = RuleID("overweight")
  public static let weight = RuleID("weight")
}
