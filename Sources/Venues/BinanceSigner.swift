/// Binance's request signing: HMAC-SHA256 over the exact bytes sent.
///
/// REST: the query string followed by the body, values percent-encoded (UTF-8) before
/// signing, `recvWindow` and `timestamp` appended, then `signature` last; the key goes
/// in the `X-MBX-APIKEY` header. WebSocket API: every parameter but `signature`
/// (`apiKey` included), sorted by name, joined raw (no percent-encoding).
public struct BinanceSigner: Sendable {
    let credentials: APICredentials
    private let key: HMACKey

    public init(credentials: APICredentials) {
        self.credentials = credentials
        key = HMACKey(credentials.secret, function: .sha256)
        headers = [("X-MBX-APIKEY", credentials.key)]
    }

    /// Made once: they go with every request.
    public let headers: [(name: String, value: String)]

    /// The signed query (or form body): parameters in the caller's order, then
    /// `recvWindow` (if any), `timestamp` (ms, corrected for the server's clock) and
    /// `signature`.
    public func signedQuery(_ parameters: [(String, String)], timestamp: Int64, recvWindow: Int? = 5000) -> String {
        // In one buffer, as bytes: it is on every order's path.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        Self.append(parameters, to: &bytes)
        if let recvWindow {
            Self.appendName("recvWindow", to: &bytes)
            bytes.appendDecimal(Int64(recvWindow))
        }
        Self.appendName("timestamp", to: &bytes)
        bytes.appendDecimal(timestamp)
        let payload = bytes.count
        bytes.append(contentsOf: "&signature=".utf8)
        key.appendSignature(ofFirst: payload, of: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The signature of a WebSocket API request's parameters.
    public func webSocketSignature(_ parameters: [(String, String)]) -> String {
        let payload = parameters.filter { $0.0 != "signature" }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return key.sign(payload)
    }

    /// `k=v&k=v`, values percent-encoded except RFC 3986's unreserved characters.
    /// Built as bytes in one pass: it is on every order's path.
    public static func encode(_ parameters: [(String, String)]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        append(parameters, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `k=v&k=v` to a query already in `bytes` (with a `&` before, if not empty).
    static func append(_ parameters: [(String, String)], to bytes: inout [UInt8]) {
        for (name, value) in parameters {
            appendName(name, to: &bytes)
            appendPercentEncoded(value, to: &bytes)
        }
    }

    /// `name=`, after a `&` if the query has something already.
    private static func appendName(_ name: String, to bytes: inout [UInt8]) {
        if !bytes.isEmpty { bytes.append(UInt8(ascii: "&")) }
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
    }

    static func percentEncoded(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendPercentEncoded(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendPercentEncoded(_ value: String, to bytes: inout [UInt8]) {
        let hexDigits: StaticString = "0123456789ABCDEF"
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits.utf8Start[Int(byte >> 4)])
                bytes.append(hexDigits.utf8Start[Int(byte & 0x0F)])
            }
        }
    }
}
