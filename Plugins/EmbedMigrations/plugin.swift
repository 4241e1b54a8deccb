import Foundation
import PackagePlugin

/// Embeds the top-level `migrations/*.sql` into the target that uses this plugin, as generated
/// Swift source. Every .sql file is a declared input, so editing or adding one rebuilds.
@main
struct EmbedMigrations: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let directory = context.package.directoryURL.appending(path: "migrations")
    let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "sql" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(files.count) migrations",
        executable: try context.tool(named: "MigrationEmbedder").url,
        arguments: [output.path()] + files.map { $0.path() },
        inputFiles: files + [directory],
        outputFiles: [output]
      )
    ]
  }
}
