import Foundation
import Testing

/// The README is what a newcomer reads first; the reference lives in docs/, one page per
/// capability. Every page is reachable from the README and every relative link lands on a file.
@Suite struct DocumentationTests {
  static let root = AuditCLITests.repository

  static func text(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  /// Relative link targets of a markdown text (`](target)`, without `#anchor`), http(s) excluded.
  static func links(_ text: String) -> [String] {
    text.matches(of: /\]\(([^)\s]+)\)/).map { String($0.output.1) }
      .filter { !$0.hasPrefix("http") && !$0.hasPrefix("#") }
      .map { String($0.split(separator: "#").first ?? "") }
  }

  @Test func everyDocsPageIsLinkedFromTheReadme() throws {
    let pages = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path)
      .filter { $0.hasSuffix(".md") }
    #expect(pages.count >= 10, "\(pages)")
    let linked = Set(Self.links(try Self.text("README.md")))
    for page in pages { #expect(linked.contains("docs/\(page)"), "README does not link docs/\(page)") }
  }

  @Test func everyRelativeLinkLandsOnAFile() throws {
    let pages = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path)
      .filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }
    for page in ["README.md"] + pages {
      let folder = (page as NSString).deletingLastPathComponent
      for link in Self.links(try Self.text(page)) {
        let path = Self.root.appendingPathComponent(folder).appendingPathComponent(link).standardizedFileURL.path
        #expect(FileManager.default.fileExists(atPath: path), "\(page) links \(link), which does not exist")
      }
    }
  }
}
