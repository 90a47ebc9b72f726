/// Gate.io APIv4 signing: HMAC-SHA512 over
/// `METHOD \n /api/v4/path \n query \n hex(SHA512(body)) \n timestamp`, sent as the
/// `KEY`, `Timestamp` (Unix seconds) and `SIGN` headers. Private WebSocket channels sign
/// `channel=<ch>&event=<ev>&time=<time>`.
public struct GateSigner: Sendable {
    let credentials: APICredentials
    private let key: HMACKey

    public init(credentials: APICredentials) {
        self.credentials = credentials
        key = HMACKey(credentials.secret, function: .sha512)
    }

    /// The string Gate signs. `path` includes `/api/v4`; `query` is exactly as in the
    /// URL (not re-encoded), empty when there is none.
    public static func signatureString(method: String, path: String, query: String, body: String, timestamp: Int64) -> String {
        [method.uppercased(), path, query, Digest.sha512(body), String(timestamp)].joined(separator: "\n")
    }

    public func headers(method: String, path: String, query: String, body: String, timestamp: Int64) -> [(name: String, value: String)] {
        let signature = key.sign(Self.signatureString(method: method, path: path, query: query, body: body, timestamp: timestamp))
        return [("KEY", credentials.key), ("Timestamp", String(timestamp)), ("SIGN", signature)]
    }

    /// The `auth.SIGN` of a private channel subscription.
    public func channelSignature(channel: String, event: String, time: Int64) -> String {
        key.sign("channel=\(channel)&event=\(event)&time=\(time)")
    }
}
