/// One migration, applied (when) or pending: what `db status` shows.
public struct MigrationStatus: Sendable, Equatable {
  public let version: Int
  public let name: String
  public let appliedAt: String?

  package init(version: Int, name: String, appliedAt: String?) {
    self.version = version
    self.name = name
    self.appliedAt = appliedAt
  }
}
