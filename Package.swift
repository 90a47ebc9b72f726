// swift-tools-version:6.1
//
// Apogee: a MoonBot-style trading terminal. The module graph follows ../shared/DESIGN.md:
// pure modules (MarketModel, OrderBook, Feeds, ...) at the bottom, I/O at the edges
// (VenueClients, Recording, Backtesting, LiveEngine, Terminal, the apogee executable), and small system-library shims for ncursesw,
// hiredis and libcrypto.
import PackageDescription

/// The modules of the backtest's hot loop are compiled with cross-module optimisation,
/// so the book, the kernel and the venue inline into each other (the book's level
/// updates are most of a backtest's time; see `apogee bench --hot-loop`).
let hotLoop: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "apogee",
    products: [
        .executable(name: "apogee", targets: ["apogee"]),
        .library(name: "ApogeeCore", targets: ["MarketModel", "OrderBook", "Feeds", "Trading", "Strategies", "Simulation", "EngineCore", "LiveCore", "LiveEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Already a dependency of compress-nio; its HTTP and WebSocket modules carry the
        // live feed and the fake exchange over plain TCP (loopback).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // TLS for wss:// and https:// (mainnet, testnet) on the same NIO pipelines; its
        // BoringSSL is symbol-prefixed, so it links beside the system libcrypto.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System libraries: a module map and a small prefixed shim header each.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Pure core: no I/O, no clock, no tasks.
        .target(name: "MarketModel", swiftSettings: hotLoop),
        .target(name: "OrderBook", dependencies: [
            "MarketModel",
            .product(name: "DequeModule", package: "swift-collections"),
        ], swiftSettings: hotLoop),
        .target(name: "Feeds", dependencies: ["MarketModel", "Trading"]),
        .target(name: "Trading", dependencies: ["MarketModel"], swiftSettings: hotLoop),
        // The simulated venue, and the loop that drives a kernel against it (BacktestRun):
        // both pure, so a fuzz target can run the whole backtest loop without any I/O module.
        .target(name: "Simulation", dependencies: [
            "MarketModel", "OrderBook", "Trading", "Strategies", "EngineCore",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: hotLoop),
        .target(name: "Strategies", dependencies: [
            "MarketModel", "OrderBook", "Trading",
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        .target(name: "TUIKit"),
        .target(name: "NCursesBackend", dependencies: ["CNCurses", "TUIKit"]),
        .target(name: "TradingUI", dependencies: ["TUIKit", "EngineCore", "MarketModel", "Trading"]),
        .target(name: "EngineCore", dependencies: [
            "MarketModel", "OrderBook", "Trading", "Strategies",
            .product(name: "DequeModule", package: "swift-collections"),
        ], swiftSettings: hotLoop),

        // The live session's decisions as a state machine (typed venue answers in,
        // actions out), and an in-memory venue that speaks its boundary: pure.
        .target(name: "LiveCore", dependencies: ["MarketModel", "Trading", "EngineCore", "Strategies"], swiftSettings: hotLoop),

        // Drivers and I/O edges.
        .target(name: "Storage", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            // The order journal's hot commit runs on the system SQLite directly.
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // What toml++ must not be given (a header without a name aborts it): checked
        // before any TOML text reaches TOMLKit.
        .target(name: "TOMLGuard"),
        .target(name: "Venues", dependencies: [
            "COpenSSL", "TOMLGuard",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "RedisMirror", dependencies: [
            "CHiredis", "MarketModel",
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // Everything that talks to an exchange: TCP and TLS, REST and WebSocket clients,
        // the order clients and user-data streams, the market streams.
        .target(name: "VenueClients", dependencies: [
            "MarketModel", "Feeds", "Trading", "LiveCore", "Venues", "COpenSSL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Recorded market data: files (gzip, CSV) and stored sessions read into
        // events, imports into SQLite, the bundled demo data.
        .target(name: "Recording", dependencies: [
            "MarketModel", "Feeds", "Storage", "Simulation",
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Child processes started and reaped (benchmarks, the fake exchange, redis-server in tests).
        .target(name: "Processes"),
        // Where a kernel's story goes, whichever driver runs it: the order journal
        // (SQLite) and the Redis mirror.
        .target(name: "Sinks", dependencies: ["MarketModel", "OrderBook", "Trading", "EngineCore", "Storage", "RedisMirror"]),
        // Replays and backtests of recorded data: the simulation driver, Monte Carlo,
        // reports, imports, strategy files.
        .target(name: "Backtesting", dependencies: [
            "MarketModel", "OrderBook", "Feeds", "Trading", "Strategies", "Simulation", "EngineCore",
            "Storage", "RedisMirror", "Recording", "Sinks", "TOMLGuard",
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "LiveEngine", dependencies: [
            "MarketModel", "OrderBook", "Feeds", "Trading", "Strategies", "Simulation", "EngineCore", "LiveCore",
            "TUIKit", "TradingUI", "NCursesBackend", "Storage", "RedisMirror", "Venues", "VenueClients", "Recording", "Processes", "Sinks", "Backtesting", "COpenSSL",
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The full-screen terminal: binds TradingUI to a replay, paper or live engine.
        .target(name: "Terminal", dependencies: [
            "LiveEngine", "Backtesting", "Recording", "Simulation", "EngineCore", "MarketModel", "Strategies", "Trading",
            "TUIKit", "TradingUI", "NCursesBackend", "Storage", "RedisMirror",
        ]),
        // The benchmarks `apogee bench` runs (hot loop, replay, frames, mirror, the live
        // path's latency, idle cost and soak against the fake exchange).
        .target(name: "Bench", dependencies: [
            "MarketModel", "OrderBook", "Trading", "Strategies", "Simulation", "EngineCore", "TUIKit", "TradingUI",
            "Storage", "RedisMirror", "Venues", "Recording", "Processes", "Backtesting", "LiveEngine", "Terminal", "FakeExchange",
        ]),
        // A fake exchange on 127.0.0.1 speaking Binance's market-data protocol, for the
        // tests of the live path and `apogee fake-exchange`.
        .target(name: "FakeExchange", dependencies: [
            "Recording", "Processes", "VenueClients", "Feeds", "MarketModel", "OrderBook", "Trading", "Venues",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Test support: a real redis-server on a free loopback port.
        // Test support: the shared recordings' paths, scratch directories, shell fixtures.
        .target(name: "TestFixtures", dependencies: ["Recording", "Processes"]),
        .target(name: "RedisTestSupport", dependencies: ["RedisMirror", "Processes"]),
        .executableTarget(name: "apogee", dependencies: [
            "Bench", "Terminal", "LiveEngine", "VenueClients", "LiveCore", "Recording", "Processes", "RedisMirror", "FakeExchange", "Backtesting", "Sinks", "Venues", "MarketModel", "Strategies", "Simulation", "Trading", "CNCurses", "CHiredis", "COpenSSL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "MarketModelTests", dependencies: ["MarketModel", "Simulation"]),
        .testTarget(name: "OrderBookTests", dependencies: ["OrderBook", "MarketModel"]),
        .testTarget(name: "FeedsTests", dependencies: ["Feeds", "MarketModel", "Simulation"]),
        .testTarget(name: "TradingTests", dependencies: ["Trading", "MarketModel"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Trading", "OrderBook", "MarketModel"]),
        .testTarget(name: "TUIKitTests", dependencies: ["TUIKit", "TradingUI", "EngineCore", "Trading", "MarketModel", "Strategies", "Simulation"]),
        .testTarget(name: "StrategiesTests", dependencies: ["Strategies", "Simulation", "Trading", "OrderBook", "MarketModel"]),
        .testTarget(name: "EngineCoreTests", dependencies: ["EngineCore", "Simulation", "Strategies", "Trading", "OrderBook", "MarketModel"]),
        .testTarget(name: "VenuesTests", dependencies: ["Venues"]),
        .testTarget(name: "VenueClientsTests", dependencies: ["VenueClients", "LiveCore", "MarketModel", "Trading"]),
        .testTarget(name: "LiveCoreTests", dependencies: ["LiveCore", "Simulation", "EngineCore", "Strategies", "Trading", "OrderBook", "MarketModel"]),
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "TestFixtures", "Storage"]),
        .testTarget(name: "BacktestingTests", dependencies: ["Backtesting", "TOMLGuard", "Sinks", "Recording", "Processes", "TestFixtures", "Storage", "RedisMirror", "RedisTestSupport", "Feeds", "OrderBook", "MarketModel", "Trading", "Strategies", "Simulation", "EngineCore"]),
        .testTarget(name: "LiveEngineTests", dependencies: ["LiveEngine", "Terminal", "VenueClients", "LiveCore", "Backtesting", "Recording", "Storage", "FakeExchange", "TestFixtures", "Venues", "MarketModel", "Trading", "Strategies", "EngineCore"], exclude: ["Golden"]),
        .testTarget(name: "ApogeeCLITests", dependencies: ["apogee", "TestFixtures", "Terminal", "LiveEngine", "VenueClients", "LiveCore", "Recording", "Processes", "Backtesting", "Sinks", "MarketModel", "RedisMirror", "RedisTestSupport", "FakeExchange", "Venues", "Storage", "CNCurses", "CHiredis", "COpenSSL"]),
    ],
    swiftLanguageModes: [.v6]
)
