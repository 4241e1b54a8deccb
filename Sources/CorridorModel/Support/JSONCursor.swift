/// A position in a parsed JSON document with its JSONPath, so every validation error can say
/// `FILE:LINE:COLUMN: $.routes[2].legs[0].to: …`.
public struct JSONCursor {
  public let node: JSONNode
  public let path: String
  public let file: String

  public init(root: JSONNode, file: String) {
    self.node = root
    self.path = "$"
    self.file = file
  }

  private init(node: JSONNode, path: String, file: String) {
    self.node = node
    self.path = path
    self.file = file
  }

  /// An invalid-data error located at this value.
  public func error(_ message: String, rule: RuleID = .reference) -> CorridorError {
    .invalid("\(path): \(message)", rule: rule, at: SourcePosition(file: file, line: node.line, column: node.column))
  }

  /// The member, or nil when it is absent or null (optional keys).
  public func optional(_ key: String) -> JSONCursor? {
    guard let child = node[key], !child.isNull else { return nil }
    return JSONCursor(node: child, path: "\(path).\(key)", file: file)
  }

  public func required(_ key: String) throws -> JSONCursor {
    guard case .object = node.value else { throw error("expected an object, found \(node.typeName)") }
    guard let child = optional(key) else { throw error("missing required key \"\(key)\"") }
    return child
  }

  public func elements() throws -> [JSONCursor] {
    guard case .array(let items) = node.value else { throw error("expected an array, found \(node.typeName)") }
    return items.enumerated().map { JSONCursor(node: $1, path: "\(path)[\($0)]", file: file) }
  }

  public func keys() -> [String] {
    if case .object(let members) = node.value { return members.map(\.key) }
    return []
  }

  public func string() throws -> String {
    guard case .string(let text) = node.value else { throw error("expected a string, found \(node.typeName)") }
    return text
  }

  public func int() throws -> Int {
    guard case .number(let text) = node.value else { throw error("expected a whole number, found \(node.typeName)") }
    guard let value = Int(text) else { throw error("expected a whole number, found \(text)") }
    return value
  }

  /// Coordinates only: money never goes through here.
  public func double() throws -> Double {
    guard case .number(let text) = node.value, let value = Double(text) else {
      throw error("expected a number, found \(node.typeName)")
    }
    return value
  }

  public func bool() throws -> Bool {
    guard case .bool(let value) = node.value else { throw error("expected true or false, found \(node.typeName)") }
    return value
  }

  public func strings() throws -> [String] {
    try elements().map { try $0.string() }
  }

  /// A string parsed by a value type's own parser, its error located here.
  public func parsed<T>(_ parse: (String) throws(CorridorError) -> T) throws -> T {
    let text = try string()
    do { return try parse(text) } catch { throw self.error(error.message) }
  }

  /// One of a closed set of codes: `unknown kind; expected one of …` otherwise.
  public func code<T: RawRepresentable & CaseIterable>(_ what: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: try string()) else {
      throw error("unknown \(what); expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
  }
}

extension JSONCursor {
  /// The optional `nameZh` of a reference item (a place, a policy): its name in Simplified
  /// Chinese for the pages, 1 to 100 characters, not blank.
  package func nameZh() throws -> String? {
    guard let cursor = optional("nameZh") else { return nil }
    let name = try cursor.string()
    guard !name.trimmingSpaces.isEmpty, name.count <= 100 else { throw cursor.error("nameZh must be 1 to 100 characters, not blank") }
    return name
  }
}
