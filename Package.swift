// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "Corridor",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "corridor", targets: ["corridor"]),
    .library(name: "CorridorModel", targets: ["CorridorModel"]),
    .library(name: "CorridorInterchange", targets: ["CorridorInterchange"]),
    .library(name: "CorridorPresentation", targets: ["CorridorPresentation"]),
    .library(name: "CorridorStore", targets: ["CorridorStore"]),
    .library(name: "SQLite", targets: ["SQLite"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
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
    // The model and its rules: values, errors, rule ids, the acceptance engine, the cost and
    // emission calculators, the ETA seam. No I/O: no SQLite, no HTTP, no files.
    .target(
      name: "CorridorModel",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]
    ),
    // Interchange: bytes in, model values out, and back (CSV, NDJSON, EDIFACT, the DCSA
    // mapping, files). No SQL.
    .target(name: "CorridorInterchange", dependencies: ["CorridorModel"]),
    .target(
      name: "CorridorStore",
      dependencies: [
        "CorridorModel",
        "CorridorInterchange",
        "SQLite",
        .product(name: "Crypto", package: "swift-crypto"),
        // The server's connection pool runs blocking SQLite work on a thread pool of its own.
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      plugins: ["EmbedResources"]
    ),
    // PostgreSQL beside SQLite: its own migrations (same numbers and meaning), the connection
    // (PostgresNIO, blocking behind the store's synchronous calls) and `db copy` between engines.
    .target(
      name: "CorridorStorePostgres",
      dependencies: [
        "CorridorModel",
        "CorridorInterchange",
        "CorridorStore",
        "SQLite",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      plugins: ["EmbedResources"]
    ),
    // Reports and presentation: the JSON and CSV contracts, charts and pages, rendered from
    // model values that the store's report queries return (`ReportReading`). No SQL.
    .target(
      name: "CorridorPresentation",
      dependencies: ["CorridorModel", "CorridorInterchange"],
      plugins: ["EmbedResources"]
    ),
    // The HTTP server (`corridor serve`): routes, keys, DCSA error bodies, the delivery loop. A
    // library so that tests start it in-process on a loopback port.
    .target(
      name: "CorridorServer",
      dependencies: [
        "CorridorStore", "CorridorModel", "CorridorInterchange", "CorridorPresentation",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
        // /metrics: swift-metrics' API, recorded into a Prometheus registry of the server's own.
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]
    ),
    // Generators for benchmarks and load tests: kept out of the shipped library.
    .target(name: "CorridorDevTools", dependencies: ["CorridorModel", "CorridorInterchange", "CorridorStore"]),
    .executableTarget(
      name: "corridor",
      dependencies: [
        "CorridorStore", "CorridorModel", "CorridorInterchange", "CorridorPresentation",
        "CorridorDevTools",
        "CorridorServer",
        "CorridorStorePostgres",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // What the test suites share: a fresh ledger on the engine `CORRIDOR_TEST_ENGINE` selects
    // (SQLite or PostgreSQL), so that one suite runs against both.
    .target(
      name: "CorridorTestSupport", dependencies: ["CorridorModel", "CorridorStore", "CorridorStorePostgres"], path: "Tests/Support"),
    .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "CSQLite"]),
    .testTarget(
      name: "CorridorStoreTests",
      dependencies: [
        "CorridorModel", "CorridorInterchange", "CorridorPresentation", "CorridorStore", "SQLite", "CSQLite", "CorridorTestSupport",
      ]),
    .testTarget(name: "CorridorCLITests", dependencies: ["corridor", "CorridorStorePostgres"]),
    .testTarget(
      name: "CorridorPostgresTests",
      dependencies: ["CorridorStorePostgres", "CorridorStore", "CorridorModel", "SQLite", "CorridorTestSupport"]),
    .testTarget(
      name: "CorridorServerTests",
      dependencies: [
        "CorridorServer", "CorridorStore", "CorridorModel", "CorridorInterchange", "CorridorPresentation", "SQLite",
        "CorridorTestSupport",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
