import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

extension Corridor {
  struct TariffGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "tariff", abstract: "What each cost component costs on a route or leg.", subcommands: [Add.self, List.self])
  }

  struct PolicyGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "policy", abstract: "Freight-cost reduction policies.", subcommands: [Add.self, List.self])
  }

  struct FX: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fx", abstract: "Exchange rates (1 BASE = RATE QUOTE).", subcommands: [Add.self, List.self])
  }

  struct Cost: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "A shipment's freight cost per container and component: gross, each policy's reduction, net.")
    @Argument(help: "Shipment reference.") var shipment: String
    @Option(help: "Reporting currency (default CNY).") var currency: String = "CNY"
    @Option(name: .customLong("fx-at"), help: "Convert at this date's rates instead of the booked date's.") var fxAt: String?
    @Option(name: .customLong("as-of"), help: "Waiting costs incurred up to this instant (ISO 8601 with offset). Default: now.")
    var asOf: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let currency = try Currency(parsing: currency)
      let fxAt = try fxAt.map(Day.init(parsing:))
      let db = try database.open()
      let asOf = try asOf.map(EventTime.init(parsing:)) ?? db.clock.now()
      let view = try CostView(
        try db.costStore.cost(of: shipment, currency: currency, fxAt: fxAt),
        waiting: try db.costStore.waiting(of: shipment, currency: currency, fxAt: fxAt, asOf: asOf))
      switch output.format {
      case .json: Console.out(try Render.json(view))
      case .csv: Console.out(Render.csv(CostView.lineHeaders, view.lineRows))
      case .table:
        let money = Render.grouped
        Console.line(
          "\(view.shipment): \(view.teu) TEU, gross \(money(view.gross)), reductions \(money(view.reductions)), net \(money(view.net)) "
            + view.currency + (view.netPerTeu.map { " (\(money($0)) per TEU)" } ?? ""))
        Console.out(Render.table(CostView.lineHeaders, view.lineRows, money: ["gross", "net"]))
        Console.line(
          "waiting as of \(view.asOf): demurrage \(money(view.waiting.demurrage)), detention \(money(view.waiting.detention)), storage "
            + "\(money(view.waiting.storage)), total \(money(view.waiting.total)); freight and waiting \(money(view.total)) \(view.currency)")
        // The stays that cost or may yet cost something (JSON lists every stay).
        let charged = view.stays.filter { $0.chargeableDays > 0 || $0.endedAt == nil }
        if !charged.isEmpty { Console.out(Render.table(["container"] + StayView.headers, charged.map { [$0.container] + $0.row })) }
      }
    }
  }
}

extension Corridor.TariffGroup {
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add a tariff; one overlapping another for the same route, leg, component and equipment is refused.")
    @Option(help: "Route code.") var route: String
    @Option(parsing: .unconditional, help: "1-based leg; omit for the whole route.") var leg: Int?
    @Option(help: "base, thc, baf, border, customs, security, documentation or other.") var component: String
    @Option(help: "20, 40, 45 or any.") var equipment: String
    @Option(help: "container, teu or shipment.") var basis: String
    @Option(parsing: .unconditional, help: "Amount, a decimal such as 6500.00.") var amount: String
    @Option(help: "ISO 4217 currency.") var currency: String
    @Option(help: "Valid from, YYYY-MM-DD.") var from: String
    @Option(help: "Valid to (inclusive), YYYY-MM-DD.") var to: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      let currency = try Currency(parsing: currency)
      let tariff = Tariff(
        route: route, leg: leg, component: try CostComponent(parsing: component), equipment: try Equipment(parsing: equipment),
        basis: try TariffBasis(parsing: basis), amount: try Money(parsing: amount, currency: currency), validFrom: try Day(parsing: from),
        validTo: try to.map(Day.init(parsing:)))
      let added = try database.open().costStore.addTariff(tariff, operator: op.resolved)
      Console.line(
        added ? "added tariff \(tariff.describe): \(tariff.amount) per \(tariff.basis.rawValue)" : "identical tariff exists; nothing changed")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List tariffs.")
    @Option(help: "Only this route.") var route: String?
    @Option(help: "Only tariffs valid on this date.") var at: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let db = try database.open()
      try db.networkStore.requireFilters(route: route)
      let views = try db.costStore.tariffs(route: route, on: try at.map(Day.init(parsing:))).map(TariffView.init)
      try Render.emit(
        output.format, json: views, headers: ["route", "leg", "component", "equipment", "basis", "amount", "currency", "from", "to"],
        rows: views.map {
          [
            $0.route, $0.leg.map(String.init) ?? "route", $0.component, $0.equipment, $0.basis, $0.amount, $0.currency, $0.validFrom,
            $0.validTo ?? "",
          ]
        }, money: ["amount"])
    }
  }
}

extension Corridor.PolicyGroup {
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add or update a freight-cost reduction policy by name.")
    @Argument(help: "Policy name.") var name: String
    @Option(help: "Corridor code.") var corridor: String
    @Option(help: "Only this route of the corridor.") var route: String?
    @Option(help: "percent, per-teu or per-container.") var kind: String
    @Option(parsing: .unconditional, help: "Percentage, or amount for fixed kinds (decimal).") var value: String
    @Option(help: "Currency of a fixed amount.") var currency: String?
    @Option(help: "Components it reduces, comma-separated (default base).") var components: String = "base"
    @Option(help: "Most one container can get.") var cap: String?
    @Option(name: .customLong("cap-currency"), help: "Currency of the cap.") var capCurrency: String?
    @Option(help: "Only shipments from this origin (UN/LOCODE).") var origin: String?
    @Option(help: "Only these commodities, comma-separated.") var commodity: String?
    @Option(help: "Only routes of this direction: export, import, transit or domestic (return trains are often supported differently).")
    var direction: RouteDirection?
    @Option(help: "Valid from (booked date), YYYY-MM-DD.") var from: String
    @Option(help: "Valid to (inclusive).") var to: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      guard let value = try? ExactDecimal(parsing: value) else {
        throw CorridorError.invalid("invalid --value \(value.debugDescription): expected a decimal", rule: .policy)
      }
      if (cap == nil) != (capCurrency == nil) { throw ValidationError("--cap and --cap-currency go together") }
      let db = try database.open()
      var cap: Money?
      if let text = self.cap, let code = capCurrency { cap = try Money(parsing: text, currency: try Currency(parsing: code)) }
      let policy = Policy(
        name: name, corridor: corridor, route: route, kind: try PolicyKind(parsing: kind), value: value,
        currency: try currency.map(Currency.init(parsing:)),
        components: try components.split(separator: ",").map { try CostComponent(parsing: String($0)) }, cap: cap,
        origin: try origin.map { try db.networkStore.resolveLocation($0) },
        commodities: try commodity.map { try $0.split(separator: ",").map { try Commodity(parsing: String($0)) } },
        validFrom: try Day(parsing: from), validTo: try to.map(Day.init(parsing:)), direction: direction)
      let changed = try db.costStore.addPolicy(policy, operator: op.resolved)
      Console.line(changed ? "saved policy \(name)" : "policy \(name) unchanged")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List policies.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let views = try database.open().costStore.policies().map(PolicyView.init)
      try Render.emit(
        output.format, json: views, headers: ["name", "corridor", "route", "direction", "kind", "value", "components", "cap", "from", "to"],
        rows: views.map {
          [
            $0.name, $0.corridor, $0.route ?? "", $0.direction ?? "both", $0.kind,
            $0.value + ($0.currency.map { " \($0)" } ?? ($0.kind == "percent" ? "%" : "")),
            $0.components.joined(separator: ","), [$0.cap, $0.capCurrency].compactMap { $0 }.joined(separator: " "), $0.validFrom,
            $0.validTo ?? "",
          ]
        })
    }
  }
}

extension Corridor.FX {
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add or replace a rate: on DATE, 1 BASE = RATE QUOTE.")
    @Option(help: "YYYY-MM-DD.") var date: String
    @Option(help: "Base currency, e.g. USD.") var base: String
    @Option(help: "Quote currency, e.g. CNY.") var quote: String
    @Option(parsing: .unconditional, help: "Exact decimal, e.g. 7.2988.") var rate: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var op: OperatorOptions

    func run() throws {
      guard let value = try? ExactDecimal(parsing: rate) else {
        throw CorridorError.invalid("invalid rate \(rate.debugDescription): expected a decimal such as 7.2988", rule: .fxRate)
      }
      let item = FXRate(date: try Day(parsing: date), base: try Currency(parsing: base), quote: try Currency(parsing: quote), rate: value)
      let changed = try database.open().costStore.addFXRate(item, operator: op.resolved)
      Console.line(changed ? "saved \(item.base)/\(item.quote) \(value) on \(item.date)" : "rate unchanged")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List exchange rates.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
      let views = try database.open().costStore.fxRates().map(FXRateView.init)
      try Render.emit(
        output.format, json: views, headers: ["date", "base", "quote", "rate"], rows: views.map { [$0.date, $0.base, $0.quote, $0.rate] })
    }
  }
}
