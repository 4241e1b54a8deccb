import CorridorModel

/// An amount in its own currency: `{"amount": "120.00", "currency": "EUR"}` (the amount an
/// exact decimal string in the currency's minor units).
public struct ChargeView: Encodable, Sendable, Equatable {
  public let amount: String
  public let currency: String

  public init(_ money: Money) {
    amount = money.amountText
    currency = money.currency.code
  }
}

/// One priced stay, as `free-time` and `report free-time` print it (docs/waiting-costs.md).
public struct StayView: Encodable, Sendable {
  public let container: String
  @Nullable public var shipment: String?
  public let location: String
  public let kind: String
  public let startedAt: String
  /// The local date, `YYYY-MM-DD`.
  public let lastFreeDay: String
  @Nullable public var endedAt: String?
  public let freeDays: Int
  public let chargeableDays: Int
  public let charge: ChargeView
  /// The rule's name (`DEDUI/demurrage/any/any/any/2023-01-01`).
  public let rule: String
  /// For an open stay with a reporter's estimate of its end: that time, and the charge by then.
  @Nullable public var expectedEndedAt: String?
  @Nullable public var projectedCharge: ChargeView?

  public init(_ stay: PricedStay) {
    container = stay.container.text
    shipment = stay.shipment
    location = stay.location.text
    kind = stay.kind.rawValue
    startedAt = stay.startedAt.description
    lastFreeDay = stay.priced.lastFreeDay.description
    endedAt = stay.endedAt?.description
    freeDays = stay.freeDays
    chargeableDays = stay.priced.chargeableDays
    charge = ChargeView(stay.priced.charge)
    rule = stay.rule
    expectedEndedAt = stay.expectedEndedAt?.description
    projectedCharge = stay.projected.map { ChargeView($0.charge) }
  }

  public static let headers = [
    "location", "kind", "started", "last free day", "ended", "chargeable days", "charge", "currency", "rule", "projected",
  ]
  public var row: [String] {
    [
      location, kind, startedAt, lastFreeDay, endedAt ?? "(open)", String(chargeableDays), charge.amount, charge.currency, rule,
      projectedCharge.map { "\($0.amount) by \(expectedEndedAt ?? "")" } ?? "",
    ]
  }
}

/// `corridor free-time CONTAINER --format json`.
public struct FreeTimeView: Encodable, Sendable {
  public let container: String
  public let asOf: String
  public let stays: [StayView]

  public init(container: ContainerNumber, asOf: EventTime, stays: [PricedStay]) {
    self.container = container.text
    self.asOf = asOf.description
    self.stays = stays.map(StayView.init)
  }
}

/// `corridor report free-time --format json`.
public struct FreeTimeReportView: Encodable, Sendable {
  public struct TotalView: Encodable, Sendable {
    public let location: String
    public let kind: String
    public let stays: Int
    public let charge: ChargeView
  }

  public let asOf: String
  public let within: Int
  public let stays: [StayView]
  public let totals: [TotalView]

  public init(_ report: FreeTimeReport) {
    asOf = report.asOf.description
    within = report.within
    stays = report.stays.map(StayView.init)
    totals = report.totals.map { TotalView(location: $0.location.text, kind: $0.kind.rawValue, stays: $0.stays, charge: ChargeView($0.charge)) }
  }

  public static let headers = ["container", "shipment"] + StayView.headers
  public var rows: [[String]] { stays.map { [$0.container, $0.shipment ?? ""] + $0.row } }
}

extension FreeTimeReading {
  /// `report free-time --format html` and `/corridor/v1/pages/free-time`: the money at stake
  /// per place and kind, and every open stay.
  public func freeTimePage(
    asOf: EventTime, within: Int, location: LocationCode? = nil, party: String? = nil, language: PageLanguage = .english
  ) throws -> String {
    let words = Words(language)
    try ReportBounds.checkWithinDays(within)
    let report = try FreeTimeReport(open: try openStays(asOf: asOf, location: location, party: party), asOf: asOf, within: within)
    let view = FreeTimeReportView(report)
    var subtitle = words(.freeTimeSubtitle, words.time(asOf), String(within))
    if let location { subtitle += words(.partSeparator) + words(.partPlace, location.text) }
    subtitle += words.scope(party)
    var page = HTMLPage(title: words(.freeTimeTitle), subtitle: subtitle, language: language)
    for currency in Set(report.totals.map(\.charge.currency.code)).sorted() {
      let totals = report.totals.filter { $0.charge.currency.code == currency }
      let places = totals.reduce(into: [String]()) { if !$0.contains($1.location.text) { $0.append($1.location.text) } }
      let kinds = WaitingKind.allCases.filter { kind in totals.contains { $0.kind == kind } }
      page.add(
        ChartSpec(
          kind: .stackedBars, id: "free-time-\(currency.lowercased())", title: words(.freeTimeChartTitle, currency),
          xLabel: words(.placeAxis), yLabel: words(.chargeAxis, currency), categories: places,
          series: kinds.map { kind in
            let amounts = places.map { place in totals.first { $0.location.text == place && $0.kind == kind }?.charge }
            return ChartSeries(
              name: words.waitingKind(kind), values: amounts.map { $0.flatMap { Double($0.amountText) } ?? 0 },
              labels: amounts.map { $0?.amountText ?? "" })
          }), unit: currency)
    }
    page.addTable(
      words(.totalsHeading), id: "free-time-totals",
      headers: [words(.colPlace), words(.colKind), words(.colStays), words(.colCharge), words(.colCurrency)],
      rows: zip(report.totals, view.totals).map { total, v in
        [v.location, words.waitingKind(total.kind), String(v.stays), v.charge.amount, v.charge.currency]
      }, empty: words(.noOpenStays))
    page.addTable(
      words(.openStaysHeading), id: "free-time-stays",
      headers: [
        words(.colContainer), words(.colShipment), words(.colPlace), words(.colKind), words(.colStarted), words(.colLastFreeDay),
        words(.colChargeableDays), words(.colCharge), words(.colCurrency), words(.colRule),
      ],
      rows: zip(report.stays, view.stays).map { stay, v in
        [
          v.container, v.shipment ?? "", v.location, words.waitingKind(stay.kind), v.startedAt, v.lastFreeDay, String(v.chargeableDays),
          v.charge.amount, v.charge.currency, v.rule,
        ]
      }, empty: words(.noStaysNear))
    return page.render()
  }
}
