/// `report clearance` (docs/customs.md): how long customs takes and what it checks, by office,
/// commodity, route or month of lodging.
public enum ClearanceGrouping: String, Sendable, CaseIterable {
  case office, commodity, route, month
}

/// What one declaration contributes to the report, as the store reads it.
public struct ClearanceRecord: Sendable, Equatable {
  public var group: String
  /// From its first step to the release of its last box; nil until every box is released (or
  /// seized).
  public var releaseMinutes: Int64?
  /// The checks customs selected it for.
  public var checks: Set<CustomsCheck>
  /// The outcome of each inspection.
  public var outcomes: [InspectionOutcome]
  public var detained: Bool
  public var seized: Bool
  public var rejected: Bool

  public init(
    group: String, releaseMinutes: Int64?, checks: Set<CustomsCheck>, outcomes: [InspectionOutcome], detained: Bool, seized: Bool,
    rejected: Bool
  ) {
    self.group = group
    self.releaseMinutes = releaseMinutes
    self.checks = checks
    self.outcomes = outcomes
    self.detained = detained
    self.seized = seized
    self.rejected = rejected
  }
}

/// One group's figures: declarations, the spread of their release times (nearest rank, as
/// `report transit`), the share selected for each check, inspection outcomes, and the
/// declarations detained, with a seized box, and rejected.
public struct ClearanceGroup: Sendable, Equatable {
  public let group: String
  public let declarations: Int
  /// Nil when none of the group's declarations is released yet.
  public let release: DurationSpread?
  public let selected: [CustomsCheck: Int]
  public let outcomes: [InspectionOutcome: Int]
  public let detained: Int
  public let seized: Int
  public let rejected: Int

  /// The groups of `records`, in the order of their names.
  public static func groups(_ records: [ClearanceRecord]) -> [ClearanceGroup] {
    Dictionary(grouping: records, by: \.group).sorted { $0.key < $1.key }.map { group, records in
      var selected: [CustomsCheck: Int] = [:]
      var outcomes: [InspectionOutcome: Int] = [:]
      for record in records {
        for check in record.checks { selected[check, default: 0] += 1 }
        for outcome in record.outcomes { outcomes[outcome, default: 0] += 1 }
      }
      return ClearanceGroup(
        group: group, declarations: records.count, release: DurationSpread(minutes: records.compactMap(\.releaseMinutes)),
        selected: selected, outcomes: outcomes, detained: records.count(where: \.detained), seized: records.count(where: \.seized),
        rejected: records.count(where: \.rejected))
    }
  }

  /// The share of the group's declarations selected for `check`, in percent with one decimal,
  /// rounded half up in integers ("12.5").
  public func selectedPercent(_ check: CustomsCheck) -> String {
    let tenths = (Int64(selected[check] ?? 0) * 1_000 + Int64(declarations) / 2) / Int64(max(declarations, 1))
    return "\(tenths / 10).\(tenths % 10)"
  }
}

/// What the clearance report and page read from a store (the pages depend on this protocol,
/// never on a database).
public protocol ClearanceReading {
  func clearanceReport(from: Day?, to: Day?, by grouping: ClearanceGrouping, party: String?) throws -> [ClearanceGroup]
  /// The network's places, to name the offices.
  func offices() throws -> [Location]
}
