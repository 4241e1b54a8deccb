import CorridorModel
import Foundation

/// What a page or a table says, in one language: each phrase from that language's catalogue
/// (`EnglishCatalogue`, `ChineseCatalogue`; a test holds them to the same keys), with its
/// arguments put where the language's word order wants them (`{1}`, `{2}`, … in the template, so
/// no sentence is glued from pieces), and places, countries and dates the way its readers write
/// them.
public struct Words: Sendable {
  public let language: PageLanguage

  public init(_ language: PageLanguage) { self.language = language }

  public static let english = Words(.english)

  var catalogue: [Phrase: String] {
    switch language {
    case .english: EnglishCatalogue.phrases
    case .simplifiedChinese: ChineseCatalogue.phrases
    }
  }

  /// The phrases a catalogue lacks (none: a test holds them to it).
  public static var catalogueGaps: (english: [Phrase], chinese: [Phrase]) {
    (Phrase.allCases.filter { EnglishCatalogue.phrases[$0] == nil }, Phrase.allCases.filter { ChineseCatalogue.phrases[$0] == nil })
  }

  /// The phrase with `{1}`, `{2}`, … replaced by the arguments. A phrase missing from a
  /// catalogue (a test forbids it) falls back to English, then to its key.
  /// One pass over the template: an argument that itself holds `{1}` (a party's name is data)
  /// is never read as a placeholder.
  public func callAsFunction(_ phrase: Phrase, _ arguments: String...) -> String {
    let template = Array(catalogue[phrase] ?? EnglishCatalogue.phrases[phrase] ?? phrase.rawValue)
    var text = ""
    var i = 0
    while i < template.count {
      if template[i] == "{", i + 2 < template.count, template[i + 2] == "}", let n = template[i + 1].wholeNumberValue, n >= 1,
        n <= arguments.count
      {
        text += arguments[n - 1]
        i += 3
      } else {
        text.append(template[i])
        i += 1
      }
    }
    return text
  }

  /// A place's name: in Chinese where the reference data has one (`nameZh`), else its name.
  public func place(_ location: Location) -> String { named(location.name, chinese: location.nameZh) }

  /// A place's short name for a map label: without the explanation in brackets
  /// ("Pingxiang (Friendship Pass)" is "Pingxiang", "凭祥（友谊关）" is "凭祥").
  public func shortPlace(_ location: Location) -> String {
    let name = place(location)
    let cut = name.firstIndex { $0 == "(" || $0 == "（" } ?? name.endIndex
    let short = name[..<cut].trimmingCharacters(in: .whitespaces)
    return short.isEmpty ? name : short
  }

  /// A country's name by ISO 3166-1 alpha-2 code: Natural Earth's `english` name, or the
  /// Chinese catalogue's; nil where it has none (the map then leaves the country unnamed).
  public func country(_ iso: String, english: String) -> String? {
    switch language {
    case .english: english
    case .simplifiedChinese: ChineseCatalogue.countries[iso]
    }
  }

  /// A route's name: its `nameZh` in Chinese where it has one.
  public func routeName(_ route: Route) -> String { named(route.name, chinese: route.nameZh) }

  /// A policy's name: its `nameZh` in Chinese where it has one.
  public func policyName(_ policy: Policy) -> String { named(policy.name, chinese: policy.nameZh) }

  /// A corridor's name: the shipped corridors have one in Chinese; others keep theirs.
  public func corridorName(_ corridor: CorridorInfo) -> String {
    named(corridor.name, chinese: ChineseCatalogue.corridors[corridor.code])
  }

  /// A name in the page's language: the Chinese one in Chinese where there is one, else as given.
  func named(_ name: String, chinese: String?) -> String { language == .simplifiedChinese ? chinese ?? name : name }

  public func mode(_ mode: TransportMode) -> String {
    switch mode {
    case .rail: self(.modeRail)
    case .sea: self(.modeSea)
    case .road: self(.modeRoad)
    case .river: self(.modeRiver)
    }
  }

  /// What happens at a leg's end: a border crossing, a gauge change, or both.
  public func marks(of leg: Leg) -> String {
    [leg.borderCrossing ? self(.markBorderCrossing) : nil, leg.gaugeChange ? self(.markGaugeChange) : nil].compactMap { $0 }
      .joined(separator: self(.listSeparator))
  }

  /// What a place is; a place where the gauge changes is called that first.
  public func kind(of location: Location, gaugeChange: Bool) -> String {
    dwellKind(gaugeChange ? "gauge-change" : location.kind.rawValue)
  }

  /// What a party-scoped page says after its subtitle: whose shipments it shows.
  public func scope(_ party: String?) -> String { party.map { self(.scopeParty, $0) } ?? "" }

  /// A day in running text: `2024-12-20`, or `2024年12月20日`. Tables keep ISO dates.
  public func day(_ day: Day) -> String {
    switch language {
    case .english: return day.description
    case .simplifiedChinese:
      let parts = day.description.split(separator: "-").compactMap { Int($0) }
      guard parts.count == 3 else { return day.description }
      return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }
  }

  /// A moment in running text, in UTC: `2024-12-20T00:00:00Z`, or `2024年12月20日 00:00 UTC`.
  public func time(_ time: EventTime) -> String {
    switch language {
    case .english: return time.utc
    case .simplifiedChinese:
      let text = time.utc
      guard let day = try? Day(parsing: String(text.prefix(10))) else { return text }
      let clock = text.dropFirst(11).prefix(5)
      return "\(self.day(day)) \(clock) UTC"
    }
  }

  /// A count with the noun that fits it ("1 box", "3 boxes"; Chinese nouns do not change).
  public func count(_ n: Int, _ one: Phrase, _ many: Phrase) -> String { self(n == 1 ? one : many, String(n)) }
}

extension Words {
  /// The booking period under a page's title: when, which corridor, route or direction, in
  /// what currency.
  public func period(from: Day?, to: Day?, corridor: String?, route: String?, currency: String, direction: RouteDirection? = nil) -> String {
    subtitle(
      self(.periodBooked, self.from(from), self.to(to)), corridor: corridor, route: route, direction: direction,
      then: [self(.amountsIn, currency)])
  }

  /// A page's subtitle: its period, then the corridor, route and direction it is limited to,
  /// then `then`.
  public func subtitle(_ period: String, corridor: String?, route: String?, direction: RouteDirection?, then: [String] = []) -> String {
    var parts = [period]
    if let corridor { parts.append(self(.partCorridor, corridor)) }
    if let route { parts.append(self(.partRoute, route)) }
    if let direction { parts.append(self(.partDirection, self.direction(direction))) }
    return (parts + then).joined(separator: self(.partSeparator))
  }

  /// "from 2024-01-01" or "from the start".
  public func from(_ day: Day?) -> String { day.map { self(.fromDay, self.day($0)) } ?? self(.fromStart) }

  /// "to 2024-12-31" or "to date".
  public func to(_ day: Day?) -> String { day.map { self(.toDay, self.day($0)) } ?? self(.toDate) }

  /// A commodity by its code (`Commodity`); an unknown code as it is.
  public func direction(_ direction: RouteDirection) -> String {
    named(direction.rawValue, chinese: ChineseCatalogue.directions[direction.rawValue])
  }

  public func procedure(_ procedure: CustomsProcedure) -> String {
    named(procedure.rawValue, chinese: ChineseCatalogue.procedures[procedure.rawValue])
  }

  /// What an ETA rests on (`ETABasis`), in this language; English is the model's `text`, which
  /// the JSON and the published estimates' notes carry.
  public func etaBasis(_ basis: ETABasis) -> String {
    switch language {
    case .english: basis.text
    case .simplifiedChinese: ChineseCatalogue.etaBasis(basis)
    }
  }

  public func commodity(_ code: String) -> String { named(code, chinese: ChineseCatalogue.commodities[code]) }

  /// An exception's kind (`ExceptionItem.kind`).
  public func exceptionKind(_ kind: String) -> String {
    switch kind {
    case "allow-gap": self(.exceptionAllowGap)
    case "off-route": self(.exceptionOffRoute)
    case "stale": self(.exceptionStale)
    case "customs-hold": self(.exceptionCustomsHold)
    case "declaration-open": self(.exceptionDeclarationOpen)
    case "declaration-overdue": self(.exceptionDeclarationOverdue)
    default: kind
    }
  }

  /// Why an item is an exception, with its figures.
  public func detail(of item: ExceptionItem) -> String {
    switch item.reason {
    case .allowGap(let code, let rule): self(.detailAllowGap, code, rule)
    case .offRoute(let code, let location): self(.detailOffRoute, code, location.text)
    case .stale(let hours, let since, let threshold): self(.detailStale, String(hours), since, String(threshold))
    case .customsHold(let code, let hours, let threshold): self(.detailCustomsHold, code, String(hours), String(threshold))
    case .declarationOpen(let number, let status, let hours, let threshold):
      self(.detailDeclarationOpen, number, cell(status), String(hours), String(threshold))
    case .completeDeclarationOverdue(let number, let days): self(.detailDeclarationOverdue, number, String(days))
    }
  }

  /// A place's kind: a `LocationKind`, or as the transit report writes it (`gauge change`,
  /// `border crossing`).
  public func dwellKind(_ kind: String) -> String {
    if kind == "gauge change" || kind == "gauge-change" { return self(.kindGaugeChange) }
    guard let kind = LocationKind(rawValue: kind == "border crossing" ? LocationKind.borderCrossing.rawValue : kind) else { return kind }
    switch kind {
    case .city: return self(.kindCity)
    case .railTerminal: return self(.kindRailTerminal)
    case .seaport: return self(.kindSeaport)
    case .inlandPort: return self(.kindInlandPort)
    case .borderCrossing: return self(.kindBorderCrossing)
    case .bondedZone: return self(.kindBondedZone)
    case .depot: return self(.kindDepot)
    }
  }

  public func waitingKind(_ kind: WaitingKind) -> String {
    switch kind {
    case .demurrage: self(.waitingDemurrage)
    case .detention: self(.waitingDetention)
    case .storage: self(.waitingStorage)
    }
  }
}

extension Words {
  /// A table's column name: the JSON key in English, its Chinese name in Chinese.
  public func header(_ key: String) -> String { named(key, chinese: ChineseCatalogue.headers[key]) }

  /// A table cell: a fixed word (a kind, a state, a mode) in the table's language; anything else
  /// (codes, numbers, names) as it is.
  public func cell(_ text: String) -> String { named(text, chinese: ChineseCatalogue.cellWords[text]) }
}

extension Words {
  /// What an event code means ("loaded"; "装载").
  public func meaning(_ code: EventCode) -> String { named(code.meaning, chinese: ChineseCatalogue.eventMeanings[code.rawValue]) }
}
