import CorridorModel
import Foundation

/// A PostgreSQL database named by a URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/NAME` (or
/// `postgresql://`), parsed once at the edge. The password comes from the URL, else
/// `PGPASSWORD`, else the password file (`PGPASSFILE`, else `~/.pgpass`), as libpq finds it; it
/// is never part of `description`, so no message, log line or error can echo it.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
  public let user: String
  public let host: String
  public let port: Int
  public let database: String
  let password: String?

  /// Whether `text` names PostgreSQL rather than a SQLite file.
  public static func isURL(_ text: String) -> Bool {
    let lower = text.lowercased()
    return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
  }

  /// `environment` supplies `PGPASSWORD`, `PGPASSFILE`, `PGUSER`, `USER` and `HOME`.
  public init(parsing text: String, environment: [String: String]) throws(CorridorError) {
    guard Self.isURL(text), let schemeEnd = text.range(of: "://") else {
      throw CorridorError(.usage, "\(Self.redacted(text)) is not a PostgreSQL URL: expected postgres://USER@HOST:PORT/NAME")
    }
    var rest = Substring(text[schemeEnd.upperBound...])
    // Query parameters: only sslmode=disable is understood (loopback and private networks).
    if let question = rest.firstIndex(of: "?") {
      let query = rest[rest.index(after: question)...]
      rest = rest[..<question]
      for parameter in query.split(separator: "&") where parameter != "sslmode=disable" {
        throw CorridorError(
          .usage, "\(Self.redacted(text)): the parameter \(parameter.split(separator: "=").first ?? parameter) is not supported",
          hint: "only ?sslmode=disable is understood; TLS is not configured")
      }
    }
    guard let slash = rest.firstIndex(of: "/") else {
      throw CorridorError(.usage, "\(Self.redacted(text)) names no database: expected postgres://USER@HOST:PORT/NAME")
    }
    let authority = rest[..<slash]
    let name = Self.decoded(rest[rest.index(after: slash)...])
    guard let name, !name.isEmpty, !name.contains("/") else {
      throw CorridorError(.usage, "\(Self.redacted(text)) names no database: expected postgres://USER@HOST:PORT/NAME")
    }
    var userInfo: Substring? = nil
    var hostPort = authority
    if let at = authority.lastIndex(of: "@") {
      userInfo = authority[..<at]
      hostPort = authority[authority.index(after: at)...]
    }
    var user: String? = nil
    var password: String? = nil
    if let userInfo {
      if let colon = userInfo.firstIndex(of: ":") {
        user = Self.decoded(userInfo[..<colon])
        password = Self.decoded(userInfo[userInfo.index(after: colon)...])
      } else {
        user = Self.decoded(userInfo)
      }
      guard user != nil, userInfo.firstIndex(of: ":") == nil || password != nil else {
        throw CorridorError(.usage, "\(Self.redacted(text)): the user or password is not valid percent-encoding")
      }
    }
    var host = String(hostPort)
    var port = 5432
    if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
      host = String(hostPort[..<colon])
      guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
        throw CorridorError(.usage, "\(Self.redacted(text)): the port must be a number from 1 to 65535")
      }
      port = number
    }
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty else {
      throw CorridorError(.usage, "\(Self.redacted(text)) names no host: expected postgres://USER@HOST:PORT/NAME")
    }
    let resolvedUser = user.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
    self.user = resolvedUser
    self.host = host
    self.port = port
    self.database = name
    self.password =
      password ?? environment["PGPASSWORD"]
      ?? Self.passwordFile(environment: environment, host: host, port: port, database: name, user: resolvedUser)
  }

  /// The URL without its password: what every message shows.
  public var description: String {
    let hostText = host.contains(":") ? "[\(host)]" : host
    return "postgres://\(user)@\(hostText):\(port)/\(database)"
  }

  /// The same server, another database (tests make one database each).
  public func database(_ name: String) -> PostgresLocation {
    PostgresLocation(user: user, host: host, port: port, database: name, password: password)
  }

  private init(user: String, host: String, port: Int, database: String, password: String?) {
    self.user = user
    self.host = host
    self.port = port
    self.database = database
    self.password = password
  }

  /// A URL as text with any password replaced by `***`, for messages about a URL that did not
  /// parse.
  public static func redacted(_ text: String) -> String {
    guard let schemeEnd = text.range(of: "://") else { return text }
    let rest = text[schemeEnd.upperBound...]
    let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    guard let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return text }
    return String(text[..<schemeEnd.upperBound]) + rest[..<colon] + ":***" + rest[at...]
  }

  private static func decoded(_ text: Substring) -> String? { String(text).removingPercentEncoding }

  /// libpq's password file: lines `host:port:database:user:password`, `*` matching anything,
  /// `\:` and `\\` escaped; the first matching line wins. Unreadable or absent: no password.
  static func passwordFile(environment: [String: String], host: String, port: Int, database: String, user: String) -> String? {
    let path = environment["PGPASSFILE"] ?? environment["HOME"].map { "\($0)/.pgpass" }
    guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
      var fields: [String] = [""]
      var escaped = false
      for character in line {
        if escaped {
          fields[fields.count - 1].append(character)
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else if character == ":" && fields.count < 5 {
          fields.append("")
        } else {
          fields[fields.count - 1].append(character)
        }
      }
      guard fields.count == 5 else { continue }
      let wanted = [host, String(port), database, user]
      if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }
}
