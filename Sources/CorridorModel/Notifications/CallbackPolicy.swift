import Foundation

/// Where a subscription may send data (docs/server.md "Callback rules"). A callback is a request the
/// server makes on a client's behalf, so without care any key (a customer's reader included)
/// could make the server reach its own loopback, link-local (cloud metadata) or private
/// networks. The rules, checked when a subscription is made or changed and again, on the
/// resolved addresses, at every delivery:
/// - `http` or `https`, a host, a port from 1 to 65535, no user or password, no control
///   characters, at most 2,000 characters;
/// - with `--callback-allow`, the host must be one of those named;
/// - the address (a numeric host in any spelling: `2130706433`, `0x7f000001`, `0177.0.0.1`,
///   `127.1`, `[::ffff:127.0.0.1]`; a name, once resolved) must be public: not loopback,
///   unspecified, private, shared (CGNAT), link-local, multicast or reserved. An address named
///   in `--callback-allow` as a literal is the operator's explicit permission for that address;
///   `--callback-allow-private` lifts the rule altogether (test rigs).
public struct CallbackPolicy: Sendable {
  /// `--callback-allow`: the only hosts a callback may name; nil: any public host.
  public var allowedHosts: [String]?
  /// `--callback-allow-private`: addresses of every kind are allowed.
  public var allowPrivate: Bool

  public init(allowedHosts: [String]? = nil, allowPrivate: Bool = false) {
    self.allowedHosts = allowedHosts
    self.allowPrivate = allowPrivate
  }

  /// A callback URL that passed the rules that need no name resolution.
  public struct Target: Sendable, Equatable {
    public let url: String
    public let scheme: String
    /// As written in the URL (lowercased; without the brackets of an IPv6 literal).
    public let host: String
    public let port: Int
    /// The address, when the host is a numeric literal.
    public let literal: IPAddress?
    /// Everything after the authority (`/path?query`), as written.
    public let pathAndQuery: String
  }

  /// Checks a callback URL; the host of a name is checked again once resolved (`check(_:for:)`).
  public func validate(_ text: String) throws(CorridorError) -> Target {
    func refuse(_ message: String) -> CorridorError { .invalid(message, rule: .callbackURL) }
    guard text.utf8.count <= 2000 else { throw refuse("callbackUrl is longer than 2,000 characters") }
    if let bad = text.unicodeScalars.first(where: VisibleText.isControl) {
      throw refuse("callbackUrl holds the control character \(VisibleText.name(of: bad))")
    }
    guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
      let rawHost = url.percentEncodedHost, !rawHost.isEmpty, url.user == nil, url.password == nil
    else {
      throw refuse("callbackUrl must be an http or https URL with a host (and no user or password)")
    }
    // A percent-encoded or zoned host is spelled so as to be read differently by different parsers.
    guard !rawHost.contains("%") else { throw refuse("callbackUrl host must not be percent-encoded") }
    var host = rawHost.lowercased()
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    let port = url.port ?? (scheme == "https" ? 443 : 80)
    guard (1...65535).contains(port) else { throw refuse("callbackUrl port must be from 1 to 65535, not \(port)") }
    let literal = IPAddress(host: host)
    if rawHost.hasPrefix("["), literal == nil { throw refuse("callbackUrl host \(rawHost) is not an IPv6 address") }
    let authorityEnd = text.range(of: "://").flatMap { start in
      text[start.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" })
    }
    let rest = authorityEnd.map { String(text[$0...]) } ?? "/"
    let target = Target(
      url: text, scheme: scheme, host: host, port: port, literal: literal,
      pathAndQuery: rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/")
    if let allowedHosts, !allowedHosts.contains(where: { Self.sameHost($0, host) }) {
      throw refuse("callbackUrl host \(host) is not among the hosts this server may call (--callback-allow)")
    }
    if let literal { try check([literal], for: target) }
    return target
  }

  /// Checks the addresses a callback's host resolved to: every one must be allowed (the
  /// connection is then made to one of them, not to a second resolution).
  public func check(_ addresses: [IPAddress], for target: Target) throws(CorridorError) {
    guard !allowPrivate else { return }
    for address in addresses {
      guard let kind = address.restrictedKind else { continue }
      if let allowedHosts, allowedHosts.contains(where: { IPAddress(host: Self.unbracketed($0)) == address }) { continue }
      throw .invalid(
        "callbackUrl host \(target.host) is \(address == target.literal ? "" : "at ")a \(kind) address (\(address)); "
          + "callbacks go to public addresses unless the server names the address in --callback-allow "
          + "or runs with --callback-allow-private", rule: .callbackURL)
    }
  }

  package static func unbracketed(_ host: String) -> String {
    host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
  }

  /// Two spellings of one host: names case-insensitively, literals by their address.
  package static func sameHost(_ allowed: String, _ host: String) -> Bool {
    let allowed = unbracketed(allowed).lowercased()
    if let a = IPAddress(host: allowed), let b = IPAddress(host: host) { return a == b }
    return allowed == host
  }
}

/// An IPv4 or IPv6 address, read from every spelling a resolver or a browser accepts.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
  case v4(UInt32)
  case v6([UInt8])

  /// A numeric host: IPv4 in the forms `inet_aton` reads (one to four parts, each decimal, `0x`
  /// hex or `0`-leading octal, the last filling the remaining bytes: `127.1`, `2130706433`,
  /// `0x7f.0.0.1`), or IPv6. Nil for a name.
  public init?(host: String) {
    if host.contains(":") {
      var bytes = [UInt8](repeating: 0, count: 16)
      guard inet_pton(AF_INET6, host, &bytes) == 1 else { return nil }
      self = .v6(bytes)
      return
    }
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...4).contains(parts.count) else { return nil }
    var values: [UInt64] = []
    for part in parts {
      guard let value = Self.number(part) else { return nil }
      values.append(value)
    }
    var address: UInt64 = 0
    for (index, value) in values.dropLast().enumerated() {
      guard value <= 0xFF else { return nil }
      address |= value << (24 - 8 * UInt64(index))
    }
    let last = values[values.count - 1]
    guard last < (1 << (8 * UInt64(5 - values.count))) else { return nil }
    self = .v4(UInt32(address | last))
  }

  private static func number(_ text: Substring) -> UInt64? {
    let lower = text.lowercased()
    if lower.hasPrefix("0x") { return lower.count == 2 ? 0 : UInt64(lower.dropFirst(2), radix: 16) }
    if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
    return UInt64(lower, radix: 10)
  }

  /// The bytes of a socket address (`sockaddr_in.sin_addr`, `sockaddr_in6.sin6_addr`).
  public init(networkOrder bytes: [UInt8]) {
    if bytes.count == 4 {
      self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
    } else {
      self = .v6(bytes)
    }
  }

  /// Why a callback may not go here, or nil for a public address.
  public var restrictedKind: String? {
    switch self {
    case .v4(let a):
      func within(_ network: UInt32, _ bits: UInt32) -> Bool { a >> (32 - bits) == network >> (32 - bits) }
      if within(0x0000_0000, 8) { return "unspecified" }
      if within(0x7F00_0000, 8) { return "loopback" }
      if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) { return "private" }
      if within(0x6440_0000, 10) { return "shared (carrier-grade NAT)" }
      if within(0xA9FE_0000, 16) { return "link-local" }
      if within(0xC000_0000, 24) || within(0xC612_0000, 15) { return "reserved" }
      if within(0xE000_0000, 4) { return "multicast" }
      if within(0xF000_0000, 4) { return "reserved" }
      return nil
    case .v6(let b):
      if let embedded = embeddedV4 { return embedded.restrictedKind }
      if b.allSatisfy({ $0 == 0 }) { return "unspecified" }
      if b.dropLast().allSatisfy({ $0 == 0 }) && b[15] == 1 { return "loopback" }
      if b[0] == 0xFF { return "multicast" }
      if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return "link-local" }
      if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return "private (site-local)" }
      if b[0] & 0xFE == 0xFC { return "private (unique local)" }
      return nil
    }
  }

  /// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`)
  /// or NAT64 (`64:ff9b::a.b.c.d`) IPv6 address.
  package var embeddedV4: IPAddress? {
    guard case .v6(let b) = self else { return nil }
    let head = Array(b[0..<12])
    let mapped = head == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
    let compatible = head.allSatisfy { $0 == 0 } && !(b[12] == 0 && b[13] == 0 && b[14] == 0)
    let nat64 = head == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]
    guard mapped || compatible || nat64 else { return nil }
    return .v4(b[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
  }

  public var description: String {
    switch self {
    case .v4(let a): return "\(a >> 24).\(a >> 16 & 0xFF).\(a >> 8 & 0xFF).\(a & 0xFF)"
    case .v6(let b):
      var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
      return b.withUnsafeBufferPointer { inet_ntop(AF_INET6, $0.baseAddress, &buffer, socklen_t(buffer.count)) }.map { _ in
        String(cString: buffer)
      } ?? "?"
    }
  }

  /// The host as it goes in a URL (IPv6 in brackets).
  public var urlHost: String {
    if case .v6 = self { return "[\(description)]" }
    return description
  }
}
