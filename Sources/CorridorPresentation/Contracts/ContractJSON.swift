import Foundation

/// The JSON of every contract Corridor prints or serves (`--format json`, the `/corridor/v1`
/// resources): keys sorted, pretty-printed, slashes unescaped. One encoder, so the CLI and the
/// server give the same bytes for the same value.
public enum ContractJSON {
  public static func text<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }
}
