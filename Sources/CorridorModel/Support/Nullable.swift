/// An optional that a JSON contract always carries: `nil` is written as `null` instead of the
/// key being left out (what synthesized `Encodable` does with plain optionals). Scripts read
/// every key of every object.
@propertyWrapper
public struct Nullable<Value: Encodable & Sendable & Equatable>: Encodable, Sendable, Equatable {
  public var wrappedValue: Value?

  public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(wrappedValue)
  }
}
