// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Baton",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "baton", targets: ["baton"]),
        .library(name: "BatonModel", targets: ["BatonModel"]),
        .library(name: "BatonServer", targets: ["BatonServer"]),
        .library(name: "BatonClient", targets: ["BatonClient"]),
        .library(name: "BatonWorker", targets: ["BatonWorker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
    ],
    targets: [
        .target(name: "BatonModel", swiftSettings: upcoming),
        .target(name: "BatonDecider", dependencies: ["BatonModel"], swiftSettings: upcoming),
        .target(name: "BatonPersistence", dependencies: ["BatonModel"], swiftSettings: upcoming),
        .target(name: "BatonScripting", dependencies: ["BatonModel", "BatonDecider"], swiftSettings: upcoming),
        .target(
            name: "BatonEngine",
            dependencies: [
                "BatonModel", "BatonDecider", "BatonPersistence",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(name: "CSQLiteSettings", dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .target(
            name: "BatonSQLite",
            dependencies: [
                "BatonModel", "BatonPersistence", "CSQLiteSettings", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonPostgres",
            dependencies: [
                "BatonModel", "BatonPersistence",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonHTTP",
            dependencies: [
                "BatonModel", "BatonEngine", "BatonPersistence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonServer",
            dependencies: [
                "BatonModel", "BatonDecider", "BatonEngine", "BatonSQLite", "BatonPostgres", "BatonHTTP", "BatonPersistence", "BatonUI",
                "BatonScripting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonUI",
            resources: [.copy("Assets")],
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonClient",
            dependencies: [
                "BatonModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonWorker",
            dependencies: [
                "BatonClient", "BatonModel",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "baton",
            dependencies: [
                "BatonServer", "BatonClient", "BatonModel", "BatonHTTP", "BatonEngine", "BatonDecider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "HelloWorker",
            dependencies: [
                "BatonClient", "BatonWorker", "BatonModel",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/HelloWorker",
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "baton-bench",
            dependencies: [
                "BatonClient", "BatonWorker", "BatonModel", "BatonEngine", "BatonSQLite", "BatonPersistence", "BatonTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/baton-bench",
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonTesting",
            dependencies: [
                "BatonModel", "BatonServer", "BatonPersistence", "BatonEngine", "BatonScripting", "BatonClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/BatonTesting",
            swiftSettings: upcoming
        ),
        .testTarget(name: "BatonPersistenceTests", dependencies: ["BatonPersistence", "BatonModel"], swiftSettings: upcoming),
        .testTarget(name: "BatonModelTests", dependencies: ["BatonModel"], swiftSettings: upcoming),
        .testTarget(
            name: "BatonScriptingTests",
            dependencies: ["BatonScripting", "BatonDecider", "BatonModel", "BatonTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(name: "BatonDeciderTests", dependencies: ["BatonDecider", "BatonModel"], swiftSettings: upcoming),
        .testTarget(
            name: "BatonEngineTests",
            dependencies: ["BatonEngine", "BatonDecider", "BatonModel", "BatonPersistence", "BatonSQLite"],
            swiftSettings: upcoming
        ),
        .target(
            name: "BatonStoreConformance",
            dependencies: ["BatonPersistence", "BatonModel"],
            path: "Tests/BatonStoreConformance",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "BatonSQLiteTests",
            dependencies: ["BatonSQLite", "BatonPersistence", "BatonModel", "BatonStoreConformance"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "BatonHTTPTests",
            dependencies: [
                "BatonTesting", "BatonServer", "BatonModel", "BatonEngine", "BatonDecider",
                .product(name: "GRDB", package: "GRDB.swift"), "BatonHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "BatonPostgresTests",
            dependencies: [
                "BatonPostgres", "BatonPersistence", "BatonModel", "BatonStoreConformance",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "BatonClientTests",
            dependencies: [
                "BatonClient", "BatonTesting", "BatonModel", "BatonEngine", "BatonHTTP", "BatonServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "BatonWorkerTests",
            dependencies: [
                "BatonWorker", "BatonClient", "BatonTesting", "BatonModel", "BatonEngine", "BatonHTTP", "BatonServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "BatonEndToEndTests",
            dependencies: [
                "BatonTesting", "BatonModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
