/// A failed TLS handshake, in words a trader can act on: a plain-text server (the
/// endpoint is `http://`, or the loopback fake exchange without `--tls`) is not an
/// untrusted certificate, and the two call for different fixes.
enum TLSFailureExplanation {
    /// Texts OpenSSL and BoringSSL give when the other side answered in plain text.
    static let plainTextSigns = ["WRONG_VERSION_NUMBER", "wrong version number", "HTTP_REQUEST", "http request", "PACKET_LENGTH_TOO_LONG", "packet length too long", "record layer failure"]

    /// Whether `text` (an SSL library's error) says the server does not speak TLS.
    static func isPlainTextServer(_ text: String) -> Bool {
        plainTextSigns.contains { text.contains($0) }
    }

    /// The advice for a handshake that failed with `text`.
    static func explain(_ text: String) -> String {
        if isPlainTextServer(text) {
            return "the server does not speak TLS: it answered in plain text (\(text)); use an http:// or ws:// address, or loopback:PORT for the fake exchange"
        }
        return "the TLS handshake failed, the server's certificate was not trusted (\(text)); for a test exchange with its own certificate, pass --ca-file"
    }
}
