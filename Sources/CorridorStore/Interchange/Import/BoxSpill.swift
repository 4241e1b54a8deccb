import CorridorInterchange
import CorridorModel
import SQLite

/// The dry run's store for the simulated state of boxes evicted from memory: a private
/// temporary SQLite file (SQLite deletes it when the connection closes), so memory stays flat
/// however many containers a file names.
final class BoxSpill {
  private let connection: Connection
  private let put: Statement
  private let get: Statement
  private let drop: Statement

  init() throws {
    connection = try Connection(path: "", options: .init(create: true, enableWAL: false))
    try connection.execute("PRAGMA journal_mode = OFF")
    try connection.execute("PRAGMA synchronous = OFF")
    try connection.execute(
      """
      CREATE TABLE boxes(container TEXT PRIMARY KEY, kind INTEGER NOT NULL, place TEXT, holds TEXT NOT NULL, last_ms INTEGER,
        last_place TEXT, last_code TEXT, open_shipment TEXT, known BLOB NOT NULL, known_is_complete INTEGER NOT NULL,
        pending BLOB NOT NULL) WITHOUT ROWID
      """)
    put = try connection.prepare("INSERT OR REPLACE INTO boxes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    get = try connection.prepare(
      """
      SELECT kind, place, holds, last_ms, last_place, last_code, open_shipment, known, known_is_complete, pending
      FROM boxes WHERE container = ?
      """)
    drop = try connection.prepare("DELETE FROM boxes WHERE container = ?")
  }

  func keep(_ box: ImportFacts.Box, of container: ContainerNumber) throws {
    let (kind, place): (Int64, String?) =
      switch box.facts.state.position {
      case .unknown: (0, nil)
      case .inFacility(let l): (1, l.text)
      case .outside(let l): (2, l.text)
      case .onConveyance(let l): (3, l.text)
      }
    let state = box.facts.state
    let holds = state.holds.map { "\($0.key.text)=\($0.value.milliseconds)=\($0.value.offsetMinutes)" }.joined(separator: " ")
    try put.bind([
      .text(container.text), .integer(kind), SQLValue(place), .text(holds), SQLValue(state.lastMilliseconds),
      SQLValue(state.lastLocation?.text), SQLValue(state.lastCode?.rawValue), SQLValue(box.facts.openShipment),
      .blob(Self.encode(box.known)), .integer(box.knownIsComplete ? 1 : 0), .blob(Self.encode(box.pending)),
    ])
    try put.run()
  }

  static func encode(_ known: [ImportFacts.RowHash]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(known.count * 16)
    for hash in known {
      for word in [hash.id, hash.content] { withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) } }
    }
    return bytes
  }

  /// Steps as length-prefixed fields (ids are arbitrary text, so no separator is safe).
  static func encode(_ steps: [SequenceRules.Step]) -> [UInt8] {
    var bytes: [UInt8] = []
    func word<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    func text(_ value: String) {
      word(UInt32(value.utf8.count))
      bytes.append(contentsOf: value.utf8)
    }
    for step in steps {
      text(step.id)
      text(step.code.rawValue)
      text(step.location.text)
      word(step.time.milliseconds)
      word(Int32(step.time.offsetMinutes))
      word(step.seq)
    }
    return bytes
  }

  static func decodeSteps(_ bytes: [UInt8]) -> [SequenceRules.Step] {
    var at = 0
    func word<T: FixedWidthInteger>(_: T.Type) -> T? {
      guard at + MemoryLayout<T>.size <= bytes.count else { return nil }
      var value: T = 0
      for (i, byte) in bytes[at..<at + MemoryLayout<T>.size].enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * i) }
      at += MemoryLayout<T>.size
      return value
    }
    func text() -> String? {
      guard let count = word(UInt32.self).map(Int.init), at + count <= bytes.count else { return nil }
      defer { at += count }
      return String(decoding: bytes[at..<at + count], as: UTF8.self)
    }
    var steps: [SequenceRules.Step] = []
    while at < bytes.count, let id = text(), let code = text().flatMap(EventCode.init(rawValue:)), let place = text(),
      let ms = word(Int64.self), let offset = word(Int32.self), let seq = word(Int64.self)
    {
      steps.append(
        .init(id: id, code: code, location: LocationCode(trusted: place), time: EventTime(milliseconds: ms, offsetMinutes: Int(offset)), seq: seq))
    }
    return steps
  }

  static func decode(_ bytes: [UInt8]) -> [ImportFacts.RowHash] {
    func word(at start: Int) -> UInt64 { bytes[start..<start + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    return stride(from: 0, to: bytes.count - bytes.count % 16, by: 16).map { .init(id: word(at: $0), content: word(at: $0 + 8)) }
  }

  /// The box kept for `container`, removed from the store; nil when none was kept.
  func take(_ container: ContainerNumber) throws -> ImportFacts.Box? {
    try get.bind(container.text, at: 1)
    defer { get.reset() }
    guard try get.step() else { return nil }
    let box = ImportFacts.Box()
    var state = SequenceRules.State()
    let place = get.value(at: 1).text.map { LocationCode(trusted: $0) }
    switch (get.value(at: 0).int64, place) {
    case (1, let place?): state.position = .inFacility(place)
    case (2, let place?): state.position = .outside(place)
    case (3, let place?): state.position = .onConveyance(place)
    default: state.position = .unknown
    }
    for hold in (get.value(at: 2).text ?? "").split(separator: " ") {
      let parts = hold.split(separator: "=")
      guard parts.count == 3, let ms = Int64(parts[1]), let offset = Int(parts[2]) else { continue }
      state.holds[LocationCode(trusted: String(parts[0]))] = EventTime(milliseconds: ms, offsetMinutes: offset)
    }
    state.lastMilliseconds = get.value(at: 3).int64
    state.lastLocation = get.value(at: 4).text.map { LocationCode(trusted: $0) }
    state.lastCode = get.value(at: 5).text.flatMap(EventCode.init(rawValue:))
    box.facts = ContainerFacts(state: state, openShipment: get.value(at: 6).text)
    if case .blob(let bytes) = get.value(at: 7) { box.known = Self.decode(bytes) }
    box.knownIsComplete = get.value(at: 8).int64 == 1
    if case .blob(let bytes) = get.value(at: 9) { box.pending = Self.decodeSteps(bytes) }
    get.reset()
    try drop.bind(container.text, at: 1)
    try drop.run()
    return box
  }
}
