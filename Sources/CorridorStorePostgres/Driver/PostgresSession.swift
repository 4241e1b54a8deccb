import CorridorModel
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SQLite
import Synchronization

/// One connection to PostgreSQL, used synchronously: the store's calls are synchronous (the CLI
/// and the server's blocking pool), so each call runs PostgresNIO's async API to its end and
/// returns. Values cross as `SQLValue`, the same values SQLite gives, so that code that copies or
/// compares rows needs no engine of its own. Nothing is logged (a URL's password, a key's hash
/// or a row never reaches a log).
public final class PostgresSession {
  public let location: PostgresLocation
  private let connection: PostgresConnection
  /// Where each call's async side runs: the connection's own event loop.
  private let executor: EventLoopExecutor
  /// Cursors declared so far: each gets a name of its own.
  private var cursors = 0
  private static let quiet = Logger(label: "corridor.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

  /// Connects, or throws a `CorridorError` naming the URL without its password: `.missingInput`
  /// when the database does not exist, `.io` when the server cannot be reached or refuses the
  /// login.
  public init(_ location: PostgresLocation) throws {
    self.location = location
    var configuration = PostgresConnection.Configuration(
      host: location.host, port: location.port, username: location.user, password: location.password,
      database: location.database, tls: .disable)
    configuration.options.connectTimeout = .seconds(10)
    let configured = configuration
    let loop = MultiThreadedEventLoopGroup.singleton.next()
    executor = EventLoopExecutor(loop)
    do {
      connection = try Self.blocking(on: executor) {
        try await PostgresConnection.connect(on: loop, configuration: configured, id: 1, logger: Self.quiet)
      }
    } catch {
      let failure = PostgresFailure(error)
      if failure.sqlState == "3D000" {
        throw CorridorError(
          .missingInput, "no database \(location.database) on \(location)",
          hint: "create it: CREATE DATABASE \(location.database) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
      }
      throw CorridorError(.io, "cannot connect to \(location): \(failure.message)", hint: "check the URL, the server and the password")
    }
  }

  deinit {
    let connection = connection
    guard !executor.loop.inEventLoop else {
      // Let go on its own event loop (a server's pool released by a task there): closed there
      // and then, without the wait it cannot do on that thread.
      _ = connection.close() as EventLoopFuture<Void>
      return
    }
    _ = try? Self.blocking(on: executor) { try await connection.close() }
  }

  /// Runs SQL text that may hold several statements (a migration), one statement at a time:
  /// PostgresNIO speaks only the extended protocol, which takes one statement per message.
  public func execute(_ script: String) throws {
    for statement in SQLScript.statements(script) {
      _ = try rows(statement)
    }
  }

  /// Runs one statement with `$1`, `$2`, … bound to `arguments`, and returns its rows.
  public func rows(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
    try namedRows(sql, arguments).rows
  }

  /// The same with the result's column names (empty when there is no row: PostgresNIO names
  /// columns through its rows).
  public func namedRows(_ sql: String, _ arguments: [SQLValue] = []) throws -> (columns: [String], rows: [[SQLValue]]) {
    let connection = connection
    var bindings = PostgresBindings(capacity: arguments.count)
    for argument in arguments { Self.bind(argument, to: &bindings) }
    let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
    return try run {
      var rows: [[SQLValue]] = []
      var columns: [String] = []
      for try await row in try await connection.query(query, logger: Self.quiet) {
        if rows.isEmpty { columns = row.map(\.columnName) }
        rows.append(try row.map(Self.value(of:)))
      }
      return (columns, rows)
    }
  }

  public func scalarInt(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? {
    try rows(sql, arguments).first?.first?.int64
  }

  public func scalarText(_ sql: String, _ arguments: [SQLValue] = []) throws -> String? {
    try rows(sql, arguments).first?.first?.text
  }

  /// Runs `select` through a cursor and hands its rows to `body` `batch` at a time: bounded
  /// memory at any size. Inside a transaction (a cursor lives in one).
  public func forEachBatch(_ select: String, batch: Int = 5000, _ body: ([[SQLValue]]) throws -> Void) throws {
    try withCursor(select, batch: batch) { fetch in
      while case let rows = try fetch().rows, !rows.isEmpty { try body(rows) }
    }
  }

  /// A server-side cursor over `select` (`$1`, `$2`, … bound to `arguments`), open while `body`
  /// runs: each `fetch()` gives its next `batch` rows with their column names, none at the end.
  /// Cursors nest (each has a name of its own). Inside a transaction (a cursor lives in one).
  public func withCursor<T>(
    _ select: String, _ arguments: [SQLValue] = [], batch: Int = 5000,
    _ body: (_ fetch: () throws -> (columns: [String], rows: [[SQLValue]])) throws -> T
  ) throws -> T {
    cursors += 1
    let name = "corridor_rows_\(cursors)"
    _ = try rows("DECLARE \(name) NO SCROLL CURSOR FOR \(select)", arguments)
    defer { _ = try? rows("CLOSE \(name)") }
    return try body { try namedRows("FETCH \(batch) FROM \(name)") }
  }

  /// `COPY table (columns) FROM STDIN` in the text format: the fastest way PostgreSQL takes
  /// rows. Each row has one value per column.
  public func copy(into table: String, columns: [String], rows: [[SQLValue]]) throws {
    guard !rows.isEmpty else { return }
    let connection = connection
    var bytes: [UInt8] = []
    for row in rows { CopyText.write(row, to: &bytes) }
    let data = ByteBuffer(bytes: bytes)
    try run {
      try await connection.copyFrom(table: table, columns: columns, logger: Self.quiet) { writer in
        try await writer.write(data)
      }
    }
  }

  /// Runs `body` in one transaction (`BEGIN` with `mode`, e.g. `ISOLATION LEVEL REPEATABLE
  /// READ READ ONLY`): committed when it returns, rolled back when it throws.
  public func transaction<T>(_ mode: String = "", _ body: () throws -> T) throws -> T {
    try execute(mode.isEmpty ? "BEGIN" : "BEGIN \(mode)")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  private func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    do {
      return try Self.blocking(on: executor, work)
    } catch let error as CorridorError {
      throw error
    } catch {
      throw PostgresFailure(error, at: location)
    }
  }

  /// Waits for async work from synchronous code. The work runs on the connection's event loop
  /// (`EventLoopExecutor`), never on Swift's cooperative pool nor on Dispatch's: a caller that is
  /// itself on one of those (a test, a server handler) would otherwise wait for a thread it
  /// occupies, and Dispatch on Linux adds threads to a pool whose threads all wait only after a
  /// delay (a server test's requests missed their 30 s deadlines so). On the event loop the
  /// driver's answers resume the work without a hop to another thread.
  static func blocking<T: Sendable>(on executor: EventLoopExecutor, _ work: @escaping @Sendable () async throws -> T) throws -> T {
    // Waiting on the loop that must run the work would wait forever: refused, loudly.
    if executor.loop.inEventLoop {
      throw CorridorError(.internal, "a PostgreSQL call was made from its connection's own event loop, which would wait for itself")
    }
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    Task(executorPreference: executor) {
      do {
        outcome.set(.success(try await work()))
      } catch {
        outcome.set(.failure(error))
      }
      done.signal()
    }
    done.wait()
    return try outcome.get()
  }

  private final class Outcome<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    func set(_ value: Result<T, any Error>) { result.withLock { $0 = value } }
    func get() throws -> T {
      guard let value = result.withLock({ $0 }) else { throw CorridorError(.internal, "a PostgreSQL call ended without a result") }
      return try value.get()
    }
  }

  static func bind(_ value: SQLValue, to bindings: inout PostgresBindings) {
    switch value {
    case .null: bindings.appendNull()
    case .integer(let number): bindings.append(number)
    case .real(let number): bindings.append(number)
    case .text(let text): bindings.append(text)
    case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
    }
  }

  /// A cell as the value SQLite would hold: integers (and booleans as 0/1) as `.integer`,
  /// floating point as `.real`, bytea as `.blob`, text as `.text`. A numeric (what `sum` of
  /// bigints gives) is `.integer` when whole.
  static func value(of cell: PostgresCell) throws -> SQLValue {
    guard cell.bytes != nil else { return .null }
    switch cell.dataType {
    case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
    case .float4, .float8: return .real(try cell.decode(Double.self))
    case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
    case .bytea:
      var buffer = try cell.decode(ByteBuffer.self)
      return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
    case .numeric:
      // A SUM over BIGINT is numeric: a whole number reads as the integer SQLite's SUM gives.
      // PostgresNIO reads numeric's binary form as a Decimal, not as text.
      let text = try cell.decode(Decimal.self).description
      if let whole = Int64(text) { return .integer(whole) }
      if let number = Double(text) { return .real(number) }
      throw CorridorError(.internal, "PostgreSQL column \(cell.columnName): numeric \(text) is out of range")
    case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
    default:
      throw CorridorError(.internal, "PostgreSQL column \(cell.columnName) has type \(cell.dataType), which Corridor does not read")
    }
  }
}

/// Runs the async side of `PostgresSession.blocking` on a NIO event loop: threads of their own,
/// which never wait (the work only awaits the driver).
final class EventLoopExecutor: TaskExecutor {
  let loop: any EventLoop

  init(_ loop: any EventLoop) { self.loop = loop }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    loop.execute { job.runSynchronously(on: executor) }
  }
}

/// What went wrong on the server or the wire, in the server's own words (its message, SQLSTATE
/// and constraint), never with the query's parameters or the connection's password.
public struct PostgresFailure: Error, CustomStringConvertible {
  public let message: String
  public let sqlState: String?
  public let constraint: String?
  /// The database, without its password; nil before a connection.
  public var location: PostgresLocation? = nil

  init(_ error: any Error, at location: PostgresLocation? = nil) {
    defer { self.location = location }
    if let error = error as? PostgresFailure {
      self = error
    } else if let error = error as? PSQLError {
      if let info = error.serverInfo {
        message = info[.message] ?? "the server refused the statement"
        sqlState = info[.sqlState]
        constraint = info[.constraintName]
      } else {
        message = error.underlying.map { "\($0)" } ?? "\(error.code)"
        sqlState = nil
        constraint = nil
      }
    } else {
      message = "\(error)"
      sqlState = nil
      constraint = nil
    }
  }

  public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }

  /// The failure as the edges report it, by SQLSTATE class: the connection lost, the server
  /// out of resources or shut down is I/O (exit 74); a serialization failure, deadlock or lock
  /// timeout is busy (75); a broken constraint is invalid data (65); anything else a bug (70).
  public var corridorError: CorridorError {
    let text = "PostgreSQL \(location.map { "\($0)" } ?? "server"): \(description)"
    let kind: CorridorError.Kind
    switch sqlState.map({ String($0.prefix(2)) }) {
    case nil, "08", "53", "57", "58": kind = .io
    case "40", "55": kind = .busy
    case "23": kind = .invalidData
    default: kind = .internal
    }
    return CorridorError(kind, text, hint: kind == .internal ? "report it with the command" : nil)
  }
}

/// PostgreSQL's COPY text format: tab-separated columns, `\N` for NULL, backslash escapes for
/// backslash, tab, newline and carriage return, bytea as `\\x` hex.
enum CopyText {
  static func write(_ row: [SQLValue], to out: inout [UInt8]) {
    for (index, value) in row.enumerated() {
      if index > 0 { out.append(UInt8(ascii: "\t")) }
      switch value {
      case .null: out += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
      case .integer(let number): out += String(number).utf8
      // Swift prints the shortest text that reads back as the same double.
      case .real(let number): out += "\(number)".utf8
      case .text(let text): writeEscaped(text, to: &out)
      case .blob(let bytes):
        let digits = Array("0123456789abcdef".utf8)
        out += [UInt8(ascii: "\\"), UInt8(ascii: "\\"), UInt8(ascii: "x")]
        for byte in bytes {
          out.append(digits[Int(byte >> 4)])
          out.append(digits[Int(byte & 0xF)])
        }
      }
    }
    out.append(UInt8(ascii: "\n"))
  }

  /// Text is copied whole unless it holds a character the format escapes (rare: notes).
  static func writeEscaped(_ text: String, to out: inout [UInt8]) {
    let special: (UInt8) -> Bool = {
      $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
    }
    guard text.utf8.contains(where: special) else {
      out += text.utf8
      return
    }
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      default: out.append(byte)
      }
    }
  }
}

/// Splits SQL text into statements at the semicolons outside quotes, identifiers, comments and
/// dollar-quoted bodies (a PL/pgSQL function's `$$ … ; … $$`). Statements that hold only
/// comments and space are left out.
enum SQLScript {
  static func statements(_ script: String) -> [String] {
    let bytes = Array(script.utf8)
    var statements: [String] = []
    var start = 0
    var meaningful = false
    var index = 0
    func skip(past terminator: [UInt8], from position: Int) -> Int {
      var at = position
      while at < bytes.count {
        if bytes[at...].starts(with: terminator) { return at + terminator.count }
        at += 1
      }
      return bytes.count
    }
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
        index = skip(past: [UInt8(ascii: "\n")], from: index)
        continue
      case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
        index = skip(past: Array("*/".utf8), from: index + 2)
        continue
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        // A doubled quote inside reads as the end and a new start: the same split.
        index = skip(past: [byte], from: index + 1)
        meaningful = true
        continue
      case UInt8(ascii: "$"):
        var end = index + 1
        while end < bytes.count,
          bytes[end] == UInt8(ascii: "_") || (bytes[end] >= 0x30 && bytes[end] <= 0x39 && end > index + 1)
            || (bytes[end] | 0x20 >= 0x61 && bytes[end] | 0x20 <= 0x7A)
        {
          end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "$") {
          let tag = Array(bytes[index...end])
          index = skip(past: tag, from: end + 1)
          meaningful = true
          continue
        }
      case UInt8(ascii: ";"):
        if meaningful { statements.append(String(decoding: bytes[start..<index], as: UTF8.self)) }
        start = index + 1
        meaningful = false
        index += 1
        continue
      default:
        break
      }
      if !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09) { meaningful = true }
      index += 1
    }
    if meaningful { statements.append(String(decoding: bytes[start...], as: UTF8.self)) }
    return statements
  }
}

extension [SQLValue] {
  /// A catalog query's text column, read by position: anything else means the server answered
  /// other than the query asks, a bug to report rather than a row to skip.
  func catalogText(_ index: Int) throws -> String {
    guard indices.contains(index), let text = self[index].text else {
      throw CorridorError(.internal, "PostgreSQL's catalog answered a row without text in column \(index + 1)")
    }
    return text
  }
}
