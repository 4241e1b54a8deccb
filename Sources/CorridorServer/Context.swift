import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import Synchronization

/// A request's context: the API key it presented, once the auth middleware has checked it.
public struct CorridorRequestContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  /// The live key, for every route but the public ones.
  var key: APIKey?

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
  }

  /// The key, for routes behind the auth middleware.
  func requireKey() throws -> APIKey {
    guard let key else { throw DCSAError.unauthorized }
    return key
  }
}

/// One log line per request (method, path, status, duration, key name; never the key, never
/// the query), and every error turned into a DCSA error body.
struct RequestLogAndErrors: RouterMiddleware {
  typealias Context = CorridorRequestContext
  let logger: Logger
  let answers: ErrorAnswers
  /// Counts each request by the router's pattern and status (`/metrics`), after its error is
  /// answered, so a 4xx is counted with its status.
  let metrics: ServerMetrics

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    let started = ContinuousClock.now
    let response: Response
    var keyName = "-"
    do {
      response = try await next(request, context)
    } catch {
      response = answers.response(for: error, request: request)
    }
    if let name = response.headers[.corridorKeyName] { keyName = name }
    var shown = response
    shown.headers[.corridorKeyName] = nil
    let elapsed = ContinuousClock.now - started
    metrics.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code, duration: elapsed)
    let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
    logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds))ms key=\(keyName)")
    return shown
  }
}

/// How the server answers an error: a DCSA error body with its status (a 405 names the methods
/// the router serves on the path), stamped by the server's clock.
struct ErrorAnswers: Sendable {
  let routes: RouteTable
  let clock: CorridorModel.Clock

  func response(for error: any Error, request: Request) -> Response {
    let dcsa: DCSAError
    switch error {
    case let error as DCSAError: dcsa = error
    case let error as CorridorError: dcsa = DCSAError(error)
    case let error as EventBatchRefusal: dcsa = error.dcsa
    case let error as HTTPError where error.status == .notFound && routes.allowed(on: request.uri.path) != nil:
      // The router found no handler for this method on a path it serves.
      let allowed = routes.allowed(on: request.uri.path) ?? []
      dcsa = DCSAError(
        status: .methodNotAllowed, reason: "methodNotAllowed",
        message: "\(request.method) is not served on this path; use \(allowed.joined(separator: ", "))", allow: allowed)
    case is HTTPParserError:
      // A body the HTTP parser cannot read (a bad chunk size, a missing CRLF, an overflowing
      // length) is the client's error.
      dcsa = DCSAError.badRequest("the request is not valid HTTP/1.1 (\(error)): check Content-Length and chunked framing")
    case let error as any HTTPResponseError:
      // Hummingbird's own: no route (404), a body over the limit (413), …
      let message =
        error.status == .contentTooLarge
        ? "the request body is larger than this server accepts" : (error as? HTTPError)?.body ?? error.status.reasonPhrase
      dcsa = DCSAError(status: error.status, reason: error.status == .contentTooLarge ? "contentTooLarge" : "httpError", message: message)
    default:
      dcsa = DCSAError(status: .internalServerError, reason: "internalError", message: "the server could not complete the request")
    }
    return dcsa.response(method: request.method, uri: request.uri.path, errorDateTime: clock.nowUTC())
  }
}

/// Checks `Authorization: Bearer KEY` against the stored hashes: no key or a revoked one is 401.
struct Authentication: RouterMiddleware {
  typealias Context = CorridorRequestContext
  let database: ServerDatabase
  let answers: ErrorAnswers

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    // The scheme is case-insensitive (RFC 9110 §11.1): `bearer`, `BEARER` and `Bearer` are one.
    guard let header = request.headers[.authorization], header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else {
      throw DCSAError.unauthorized
    }
    let presented = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    guard !presented.isEmpty, presented.utf8.count <= 200 else { throw DCSAError.unauthorized }
    guard let key = try await database.read({ try $0.accessStore.apiKey(presented: presented) }) else { throw DCSAError.unauthorized }
    var context = context
    context.key = key
    var response: Response
    do { response = try await next(request, context) } catch {
      response = answers.response(for: error, request: request)
    }
    response.headers[.corridorKeyName] = key.name
    return response
  }
}

extension HTTPField.Name {
  /// Carries the key's name from the auth middleware to the log line; removed before sending.
  static let corridorKeyName = known("X-Corridor-Key-Name")
}

/// The paths the server serves and their methods, for a 405 (rather than 404) when a path is
/// right and the method is not. Read from the router's own registrations once they are all made
/// (`load`), so that a route added anywhere is in it without a second list to keep.
final class RouteTable: Sendable {
  private let routes = Mutex<[(path: [String], methods: [String])]>([])

  func load(_ registered: [Router<CorridorRequestContext>.RouteDescription]) {
    var table: [(path: [String], methods: [String])] = []
    for route in registered {
      // A captured parameter ({eventID}) matches any one segment.
      let path = route.path.components.map { $0.description.hasPrefix("{") ? "*" : $0.description }
      if let index = table.firstIndex(where: { $0.path == path }) {
        table[index].methods.append(route.method.rawValue)
      } else {
        table.append((path, [route.method.rawValue]))
      }
    }
    routes.withLock { $0 = table }
  }

  func allowed(on path: String) -> [String]? {
    let parts = path.split(separator: "/").map(String.init)
    return routes.withLock { routes in
      routes.first { route in
        route.path.count == parts.count && zip(route.path, parts).allSatisfy { $0 == "*" || $0 == $1 }
      }?.methods
    }
  }
}
