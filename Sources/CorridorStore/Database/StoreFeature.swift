import CorridorModel

/// What a feature brings to the store besides its queries: the tables it audits and the
/// sections of the reference file it reads. A feature
/// declares itself beside its own store code (`extension StoreFeature { static let … }`); the
/// audit trail's list of tables is derived from the features listed here, so adding an audited
/// table touches the feature's file only, and a new feature adds one line below.
struct StoreFeature: Sendable {
  /// Its audited tables: how each row's state is rendered and looked up (`AuditedEntity`).
  let auditedEntities: [AuditedEntity]
  /// Its sections of the reference file, in the order they parse and load (`ReferenceSection`).
  var referenceSections: [ReferenceSection] = []

  /// Every feature, in the order `audit verify` walks their tables and a reference file's
  /// sections parse and load.
  static let all: [StoreFeature] = [
    .network, .containers, .shipments, .events, .costs, .fxRates, .emissions, .access, .notifications, .senderCodes, .freeTime, .customs,
  ]
}
