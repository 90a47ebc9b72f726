import LiveEngine
import Recording
import Foundation
import MarketModel
import TUIKit
import TradingUI

/// Finds and reads themes and keymaps: `--theme NAME` looks in
/// `$XDG_CONFIG_HOME/apogee/themes/` (default `~/.config/apogee/themes/`), then `$APOGEE_HOME/themes/`, `./themes/`, and the
/// `themes/` of the checkout the binary was built in; a path is read as is. The same
/// for keymaps. Without any file, the checkout's own themes and keymaps, built into
/// the binary (``BundledAssets``), apply: an installed apogee works from any folder.
public enum Assets {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func candidates(_ folder: String, _ name: String) -> [String] {
        if name.contains("/") || name.hasSuffix(".toml") { return [name] }
        var places: [String] = []
        let environment = ProcessInfo.processInfo.environment
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            places.append("\(config)/apogee/\(folder)")
        } else if let home = environment["HOME"] {
            places.append("\(home)/.config/apogee/\(folder)")
        }
        if let root = ProcessInfo.processInfo.environment["APOGEE_HOME"] { places.append("\(root)/\(folder)") }
        places.append(FileManager.default.currentDirectoryPath + "/\(folder)")
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let checkout = executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        places.append(checkout.appendingPathComponent(folder).path)
        return places.map { "\($0)/\(name).toml" }
    }

    public static func read(_ folder: String, _ name: String) -> (path: String, text: String)? {
        for path in candidates(folder, name) {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) { return (path, text) }
        }
        // Built in last: an installed binary, with no checkout beside it, has them all.
        guard !name.contains("/"), !name.hasSuffix(".toml") else { return nil }
        let builtIn = folder == "themes" ? BundledAssets.themes[name] : folder == "keymaps" ? BundledAssets.keymaps[name] : nil
        return builtIn.map { ("built-in \(folder)/\(name).toml", $0) }
    }

    public static func theme(_ name: String) throws(Failure) -> Theme {
        guard let (path, text) = read("themes", name) else {
            if name == "dark" { return builtInTheme }
            throw Failure(description: "no theme '\(name)' (looked in \(candidates("themes", name).joined(separator: ", ")))")
        }
        do {
            return try Theme.parse(text, name: name, file: path)
        } catch {
            throw Failure(description: error.description)
        }
    }

    public static func keymap(_ name: String) throws(Failure) -> Keymap {
        guard let (path, text) = read("keymaps", name) else {
            if name == "default" { return builtInKeymap }
            throw Failure(description: "no keymap '\(name)' (looked in \(candidates("keymaps", name).joined(separator: ", ")))")
        }
        do {
            return try Keymap.parse(text, name: name, file: path, actions: AppAction.names)
        } catch {
            throw Failure(description: error.description)
        }
    }

    /// Used only when no theme file can be found: plain ANSI colours.
    public static let builtInTheme = Theme(name: "built-in", foreground: [
        .bid: .ansi(2, bright: true), .ask: .ansi(1, bright: true), .profit: .ansi(2, bright: false),
        .loss: .ansi(1, bright: false), .ownOrder: .ansi(3, bright: true), .warning: .ansi(3, bright: false),
        .title: .ansi(6, bright: true), .header: .ansi(6, bright: false), .muted: .ansi(7, bright: false),
    ])

    /// Used only when no keymap file can be found: every action on its first letter's key.
    public static let builtInKeymap = Keymap(name: "built-in", bindings: [
        (.character("b"), "buy"), (.character("s"), "sell"), (.character("c"), "cancel-all"), (.character("p"), "panic-sell"),
        (.character("."), "next-market"), (.character(","), "previous-market"), (.tab, "next-strategy"), (.character("t"), "toggle-strategy"),
        (.character(" "), "pause"), (.character("+"), "speed-up"), (.character("-"), "speed-down"), (.character("n"), "step"),
        (.character("N"), "step-second"), (.character("m"), "jump-minute"), (.character("f"), "jump-fill"), (.character("e"), "jump-event"), (.character("o"), "sort-markets"), (.character("v"), "chart-mode"), (.character("r"), "restart"),
        (.character("?"), "help"), (.character(":"), "command"), (.character("q"), "quit"),
    ])
}

extension Assets {
    /// The bundled demo recordings (`data/demo_*.gz`), from `./data`, else from the
    /// checkout the binary was built in.
    public static func demoRecordings() -> [String] {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let checkout = executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for folder in [FileManager.default.currentDirectoryPath + "/" + DemoData.defaultFolder, checkout.appendingPathComponent(DemoData.defaultFolder).path] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            let demos = names.filter { $0.hasPrefix("demo_") && $0.hasSuffix(".gz") }.sorted()
            if !demos.isEmpty { return demos.map { "\(folder)/\($0)" } }
        }
        return []
    }
}

/// A nanosecond time as ISO 8601 (for commands that print stored times).
public func timestampText(_ nanoseconds: Int64) -> String {
    Timestamp(nanoseconds: nanoseconds).description
}
