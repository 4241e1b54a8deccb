/// A place in an input file: 1-based line and byte column, or, for files without lines to speak
/// of (EDIFACT), a description such as "interchange 1001, message 7, segment 12, byte 3456".
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let column: Int
  package let place: Place?

  /// Where, when line and column do not say it; kept as parts and worded when read, since an
  /// import gives every row a position and reads few of them. Indirect: out of line, so that a
  /// position (in every error, and so in every parsed row's `Result`) stays small.
  package indirect enum Place: Sendable, Equatable {
    case text(String)
    case edifact(interchange: String, message: String, segment: Int, byte: Int)
  }

  public init(file: String, line: Int, column: Int, detail: String? = nil) {
    self.file = file
    self.line = line
    self.column = column
    place = detail.map(Place.text)
  }

  /// A place in an EDIFACT file: `line` is the segment's number in the file, `segment` its number
  /// in the message (UNH is 1).
  package init(file: String, line: Int, interchange: String, message: String, segment: Int, byte: Int) {
    self.file = file
    self.line = line
    column = 1
    place = .edifact(interchange: interchange, message: message, segment: segment, byte: byte)
  }

  /// Where, when line and column do not say it (`line` is then a running number, e.g. the segment).
  public var detail: String? {
    switch place {
    case .none: nil
    case .text(let text): text
    case .edifact(let interchange, let message, let segment, let byte):
      "interchange \(interchange), message \(message), segment \(segment), byte \(byte)"
    }
  }

  public var description: String { detail.map { "\(file): \($0)" } ?? "\(file):\(line):\(column)" }
}

/// The one error type of the domain library. Every failure a user can cause maps to one of
/// these kinds; the edges map kinds to what they speak (the CLI to sysexits codes, a server to
/// HTTP statuses), so the domain knows no exit codes. A position and a rule are fields, not text
/// inside the message to be parsed back out.
public struct CorridorError: Error, CustomStringConvertible, Equatable, Sendable {
  public enum Kind: Sendable, Equatable {
    /// Bad command line (exit 64).
    case usage
    /// Input that breaks a rule (exit 65). `rule` names the rule for scripts and tests.
    case invalidData
    /// An input file or the database is missing (exit 66).
    case missingInput
    /// An output file or folder cannot be created (exit 73).
    case cannotCreate
    /// Disk full, read-only database, I/O failure (exit 74).
    case io
    /// Another process held the database past the busy timeout (exit 75).
    case busy
    /// A bug or an unexpected SQLite failure (exit 70).
    case `internal`
  }

  public let kind: Kind
  /// What is wrong, without the position (that is `position`).
  public let message: String
  /// What to do about it, when there is something useful to say.
  public let hint: String?
  /// The broken rule, for invalid data (e.g. `check-digit`, `load-when-loaded`).
  public let rule: RuleID?
  /// Where in which file, for errors about a file's content.
  public private(set) var position: SourcePosition?
  /// The disk (or the database's size limit) is full: the server answers 507, not 500.
  public package(set) var isStorageFull = false

  public init(_ kind: Kind, _ message: String, hint: String? = nil, rule: RuleID? = nil, at position: SourcePosition? = nil) {
    self.kind = kind
    self.message = message
    self.hint = hint
    self.rule = rule
    self.position = position
  }

  public static func invalid(_ message: String, rule: RuleID? = nil, hint: String? = nil, at position: SourcePosition? = nil) -> CorridorError {
    CorridorError(.invalidData, message, hint: hint, rule: rule, at: position)
  }

  /// The same error at `position`, unless it already has one (the innermost reader knows best).
  public func located(_ position: SourcePosition) -> CorridorError {
    var copy = self
    if copy.position == nil { copy.position = position }
    return copy
  }

  /// `FILE:LINE:COLUMN: message`, or the message.
  public var text: String { position.map { "\($0): \(message)" } ?? message }

  /// References to things that are not there, worded once for every command and door.
  /// - Parameter sizeType: the size-type code the row gave (EDIFACT EQD), which the import can
  ///   register the container from.
  public static func unknownContainer(_ number: ContainerNumber, sizeType: String? = nil) -> CorridorError {
    .invalid(
      "unknown container \(number)", rule: .unknownContainer,
      hint: sizeType.map {
        "import with --register-containers to register it as \($0) from the file, or `corridor container add \(number) --type \($0)`"
      }
        ?? "register it with `corridor container add \(number) --type CODE`")
  }

  public static func unknownLocation(_ code: String) -> CorridorError {
    .invalid(
      "unknown location \(code)", rule: .unknownLocation,
      hint: "load it with `corridor reference load FILE` or `corridor location import-unlocode FILE`")
  }

  public static func unknownShipment(_ ref: String) -> CorridorError {
    .invalid("unknown shipment \(ref)", rule: .unknownShipment, hint: "list them with `corridor shipment list`")
  }

  /// A database file that is damaged: exit 74, pointing to `db check` and backups.
  public static func damaged(_ path: String?, _ what: String) -> CorridorError {
    CorridorError(
      .io, "the database\(path.map { " \($0)" } ?? "") is damaged: \(what)",
      hint: "run `corridor db check` to see what is broken, and restore from a backup; nothing was changed")
  }

  public var description: String { text }
}
