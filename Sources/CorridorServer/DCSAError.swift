import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import Foundation
import HTTPTypes
import Hummingbird

/// An error answered with DCSA's error body (tnt-v2.2.0.yaml `error`): the HTTP status, and one
/// sub-error with a reason code and a message a person can act on.
struct DCSAError: Error {
  let status: HTTPResponse.Status
  let reason: String
  let message: String
  /// For a 405: the methods the path serves (the `Allow` header).
  var allow: [String] = []

  static func badRequest(_ message: String, reason: String = "invalidInput") -> DCSAError {
    DCSAError(status: .badRequest, reason: reason, message: message)
  }
  static func notFound(_ message: String) -> DCSAError { DCSAError(status: .notFound, reason: "notFound", message: message) }
  static let unauthorized = DCSAError(
    status: .unauthorized, reason: "unauthorized", message: "send a live API key as `Authorization: Bearer KEY`")
  static func forbidden(_ message: String) -> DCSAError { DCSAError(status: .forbidden, reason: "forbidden", message: message) }

  /// The DCSA status for a domain error: what a client sent wrong is 400, a busy database 503,
  /// anything else 500 (with a message that says no more than that).
  init(_ error: CorridorError) {
    switch error.kind {
    case .invalidData, .usage: self.init(status: .badRequest, reason: error.rule?.name ?? "invalidInput", message: Self.text(of: error))
    case .busy: self.init(status: .serviceUnavailable, reason: "busy", message: "the database is busy; retry shortly")
    case .io where error.isStorageFull:
      self.init(
        status: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), reason: "insufficientStorage",
        message: "the server's disk is full; nothing of the request was recorded; retry once space is freed")
    default: self.init(status: .internalServerError, reason: "internalError", message: "the server could not complete the request")
    }
  }

  init(status: HTTPResponse.Status, reason: String, message: String, allow: [String] = []) {
    self.status = status
    self.reason = reason
    self.message = message
    self.allow = allow
  }

  static func text(of error: CorridorError) -> String {
    var text = error.message
    if let rule = error.rule { text += " [\(rule.name)]" }
    if let hint = error.hint { text += " (\(hint))" }
    return text
  }

  func response(method: HTTPRequest.Method, uri: String, errorDateTime: String) -> Response {
    let body = CanonicalJSON.object([
      "httpMethod": .string(method.rawValue), "requestUri": .string(uri), "statusCode": .int(Int64(status.code)),
      "statusCodeText": .string(status.reasonPhrase),
      "errorDateTime": .string(errorDateTime),
      "errors": .array([.object(["reason": .string(reason), "message": .string(message)])]),
    ])
    return Response.json(body, status: status, headers: allow.isEmpty ? [:] : [.allow: allow.joined(separator: ", ")])
  }
}

extension Response {
  static func json(_ value: CanonicalJSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    json(bytes: Array(value.text.utf8), status: status, headers: headers)
  }

  static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var headers = headers
    headers[.contentType] = "application/json"
    headers[.apiVersion] = ServerVersion.api
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }
}

extension HTTPField.Name {
  static let apiVersion = known("API-Version")
  static let currentPage = known("Current-Page")
  static let nextPage = known("Next-Page")
  static let firstPage = known("First-Page")

  /// A name known to be valid (letters and dashes), so the failable initializer cannot fail.
  static func known(_ name: String) -> HTTPField.Name {
    guard let field = HTTPField.Name(name) else { preconditionFailure("\(name) is not a valid header name") }
    return field
  }
}

enum ServerVersion {
  /// The DCSA Track & Trace version the `/v2` endpoints implement.
  static let api = "2.2.0"
}
