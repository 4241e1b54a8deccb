import ArgumentParser
import CorridorInterchange
import CorridorModel
import CorridorPresentation
import CorridorStore

/// Parsers for the value types the CLI takes, so a bad value is exit 65 with the domain's own
/// explanation.
enum Parse {
  static func container(_ text: String) throws -> ContainerNumber {
    try ContainerNumber(parsing: text)
  }

  static func sizeType(_ text: String) throws -> SizeType {
    try SizeType(parsing: text)
  }
}
