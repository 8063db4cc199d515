// swift-tools-version:6.1
import PackageDescription

/// pgwarden: secures, replicates and fails over the shared PostgreSQL database of a
/// multi-node deployment. See README.md and DESIGN.md for the map.
///
/// Modules depend downward only: the CLI on everything; WardenPostgres / WardenHost on
/// WardenCore; WardenCore on nothing of ours (it is pure: no sockets, files or processes).
let package = Package(
    name: "pgwarden",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pgwarden", targets: ["pgwarden"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // Pure values and logic: formats, inventory, crypto, certificates, rules, planners.
        .target(
            name: "WardenCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Files, processes, atomic writes, the change-engine executor.
        .target(
            name: "WardenHost",
            dependencies: [
                "WardenCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Sessions to PostgreSQL, fact collection, admin actions, wire probes.
        .target(
            name: "WardenPostgres",
            dependencies: [
                "WardenCore",
                "WardenHost",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ],
                    ),
        // Disposable local sites, used by `pgwarden lab` and by the integration tests.
        .target(
            name: "WardenLab",
            dependencies: ["WardenCore", "WardenHost", "WardenPostgres"]
        ),
        // The CLI: thin; parses, calls, prints.
        .executableTarget(
            name: "pgwarden",
            dependencies: [
                "WardenCore", "WardenHost", "WardenPostgres", "WardenLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench`: the speed targets of the issues, measured and printed.
        .executableTarget(
            name: "pgwarden-bench",
            dependencies: ["WardenCore", "WardenHost", "WardenPostgres", "WardenLab"],
            path: "Benchmarks/pgwarden-bench"
        ),
        .testTarget(
            name: "WardenCoreTests",
            dependencies: ["WardenCore"]
        ),
        .testTarget(
            name: "WardenIntegrationTests",
            dependencies: ["WardenCore", "WardenHost", "WardenPostgres", "WardenLab"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
