/// Where the mirror writes: `redis://[[user]:password@]host[:port][/db]`.
///
/// The password is kept for AUTH and never printed: ``description`` shows `***`.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: Int
    public var user: String?
    public var password: String?

    public init(host: String = "127.0.0.1", port: Int = 6379, database: Int = 0, user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
    }

    /// Parses a `redis://` URL; the error says which part is wrong.
    public init(parsing text: String) throws(RedisError) {
        let scheme = "redis://"
        guard text.hasPrefix(scheme) else {
            throw .invalidURL(Self.redact(text), reason: "it must start with redis:// (redis://[:password@]host:port/db)")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let name = credentials[..<colon]
                user = name.isEmpty ? nil : String(name)
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                password = String(credentials)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else {
                    throw .invalidURL(Self.redact(text), reason: "the database index '\(path)' is not a number 0 or more")
                }
                database = number
            }
        }
        var host = String(rest)
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            let portText = rest[rest.index(after: colon)...]
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw .invalidURL(Self.redact(text), reason: "the port '\(portText)' is not a number from 1 to 65535")
            }
            port = number
        }
        guard !host.isEmpty else { throw .invalidURL(Self.redact(text), reason: "it names no host") }
        self.init(host: host, port: port, database: database, user: user, password: password)
    }

    /// The URL without its password, safe for logs, reports and the screen.
    public var description: String {
        var text = "redis://"
        if password != nil { text += "\(user ?? ""):***@" }
        text += "\(host):\(port)/\(database)"
        return text
    }

    /// `host:port`, for messages.
    public var address: String { "\(host):\(port)" }

    /// Hides whatever sits between `//` and `@` in text that failed to parse.
    static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let slashes = text.range(of: "//"), slashes.upperBound <= at else { return text }
        return String(text[..<slashes.upperBound]) + "***" + String(text[at...])
    }
}
