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
