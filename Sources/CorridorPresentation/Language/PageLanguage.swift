import Foundation

/// The language of what people read: the pages, and the table output of the reports and
/// `track`. JSON and CSV are contracts and never change with it; error messages stay English.
public enum PageLanguage: String, Sendable, CaseIterable {
  case english = "en"
  case simplifiedChinese = "zh-CN"

  /// A language tag as people and systems write it: `zh-CN`, `zh_CN.UTF-8`, `zh-Hans`, `zh`,
  /// `en`, `en-GB`, `C`, `POSIX`. Chinese in Simplified characters and English are known; nil for
  /// anything else (including Traditional Chinese, which the catalogue does not have).
  public init?(tag: String) {
    let base = tag.split(separator: ".").first.map(String.init) ?? tag
    let parts = base.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
    switch parts.first {
    case "zh":
      let rest = Set(parts.dropFirst())
      guard rest.isDisjoint(with: ["hant", "tw", "hk", "mo"]) else { return nil }
      self = .simplifiedChinese
    case "en", "c", "posix": self = .english
    default: return nil
    }
  }

  /// The CLI's default: `LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX orders them; English
  /// when none names a known language.
  public static func fromEnvironment(_ environment: [String: String]) -> PageLanguage {
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
      guard let value = environment[name], !value.isEmpty else { continue }
      return PageLanguage(tag: value) ?? .english
    }
    return .english
  }

  /// The server's default: the known language the client prefers most in `Accept-Language`
  /// (RFC 9110 section 12.5.4: quality values, `*`), English when it names none we have.
  public static func fromAcceptLanguage(_ header: String?) -> PageLanguage {
    guard let header else { return .english }
    var best: (language: PageLanguage, quality: Double)?
    for item in header.split(separator: ",") {
      let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      guard let tag = parts.first, !tag.isEmpty, let language = PageLanguage(tag: tag) else { continue }
      var quality = 1.0
      for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
        quality = Double(parameter.dropFirst(2)) ?? 0
      }
      guard quality > 0, quality <= 1 else { continue }
      // The first of equal preferences wins.
      if quality > (best?.quality ?? 0) { best = (language, quality) }
    }
    return best?.language ?? .english
  }

  /// The HTML `lang` attribute.
  public var htmlTag: String { rawValue }
}
