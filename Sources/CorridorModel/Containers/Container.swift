/// A registered container (equipment).
public struct Container: Sendable, Equatable {
  public var number: ContainerNumber
  public var sizeType: SizeType
  public var tareKg: Int?
  public var maxGrossKg: Int?
  public var createdAt: String
  public var createdBy: String
  /// The pre-1995 code a feed sent, when the size-type was read from one (`SizeType.legacy`).
  public var sizeTypeAsSent: String? = nil
  /// Who owns the box; nil: not recorded (only free-time rules for any owner price it, docs/waiting-costs.md).
  public var owner: ContainerOwnership? = nil

  package init(
    number: ContainerNumber, sizeType: SizeType, tareKg: Int?, maxGrossKg: Int?, createdAt: String, createdBy: String, sizeTypeAsSent: String? = nil,
    owner: ContainerOwnership? = nil
  ) {
    self.number = number
    self.sizeType = sizeType
    self.tareKg = tareKg
    self.maxGrossKg = maxGrossKg
    self.createdAt = createdAt
    self.createdBy = createdBy
    self.sizeTypeAsSent = sizeTypeAsSent
    self.owner = owner
  }
}
