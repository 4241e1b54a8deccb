// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "Corridor",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "corridor", targets: ["corridor"]),
    .library(name: "CorridorKit", targets: ["CorridorKit"]),
    .library(name: "SQLite", targets: ["SQLite"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
  ],
  targets: [
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    .target(name: "SQLite", dependencies: ["CSQLite"]),
    .executableTarget(name: "ResourceEmbedder"),
    .plugin(
      name: "EmbedResources",
      capability: .buildTool(),
      dependencies: ["ResourceEmbedder"]
    ),
    .target(
      name: "CorridorKit",
      dependencies: [
        "SQLite",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      plugins: ["EmbedResources"]
    ),
    // Generators for benchmarks and load tests: kept out of the shipped library.
    .target(name: "CorridorDevTools", dependencies: ["CorridorKit", "SQLite"]),
    .executableTarget(
      name: "corridor",
      dependencies: [
        "CorridorKit",
        "CorridorDevTools",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "CSQLite"]),
    .testTarget(name: "CorridorKitTests", dependencies: ["CorridorKit", "SQLite", "CSQLite"]),
    .testTarget(name: "CorridorCLITests", dependencies: ["corridor"]),
  ],
  swiftLanguageModes: [.v6]
)
