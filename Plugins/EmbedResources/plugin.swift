import Foundation
import PackagePlugin

/// Embeds the top-level `migrations/*.sql` and the shipped `fixtures/reference/*.json` and
/// `fixtures/sample/*` and `openapi/*.yaml` into the target that uses this plugin (the API documents into CorridorPresentation, the rest into the store), as generated Swift source. Every
/// file is a declared input, so editing or adding one rebuilds.
@main
struct EmbedResources: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let tool = try context.tool(named: "ResourceEmbedder").url
    // The store embeds the schema and the shipped data; the presentation layer the API documents and
    // the base map under the network page.
    let sets: [(folder: String, enumName: String, extensions: Set<String>)] =
      target.name == "CorridorPresentation"
      ? [("openapi", "EmbeddedOpenAPI", ["yaml"]), ("fixtures/map", "EmbeddedMap", ["json"])]
      : target.name == "CorridorStorePostgres"
        ? [("migrations/postgres", "EmbeddedPostgresMigrations", ["sql"])]
        : [
          ("migrations", "EmbeddedMigrations", ["sql"]),
          ("fixtures/reference", "EmbeddedReference", ["json"]),
          ("fixtures/sample", "EmbeddedSample", ["json", "csv"]),
        ]
    return sets.map { set in
      let directory = context.package.directoryURL.appending(path: set.folder)
      let files =
        (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil))?
        .filter { set.extensions.contains($0.pathExtension) }
        .sorted { $0.lastPathComponent < $1.lastPathComponent } ?? []
      let output = context.pluginWorkDirectoryURL.appending(path: "\(set.enumName).swift")
      return .buildCommand(
        displayName: "Embedding \(files.count) files from \(set.folder)",
        executable: tool,
        arguments: [output.path(), set.enumName] + files.map { $0.path() },
        inputFiles: files + [directory],
        outputFiles: [output]
      )
    }
  }
}
