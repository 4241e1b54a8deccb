import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation

/// A request's query string as (name, value) pairs, both percent-decoded (names too: a client
/// may send `eventCreatedDateTime%3Agte`). Bad percent-encoding is a 400, not a guess.
struct QueryItems {
  let items: [(name: String, value: String)]

  init(_ query: String?) throws {
    var items: [(String, String)] = []
    for part in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
      let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard let name = Self.decode(pieces[0]), let value = Self.decode(pieces.count > 1 ? pieces[1] : "") else {
        throw DCSAError.badRequest("the query has invalid percent-encoding (or not UTF-8) in \(String(part.prefix(60)).debugDescription)")
      }
      items.append((name, value))
    }
    self.items = items
  }

  /// Refuses parameters other than `names` (every route refuses what it does not take).
  func only(_ names: Set<String>, on route: String) throws {
    if let unknown = items.first(where: { !names.contains($0.name) }) {
      throw DCSAError.badRequest("\(unknown.name.prefix(60)) is not a parameter of \(route)", reason: "invalidQuery")
    }
  }

  /// Strict percent-decoding: `%` must be followed by two hex digits, and the bytes must be
  /// UTF-8. (`+` stays a plus: the offsets of date-times are written with it.)
  static func decode(_ text: Substring) -> String? {
    var bytes: [UInt8] = []
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard let high = iterator.next().flatMap(HexDigit.value), let low = iterator.next().flatMap(HexDigit.value) else { return nil }
      bytes.append(high << 4 | low)
    }
    return String(validating: bytes, as: UTF8.self)
  }

  /// The one value of `name`, refusing a repeated parameter.
  func single(_ name: String) throws -> String? {
    let values = items.filter { $0.name == name }
    guard values.count <= 1 else { throw DCSAError.badRequest("\(name) is given more than once") }
    return values.first?.value
  }

  func flag(_ name: String) throws -> Bool {
    switch try single(name) {
    case nil, "false": false
    case "true": true
    case let other?: throw DCSAError.badRequest("\(name) must be true or false, not \(other.prefix(40).debugDescription)")
    }
  }

  /// `limit`: 1 to 2,147,483,647 (DCSA's int32); more than `cap` is lowered to it.
  func limit(default value: Int, cap: Int) throws -> Int {
    guard let text = try single("limit") else { return value }
    guard let number = Int32(text), number >= 1 else { throw DCSAError.badRequest("limit must be a whole number from 1 to 2147483647") }
    return min(Int(number), cap)
  }
}

extension CorridorRequestContext {
  /// A path parameter, percent-decoded (RFC 3986 §2.1): ids may hold spaces, `/`, `#`, `?` or
  /// any Unicode, and are sent encoded. Bad encoding is a 400.
  func pathParameter(_ name: String) throws -> String {
    let raw = try parameters.require(name)
    guard let decoded = QueryItems.decode(Substring(raw)) else {
      throw DCSAError.badRequest("the path has invalid percent-encoding (or not UTF-8) in \(raw.prefix(60).debugDescription)")
    }
    return decoded
  }
}
