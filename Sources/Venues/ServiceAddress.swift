/// Where one service of an exchange listens: `wss://stream.binance.com:9443/stream`,
/// `https://api.binance.com`, `ws://127.0.0.1:18080/`. The scheme says whether TLS is on
/// (`https`, `wss`) and gives the default port; the path is the prefix requests add to.
public struct ServiceAddress: Sendable, Equatable, CustomStringConvertible {
    public var tls: Bool
    public var host: String
    public var port: Int
    /// Empty for the root; a parsed address has no trailing slash (paths are appended
    /// to it), an appended one keeps what was appended.
    public var path: String

    public init(tls: Bool, host: String, port: Int, path: String = "") {
        self.tls = tls
        self.host = host
        self.port = port
        self.path = path
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `scheme://host[:port][/path]` with scheme http, https, ws or wss.
    public init(parsing text: String) throws(Failure) {
        guard let schemeEnd = text.range(of: "://") else {
            throw Failure(description: "'\(text)' is not an address like https://host[:port][/path] or wss://host[:port][/path]")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let secure: Bool
        switch scheme {
        case "https", "wss": secure = true
        case "http", "ws": secure = false
        default: throw Failure(description: "'\(text)': the scheme must be http, https, ws or wss (got '\(scheme)')")
        }
        let rest = text[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var host = String(authority)
        var port = secure ? 443 : 80
        if let colon = authority.lastIndex(of: ":") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw Failure(description: "'\(text)': the port must be a number from 1 to 65535")
            }
            port = number
            host = String(authority[..<colon])
        }
        guard !host.isEmpty else { throw Failure(description: "'\(text)' names no host") }
        let path = String(rest[slash...])
        self.init(tls: secure, host: host, port: port, path: path.hasSuffix("/") ? String(path.dropLast()) : path)
    }

    /// The address with `suffix` appended to its path (`/stream?streams=…`).
    public func appending(_ suffix: String) -> ServiceAddress {
        ServiceAddress(tls: tls, host: host, port: port, path: path + suffix)
    }

    /// The host is an IPv4 or IPv6 address, not a name: TLS checks it against the
    /// certificate's IP entries and sends no SNI (SNI cannot carry an address).
    public var hostIsIPAddress: Bool {
        host.allSatisfy { $0.isNumber || $0 == "." } || host.contains(":")
    }

    /// The HTTP `Host` header: the port only when it is not the scheme's own.
    public var hostHeader: String {
        port == (tls ? 443 : 80) ? host : "\(host):\(port)"
    }

    /// As a WebSocket URL.
    public var description: String {
        "\(tls ? "wss" : "ws")://\(host):\(port)\(path)"
    }

    /// As an HTTP URL.
    public var httpDescription: String {
        "\(tls ? "https" : "http")://\(host):\(port)\(path)"
    }
}
