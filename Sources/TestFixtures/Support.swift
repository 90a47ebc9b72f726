import Processes
import Recording
import Foundation

/// Paths to the shared recordings and scratch files for the tests (`../shared/data`
/// beside the checkout; never copied into the repository).
public enum Support {
    /// `../shared/data` beside the package root.
    public static let sharedData: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()  // Sources/TestFixtures/Support.swift → the checkout
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    public static func recording(_ name: String) -> String { "\(sharedData)/binance/\(name)" }

    public static let spotBTC = recording("spot_btcusdt_20240808.gz")
    public static let spotETH = recording("spot_ethusdt_20240808.gz")
    public static let usdmBTC = recording("usdm_btcusdt_20240808.gz")

    /// A fresh scratch directory for one test.
    public static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "apogee-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a shell command (fixture building with gzip, head, cat); fails on a non-zero exit.
    public static func shell(_ command: String) throws {
        let status = try ChildProcess.run(["sh", "-c", command], discardingOutput: false)
        guard status == 0 else { throw ShellFailure(command: command, status: status) }
    }

    public struct ShellFailure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var description: String { "`\(command)` exited with \(status)" }
    }

    /// The decompressed lines of a recording, for building variants of it.
    public static func lines(of path: String, limit: Int = .max) throws -> [String] {
        let reader = try RecordingReader(path: path)
        var lines: [String] = []
        while lines.count < limit, let line = try reader.nextLine() {
            lines.append(String(decoding: line, as: UTF8.self))
        }
        return lines
    }

    public static func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
