import CHiredis

/// A Redis reply, copied out of hiredis' reply object.
public enum RedisReply: Sendable, Equatable {
    case string(String)
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    case error(String)

    init(_ reply: UnsafePointer<redisReply>) {
        let value = reply.pointee
        switch Int32(value.type) {
        case REDIS_REPLY_STRING:
            self = .string(Self.text(value))
        case REDIS_REPLY_STATUS:
            self = .status(Self.text(value))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(value))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(value.integer))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(Int(value.elements))
            for index in 0..<Int(value.elements) {
                if let element = value.element[index] { items.append(RedisReply(element)) } else { items.append(.null) }
            }
            self = .array(items)
        default:
            self = .null
        }
    }

    private static func text(_ value: redisReply) -> String {
        guard let bytes = value.str else { return "" }
        let buffer = UnsafeRawBufferPointer(start: bytes, count: Int(value.len))
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The text of a string or status reply.
    public var text: String? {
        switch self {
        case .string(let text), .status(let text): return text
        default: return nil
        }
    }

    /// The elements of an array reply (empty otherwise).
    public var elements: [RedisReply] {
        if case .array(let items) = self { return items }
        return []
    }
}
