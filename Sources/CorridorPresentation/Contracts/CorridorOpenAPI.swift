import CorridorInterchange
import CorridorModel

/// Corridor's own endpoints described in OpenAPI (`openapi/corridor-v1.yaml`, embedded at build
/// time), served at `/corridor/v1/openapi.yaml`; `/v2` is DCSA's published document.
public enum CorridorOpenAPI {
  public static let document = EmbeddedOpenAPI.files.first { $0.name == "corridor-v1.yaml" }?.text ?? ""
}
