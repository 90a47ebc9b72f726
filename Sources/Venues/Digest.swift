import COpenSSL

/// HMAC and SHA-512 through the system libcrypto, as lowercase hex.
public enum Digest {
    public static func hmacSHA256(key: String, message: String) -> String {
        hex(hmac(key: key, message: message, length: 32, function: cossl_hmac_sha256))
    }

    public static func hmacSHA512(key: String, message: String) -> String {
        hex(hmac(key: key, message: message, length: 64, function: cossl_hmac_sha512))
    }

    public static func sha512(_ message: String) -> String {
        var output = [UInt8](repeating: 0, count: 64)
        var message = message
        let status = message.withUTF8 { data in
            output.withUnsafeMutableBufferPointer { cossl_sha512_with(sha512Digest.pointer, data.baseAddress ?? UnsafePointer(bitPattern: 1), data.count, $0.baseAddress) }
        }
        precondition(status == 1, "libcrypto refused SHA-512")
        return hex(output)
    }

    /// SHA-512 fetched from the provider once (an implicit fetch per call costs more
    /// than the hash of an order's body).
    private static let sha512Digest = FetchedDigest()

    private static func hmac(key: String, message: String, length: Int, function: (UnsafeRawPointer?, Int32, UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> Int32) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let keyBytes = Array(key.utf8)
        let data = Array(message.utf8)
        let status = keyBytes.withUnsafeBytes { keyBuffer in
            data.withUnsafeBufferPointer { dataBuffer in
                output.withUnsafeMutableBufferPointer { out in
                    // An empty array's base address may be nil; libcrypto wants a pointer.
                    function(keyBuffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(keyBuffer.count), dataBuffer.baseAddress ?? UnsafePointer(bitPattern: 1), dataBuffer.count, out.baseAddress)
                }
            }
        }
        precondition(status == 1, "libcrypto refused HMAC")
        return output
    }

    static func hex<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        appendHex(bytes, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `bytes` as lowercase hex.
    static func appendHex<Bytes: Collection<UInt8>>(_ bytes: Bytes, to text: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        for byte in bytes {
            text.append(digits.utf8Start[Int(byte >> 4)])
            text.append(digits.utf8Start[Int(byte & 0x0F)])
        }
    }
}

/// A digest algorithm fetched once and kept for the process's life.
private final class FetchedDigest: Sendable {
    nonisolated(unsafe) let pointer: UnsafeMutableRawPointer

    init() {
        guard let fetched = cossl_sha512_fetch() else { preconditionFailure("libcrypto has no SHA-512") }
        pointer = fetched
    }
}
