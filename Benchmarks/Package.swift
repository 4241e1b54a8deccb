// swift-tools-version: 6.1
// Benchmarks live in their own package so `swift build` / `swift test` of Corridor never build
// them. Run: `cd Benchmarks && swift package benchmark` (see README.md).
import Foundation
import PackageDescription

/// The main package is a path dependency, whose identity is its folder's name: whatever the
/// clone is called.
let corridorPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
  .lowercased()

let package = Package(
  name: "CorridorBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "SQLiteLayer",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "SQLite", package: corridorPackage),
      ],
      path: "Benchmarks/SQLiteLayer",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ]
)
