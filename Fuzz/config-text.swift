import TUIKit

/// libFuzzer's entry: any bytes as a theme file and as a keymap file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? Theme.parse(text, name: "fuzz", file: "fuzz.toml")
    let actions: Set<String> = ["buy", "sell", "quit", "panic-sell", "cancel-all"]
    if let keymap = try? Keymap.parse(text, name: "fuzz", file: "fuzz.toml", actions: actions) {
        for binding in keymap.bindings {
            precondition(actions.contains(binding.action), "a keymap bound an unknown action \(binding.action)")
        }
    }
    return 0
}
