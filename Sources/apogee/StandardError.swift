#if canImport(Glibc)
import Glibc
#endif

/// Writing to stderr, and knowing whether it is a terminal (for progress lines).
enum StandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static var isTerminal: Bool { isatty(2) == 1 }
}

/// A one-line progress display on stderr, drawn only when stderr is a terminal, so
/// pipes and logs never see it.
struct ProgressLine {
    let enabled = StandardError.isTerminal

    func show(_ text: String) {
        if enabled { StandardError.write("\r\(text)\u{1B}[K") }
    }

    /// What long work reports to, or nil when nothing would be shown.
    var callback: ((String) -> Void)? {
        enabled ? { show($0) } : nil
    }

    /// Erases the line (before a result or an error is printed).
    func clear() {
        if enabled { StandardError.write("\r\u{1B}[K") }
    }
}
