/// The bounds of report parameters, one rule for every edge (the CLI's flags, the pages' query).
public enum ReportBounds {
  /// The hours of silence `report exceptions` takes.
  public static func checkStaleHours(_ hours: Int) throws(CorridorError) {
    guard (1...1_000_000).contains(hours) else { throw CorridorError(.usage, "--stale-hours must be between 1 and 1000000") }
  }

  /// How many days ahead `report free-time` looks for last free days (`--within`, the page's
  /// `within`): a bound, so the as-of day plus it is always a day.
  public static func checkWithinDays(_ days: Int) throws(CorridorError) {
    guard (0...3_650).contains(days) else { throw CorridorError(.usage, "--within must be between 0 and 3650 days, not \(days)") }
  }

  /// The years an export report takes (the CLI's `--year`/`--compare`, the pages' `year`/`compare`).
  public static func checkReportYears(year: Int, compare: Int?) throws(CorridorError) {
    guard (1900...2200).contains(year), compare.map({ (1900...2200).contains($0) }) ?? true else {
      throw CorridorError(.usage, "years must be between 1900 and 2200")
    }
    // Comparing a year with itself counted every shipment twice.
    if compare == year { throw CorridorError(.usage, "--compare \(year) is the reported year; compare with another year") }
  }
}
