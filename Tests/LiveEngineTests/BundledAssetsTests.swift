import Foundation
import Terminal
import Testing

/// Issue 21 item 6: an installed apogee has the checkout's themes and keymaps built in.
@Suite("Built-in themes and keymaps")
struct BundledAssetsTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("the built-in copies are the files of themes/ and keymaps/, byte for byte (run scripts/bundle-assets.py after changing one)", arguments: ["themes", "keymaps"])
    func builtInEqualsFiles(folder: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(Self.checkout)/\(folder)").filter { $0.hasSuffix(".toml") }.sorted()
        let builtIn = folder == "themes" ? BundledAssets.themes : BundledAssets.keymaps
        #expect(builtIn.keys.sorted() == names.map { String($0.dropLast(5)) }, "scripts/bundle-assets.py is out of date")
        for name in names {
            let text = try String(contentsOfFile: "\(Self.checkout)/\(folder)/\(name)", encoding: .utf8)
            #expect(builtIn[String(name.dropLast(5))] == text, "\(folder)/\(name) changed: run scripts/bundle-assets.py")
        }
    }

    @Test("every built-in theme and keymap parses")
    func builtInParse() throws {
        for name in BundledAssets.themes.keys.sorted() { _ = try Assets.theme(name) }
        for name in BundledAssets.keymaps.keys.sorted() { _ = try Assets.keymap(name) }
    }
}
