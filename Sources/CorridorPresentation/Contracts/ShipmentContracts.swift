import CorridorInterchange
import CorridorModel
import Foundation

// The JSON and CSV contracts the CLI prints, in the library so that every edge (the CLI, a
// server) returns exactly the same shapes. Keys and their meaning are documented in docs/ (one page per capability).

public struct ShipmentView: Encodable, Sendable {
  public struct ContainerLine: Encodable, Sendable {
    public let container: String
    public let grossKg: Int?
    public let seals: [String]
  }

  public let ref: String
  public let route: String
  public let shipper: String
  public let consignee: String
  public let commodity: String
  public let hsCode: String?
  public let value: String
  public let currency: String
  public let booked: String
  public let status: String
  public let cancellationReason: String?
  public let containers: [ContainerLine]
  /// The route's direction (export, import, transit, domestic), which the shipment inherits.
  public let direction: String?

  public init(_ s: Shipment, direction: RouteDirection? = nil) {
    self.direction = direction?.rawValue
    ref = s.ref
    route = s.booking.route
    shipper = s.booking.shipper
    consignee = s.booking.consignee
    commodity = s.booking.commodity.rawValue
    hsCode = s.booking.hsCode
    value = s.booking.value.amountText
    currency = s.booking.value.currency.code
    booked = s.booking.bookedOn.description
    status = s.status.rawValue
    cancellationReason = s.cancellationReason
    containers = s.containers.map { ContainerLine(container: $0.container.text, grossKg: $0.grossKg, seals: $0.seals) }
  }

  public static let headers = ["ref", "route", "booked", "status", "commodity", "value", "currency", "containers", "shipper", "consignee"]
  public var row: [String] {
    [ref, route, booked, status, commodity, value, currency, String(containers.count), shipper, consignee]
  }
}

/// JSON face of a registered container.
public struct ContainerView: Encodable, Sendable {
  public let number: String
  public let sizeType: String
  public let lengthFeet: Int
  public let height: String
  public let typeGroup: String
  public let teu: Int
  public let tareKg: Int?
  public let maxGrossKg: Int?
  public let createdAt: String
  public let createdBy: String
  /// The pre-1995 size-type code a feed sent, when the box was registered from one.
  public let sizeTypeAsSent: String?
  /// `carrier` or `shipper` when recorded (`container add --owner`).
  public let owner: String?

  public init(_ c: Container) {
    number = c.number.text
    sizeType = c.sizeType.code
    lengthFeet = c.sizeType.lengthFeet
    height = c.sizeType.height.rawValue
    typeGroup = c.sizeType.typeGroup.rawValue
    teu = c.sizeType.teu
    tareKg = c.tareKg
    maxGrossKg = c.maxGrossKg
    createdAt = c.createdAt
    createdBy = c.createdBy
    sizeTypeAsSent = c.sizeTypeAsSent
    owner = c.owner?.rawValue
  }

  public static let headers = ["number", "sizeType", "length", "height", "type", "teu", "tareKg", "maxGrossKg"]
  public var row: [String] {
    [number, sizeType, "\(lengthFeet) ft", height, typeGroup, String(teu), tareKg.map(String.init) ?? "", maxGrossKg.map(String.init) ?? ""]
  }
}
