import Foundation
import TestFixtures
import Testing
@testable import apogee

@Suite("Values on the command line: negative numbers and unreadable files answered by name")
struct CommandLineValueTests {
    @Test("a negative number after an option is its value, not a short flag; nothing else is joined")
    func joining() {
        #expect(NegativeNumberArguments.attached(["backtest", "--cash", "-5", "--speed", "-.5", "--latency-ms", "-inf"]) == ["backtest", "--cash=-5", "--speed=-.5", "--latency-ms=-inf"])
        #expect(NegativeNumberArguments.attached(["--cash=-5", "-5"]) == ["--cash=-5", "-5"])
        #expect(NegativeNumberArguments.attached(["replay", "-h"]) == ["replay", "-h"])
        #expect(NegativeNumberArguments.attached(["--", "--x", "-1"]) == ["--", "--x", "-1"])
        #expect(NegativeNumberArguments.attached(["-v", "-1"]) == ["-v", "-1"])
    }

    @Test("apogee backtest --cash -5 names --cash and its range (not \"Missing value\"), exit 64", arguments: [
        (["--cash", "-5"], "--cash must be a positive amount"),
        (["--kill-drawdown", "-3"], "--kill-drawdown must be a positive number"),
        (["--latency-ms", "-inf"], "--order-latency-ms (--latency-ms) must be 0 to 60000"),
    ])
    func negativeValues(option: [String], message: String) throws {
        let run = try ApogeeProcess.run(["backtest", "--data", Support.usdmBTC] + option)
        #expect(run.status == 64)
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(!run.standardError.contains("Missing value"))
    }

    @Test("--config given a folder, a missing file or bytes that are not text says which, not a Foundation error code")
    func unreadableConfig() throws {
        let directory = try Support.scratchDirectory()
        let binary = directory + "/binary.toml"
        FileManager.default.createFile(atPath: binary, contents: Data([0xFF, 0xFE, 0x00, 0xC3]))
        // A header with no name aborted the process inside toml++ (exit 134).
        let headerless = directory + "/headerless.toml"
        try "[[strategy]]\nname = \"ema\"\n[\n".write(toFile: headerless, atomically: true, encoding: .utf8)
        let aborted = try ApogeeProcess.run(["backtest", "--data", Support.usdmBTC, "--config", headerless])
        #expect(aborted.status == 1)
        #expect(aborted.standardError.contains("\(headerless):3:1: a table header needs a name after '['"), "\(aborted.standardError)")
        for (path, reason) in [(directory, "it is a folder"), (directory + "/none.toml", "no such file"), (binary, "it is not UTF-8 text")] {
            let run = try ApogeeProcess.run(["backtest", "--data", Support.usdmBTC, "--config", path])
            #expect(run.status == 1)
            #expect(run.standardError.contains("cannot read strategy file \(path): \(reason)"), "\(run.standardError)")
            #expect(!run.standardError.contains("NSCocoaErrorDomain"))
        }
    }
}
