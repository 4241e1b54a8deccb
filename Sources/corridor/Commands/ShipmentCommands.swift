import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct ShipmentGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "shipment",
      abstract: "Book shipments, assign containers, cancel.",
      subcommands: [Create.self, Assign.self, Show.self, List.self, Cancel.self]
    )
  }
}

extension ShipmentStatus: ExpressibleByArgument {}

extension Corridor.ShipmentGroup {
  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Book a shipment on a route.")
    @Argument(help: "Shipment reference, e.g. CQ24-0815.") var ref: String
    @Option(help: "Route code (see `corridor network routes`).") var route: String
    @Option(help: "Shipper name.") var shipper: String
    @Option(help: "Consignee name.") var consignee: String
    @Option(help: "Commodity: \(Commodity.allCases.map(\.rawValue).joined(separator: ", ")).") var commodity: String
    @Option(name: .customLong("hs"), help: "HS code, 6 to 10 digits.") var hs: String?
    @Option(parsing: .unconditional, help: "Declared value, a decimal such as 1250000.00.") var value: String
    @Option(help: "ISO 4217 currency of the value.") var currency: String
    @Option(help: "Booking date, YYYY-MM-DD.") var booked: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let currency = try Currency(parsing: currency)
      let booking = ShipmentBooking(
        ref: ref, route: route, shipper: shipper, consignee: consignee, commodity: try Commodity(parsing: commodity), hsCode: hs,
        value: try Money(parsing: value, currency: currency), bookedOn: try Day(parsing: booked))
      let created = try database.open().shipmentStore.createShipment(booking, operator: op.resolved)
      Console.line(created ? "booked \(ref) on \(route)" : "\(ref) is already booked with these details; nothing changed")
    }
  }

  struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put a registered container on a shipment.")
    @Argument(help: "Shipment reference.") var ref: String
    @Argument(help: "Container number.") var container: String
    @Option(name: .customLong("gross-kg"), parsing: .unconditional, help: "Gross weight in kg (within the container's max gross).") var grossKg: Int?
    @Option(name: .customLong("seal"), help: "Seal number (repeatable).") var seals: [String] = []
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let number = try Parse.container(container)
      let assigned = try database.open().shipmentStore.assign(
        number, to: ref, grossKg: grossKg, seals: seals, operator: op.resolved)
      Console.line(assigned ? "assigned \(number) to \(ref)" : "\(number) is already on \(ref); nothing changed")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a shipment with its containers and status.")
    @Argument(help: "Shipment reference.") var ref: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      let shipment = try db.shipmentStore.requireShipment(ref)
      let view = ShipmentView(shipment, direction: try db.networkStore.route(shipment.booking.route)?.direction)
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .csv: Console.out(Render.csv(ShipmentView.headers, [view.row]))
      case .table:
        Console.out(Render.table(ShipmentView.headers, [view.row], money: ["value"]))
        if !view.containers.isEmpty {
          Console.line("")
          Console.out(
            Render.table(
              ["container", "grossKg", "seals"],
              view.containers.map { [$0.container, $0.grossKg.map(String.init) ?? "", $0.seals.joined(separator: " ")] }))
        }
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List shipments.")
    @Option(help: "Only this corridor.") var corridor: String?
    @Option(help: "Only this route.") var route: String?
    @Option(help: "Only routes of this direction: export, import, transit or domestic.") var direction: RouteDirection?
    @Option(help: "Only this status: booked, in-transit, customs-hold, held-by-customs, delivered, cancelled.") var status: ShipmentStatus?
    @Option(help: "Booked on or after this date.") var from: String?
    @Option(help: "Booked on or before this date.") var to: String?
    @Option(parsing: .unconditional, help: "At most this many shipments (a page).") var limit: Int?
    @Option(help: "Only shipments after this one (the last reference of the previous page).") var after: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
      if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
      let db = try database.open()
      let filter = ShipmentFilter(
        corridor: corridor, route: route, status: status, from: try from.map(Day.init(parsing:)), to: try to.map(Day.init(parsing:)),
        limit: limit, after: after, routes: try db.networkStore.routeCodes(direction))
      try db.networkStore.requireFilters(corridor: corridor, route: route)
      let directions = Dictionary(try db.networkStore.routes().map { ($0.code, $0.direction) }, uniquingKeysWith: { a, _ in a })
      let views = try db.shipmentStore.shipments(filter).map { ShipmentView($0, direction: directions[$0.booking.route] ?? nil) }
      try Render.emit(output.format, json: views, headers: ShipmentView.headers, rows: views.map(\.row), money: ["value"])
    }
  }

  struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel an open shipment.")
    @Argument(help: "Shipment reference.") var ref: String
    @Option(help: "Why it is cancelled.") var reason: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let cancelled = try database.open().shipmentStore.cancelShipment(ref, reason: reason, operator: op.resolved)
      Console.line(cancelled ? "cancelled \(ref)" : "\(ref) was already cancelled; nothing changed")
    }
  }
}
