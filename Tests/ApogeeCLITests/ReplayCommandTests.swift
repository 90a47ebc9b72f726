import Foundation
import Testing

@Suite("apogee replay, as a user runs it")
struct ReplayCommandTests {
    let spotETH = ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz"

    @Test("--headless --json prints exactly one JSON object with the report's keys")
    func json() throws {
        let result = try ApogeeProcess.run(["replay", spotETH, "--headless", "--json"])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty)
        let text = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!text.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["events"] as? Int == 33_618)
        #expect(object["lines"] as? Int == 33_618)
        #expect(object["malformed"] as? Int == 0)
        #expect(object["gaps"] as? Int == 0)
        #expect(object["resyncs"] as? Int == 0)
        let byKind = try #require(object["by_kind"] as? [String: Int])
        #expect(byKind == ["trade": 6106, "depth": 3434, "ticker": 24077, "snapshot": 1])
        let audit = try #require(object["audit"] as? [String: Int])
        #expect(audit["mismatches"] == 0)
        #expect((audit["checks"] ?? 0) > 400)
        let trades = try #require(object["trades"] as? [String: Any])
        #expect(trades["count"] as? Int == 6106)
        #expect(trades["volume"] as? String == "2261.31490000")
        #expect(trades["vwap"] is String)
        let book = try #require(object["final_book"] as? [String: Any])
        #expect(book["best_bid"] as? String == "2682.50000000")
        #expect(book["best_ask"] as? String == "2682.51000000")
        #expect(object["elapsed_s"] is Double || object["elapsed_s"] is Int)
        #expect(object["events_per_s"] is Double || object["events_per_s"] is Int)
    }

    @Test("without --json a short summary for a person")
    func summary() throws {
        let result = try ApogeeProcess.run(["replay", spotETH, "--headless"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Replayed 33618 events from 33618 lines"))
        #expect(result.standardOutput.contains("book agrees with the exchange's best bid/ask at all"))
        #expect(result.standardOutput.contains("ETHUSDT:"))
    }

    @Test("a missing file is exit status 1 with a message naming it")
    func missingFile() throws {
        let result = try ApogeeProcess.run(["replay", "/nonexistent/file.gz", "--headless"])
        #expect(result.status == 1)
        #expect(result.standardError == "apogee: cannot open /nonexistent/file.gz: No such file or directory\n")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("--strict stops at a malformed line with exit status 2, naming file and line")
    func strict() throws {
        let directory = NSTemporaryDirectory() + "apogee-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/bad.txt"
        try "1723161254087896568 {\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1.0\",\"B\":\"1\",\"a\":\"2.0\",\"A\":\"1\"}}\nnonsense\n".write(toFile: path, atomically: true, encoding: .utf8)
        let strict = try ApogeeProcess.run(["replay", path, "--headless", "--strict"])
        #expect(strict.status == 2)
        #expect(strict.standardError.hasPrefix("apogee: \(path):2: line does not start with a receive time"))
        let lenient = try ApogeeProcess.run(["replay", path, "--headless", "--json"])
        #expect(lenient.status == 0)
        #expect(lenient.standardOutput.contains(#""malformed":1"#))
        #expect(lenient.standardOutput.contains(#"{"file":"\#(path)","line":2,"#))
    }

    @Test("without a terminal the full-screen view refuses clearly instead of hanging")
    func needsTerminal() throws {
        let result = try ApogeeProcess.run(["replay", spotETH])
        #expect(result.status == 1)
        #expect(result.standardError.contains("needs a terminal"))
        #expect(result.standardError.contains("--headless"))
    }

    @Test("apogee without a terminal refuses before writing the demo market")
    func demoNeedsTerminalFirst() throws {
        let data = NSTemporaryDirectory() + "apogee-no-tty-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: data) }
        let result = try ApogeeProcess.run([], environment: ["XDG_DATA_HOME": data])
        #expect(result.status == 1)
        #expect(result.standardError.contains("needs a terminal"))
        #expect(!FileManager.default.fileExists(atPath: data + "/apogee"), "nothing was written")
    }

    @Test("bad arguments are usage errors with help")
    func usage() throws {
        let badMarket = try ApogeeProcess.run(["replay", spotETH, "--headless", "--market", "options"])
        #expect(badMarket.status == 64)
        #expect(badMarket.standardError.contains("--market"))
        let help = try ApogeeProcess.run(["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("replay"))
        #expect(help.standardOutput.contains("bench"))
    }

    @Test("demo-data makes its output folder when it is missing, and the spike scenario it writes replays")
    func demoDataMakesItsFolder() throws {
        let folder = NSTemporaryDirectory() + "apogee-demo-\(UUID().uuidString)/nested"
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let written = try ApogeeProcess.run(["demo-data", "--spikes", "--output", folder])
        #expect(written.status == 0, "\(written.standardError)")
        let replay = try ApogeeProcess.run(["replay", folder + "/spot_spikeusdt_scenario.gz", "--headless"])
        #expect(replay.status == 0, "\(replay.standardError)")
    }

    @Test("a headless replay refuses a view option it would have ignored, by name: unknown strategy, theme, keymap, a bad size, a folder for --config", arguments: [
        (["--strategy", "moonshot-9000"], "--strategy moonshot-9000"), (["--theme", "nosuch"], "--theme"), (["--keymap", "nosuch"], "--keymap"),
        (["--size", "nan"], "--size"), (["--size", "0"], "--size"), (["--config", "/tmp"], "--config /tmp is a folder"),
    ])
    func viewOptionsChecked(option: [String], message: String) throws {
        let result = try ApogeeProcess.run(["replay", spotETH, "--headless"] + option)
        #expect(result.status == 64, "\(option): \(result.standardError)")
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }
}
