import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Crypto
import Foundation

/// A `GET /v2/events` paging cursor: the query, the position after the last event returned, and
/// the name of the key it was issued to, signed with the server's key (HMAC-SHA256). A cursor
/// cannot be edited, nor replayed with another key; and every page applies the presenting key's
/// party again anyway.
struct EventCursor {
  let keyName: String
  let query: DCSAEventQuery

  func encoded(signingKey: [UInt8]) -> String {
    let payload = CanonicalJSON.object([
      "k": .string(keyName), "s": .int(query.afterSeq), "l": .int(Int64(query.limit)), "f": query.filter.json,
      "c": .array(query.created.map { .array([.string($0.comparison.rawValue), .string($0.utc)]) }),
    ]).text
    let data = Data(payload.utf8)
    let mac = HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: signingKey))
    return data.base64URLEncoded + "." + Data(mac).base64URLEncoded
  }

  /// Reads a cursor presented by `key`; a forged, damaged or foreign cursor is a 400.
  init(decoding text: String, key: APIKey, signingKey: [UInt8]) throws {
    let invalid = DCSAError.badRequest("the cursor is not one this server issued to this key", reason: "invalidCursor")
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard text.utf8.count <= 8192, parts.count == 2, let payload = Data(base64URLEncoded: String(parts[0])),
      let mac = Data(base64URLEncoded: String(parts[1])),
      HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: SymmetricKey(data: signingKey))
    else { throw invalid }
    guard let node = try? JSONParser.parse([UInt8](payload)) else { throw invalid }
    guard case .string(let name)? = node["k"]?.value, name == key.name, case .number(let seqText)? = node["s"]?.value,
      let seq = Int64(seqText), case .number(let limitText)? = node["l"]?.value, let limit = Int(limitText), let filter = node["f"],
      case .array(let created)? = node["c"]?.value
    else { throw invalid }
    var query = DCSAEventQuery()
    query.filter = try DCSAEventFilter(json: filter)
    query.afterSeq = seq
    query.limit = limit
    for item in created {
      guard case .array(let pair) = item.value, pair.count == 2, case .string(let op) = pair[0].value,
        let comparison = DCSAEventQuery.Comparison(rawValue: op), case .string(let utc) = pair[1].value
      else { throw invalid }
      query.created.append((comparison, utc))
    }
    keyName = name
    self.query = query
  }

  init(keyName: String, query: DCSAEventQuery) {
    self.keyName = keyName
    self.query = query
  }
}
