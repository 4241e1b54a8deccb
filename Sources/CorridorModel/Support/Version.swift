public enum CorridorVersion {
  public static let current = "0.1.0"
}
