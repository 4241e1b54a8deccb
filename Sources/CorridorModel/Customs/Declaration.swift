/// Customs clearance in the ledger (docs/customs.md): a goods declaration, lodged for a shipment's
/// boxes at the office where customs acts, and the statuses customs gives it.

/// Export, import, or transit under customs control (a transit declaration at a border).
public enum CustomsProcedure: String, Sendable, CaseIterable {
  case export, `import`, transit
}

/// China's one-step declaration, or the two-step reform's summary declaration first and the
/// complete one later (the goods may be released in between; the complete step is due within 14
/// days).
public enum DeclarationMode: String, Sendable, CaseIterable {
  case oneStep = "one-step"
  case twoStep = "two-step"
}

/// What customs checks when it selects a declaration.
public enum CustomsCheck: String, Sendable, CaseIterable {
  case document, physical, scan
}

/// What an inspection found.
public enum InspectionOutcome: String, Sendable, CaseIterable {
  case clear, discrepancy, seized
}

/// A goods-declaration number, checked once at the edge. China's has 18 digits: the customs
/// office (4), the year (4), the import/export flag (1: `1` import, `0` export), a sequence (9).
/// Another country's is free text of 1 to 35 characters (as EDIFACT allows), accepted only when
/// said to be foreign.
public struct DeclarationNumber: Hashable, Sendable, CustomStringConvertible {
  public let text: String
  public let isForeign: Bool

  /// Trusted: read back from the ledger, which checked it when it was declared.
  package init(stored text: String, foreign: Bool) {
    self.text = text
    self.isForeign = foreign
  }

  /// Checks `text` for a declaration of `procedure` declared on `day`.
  public init(parsing text: String, foreign: Bool, procedure: CustomsProcedure, declaredOn day: Day) throws(CorridorError) {
    if foreign {
      guard (1...35).contains(text.count), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }),
        !text.trimmingSpaces.isEmpty
      else {
        throw .invalid("a foreign declaration number is 1 to 35 printable characters, got \(text.debugDescription)", rule: .declarationNumber)
      }
      self.init(stored: text, foreign: true)
      return
    }
    let digits = Array(text.utf8)
    guard digits.count == 18 else {
      throw .invalid(
        "declaration number \(text.debugDescription) has \(text.count) characters; China's has 18 digits (office 4, year 4, flag 1, sequence 9)",
        rule: .declarationNumber, hint: "a number from another country's customs: add --foreign")
    }
    guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
      throw .invalid("declaration number \(text.debugDescription) holds a character that is not a digit", rule: .declarationNumber)
    }
    let year = Int(String(decoding: digits[4..<8], as: UTF8.self)) ?? 0
    guard (2000...2099).contains(year) else {
      throw .invalid("declaration number \(text): year \(year) (digits 5-8) is outside 2000-2099", rule: .declarationNumber)
    }
    guard year <= day.year else {
      throw .invalid("declaration number \(text): year \(year) (digits 5-8) is after the declaration's date \(day)", rule: .declarationNumber)
    }
    let flag = digits[8]
    guard flag == UInt8(ascii: "0") || flag == UInt8(ascii: "1") else {
      throw .invalid(
        "declaration number \(text): the import/export flag (digit 9) is \(Character(UnicodeScalar(flag))), not 0 (export) or 1 (import)",
        rule: .declarationNumber)
    }
    switch (procedure, flag) {
    case (.export, UInt8(ascii: "1")):
      throw .invalid("declaration number \(text) is an import number (digit 9 is 1) but the procedure is export", rule: .declarationNumber)
    case (.import, UInt8(ascii: "0")):
      throw .invalid("declaration number \(text) is an export number (digit 9 is 0) but the procedure is import", rule: .declarationNumber)
    default: break
    }
    self.init(stored: text, foreign: false)
  }

  public var description: String { text }
}

/// Where a declaration (and each of its boxes) stands. One definition of the transitions:
/// `next`.
public enum DeclarationStatus: String, Sendable, CaseIterable {
  case summary, declared, accepted, rejected, selected, inspected, detained, released, seized, closed

  /// The statuses that may follow this one.
  public var next: Set<DeclarationStatus> {
    switch self {
    case .summary: [.declared, .released]
    case .declared: [.accepted, .rejected]
    case .accepted: [.selected, .released]
    case .selected: [.inspected, .released, .detained]
    case .inspected: [.released, .detained]
    case .detained: [.released, .seized]
    case .released: [.closed]
    case .rejected, .seized, .closed: []
    }
  }

  /// Nothing more follows.
  public var isFinal: Bool { next.isEmpty }

  /// Release and detention may be given to some of the boxes only; the others keep their status.
  public var mayBePartial: Bool { self == .released || self == .detained || self == .seized }
}

extension RuleID {
  /// A declaration number that is not China's 18 digits (or a foreign one out of bounds).
  public static let declarationNumber = RuleID("declaration-number")
  /// A status that may not follow the declaration's (or a box's) present one, or a check or
  /// outcome missing or given where it does not belong.
  public static let declarationStatus = RuleID("declaration-status")
  /// A declaration that names a shipment, box or office the ledger does not know, or one number twice.
  public static let declaration = RuleID("declaration")
}
