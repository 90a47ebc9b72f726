import COpenSSL

/// An HMAC key prepared once for many signatures: the signing path of every order.
///
/// The key's inner and outer pads are hashed here, once; a signature then hashes only
/// the message and the inner digest, with libcrypto's own SHA-256/512 functions. The
/// one-shot `HMAC()` fetched the algorithm from OpenSSL 3's provider and scheduled the
/// key on every call, and even a prepared `EVP_MAC` context duplicates digest contexts
/// through the provider on every init and final: 27 µs of an order's path with the
/// caches cold in a live session, against a few µs here (`apogee bench --live-latency`).
/// The prepared state never changes, so any thread may sign with it.
public final class HMACKey: @unchecked Sendable {
    public enum Function: String, Sendable {
        case sha256 = "SHA256"
        case sha512 = "SHA512"

        var length: Int { self == .sha256 ? 32 : 64 }
    }

    private let prepared: UnsafeMutablePointer<cossl_hmac_key>
    public let function: Function

    public init(_ key: String, function: Function) {
        self.function = function
        let bytes = Array(key.utf8)
        let made = bytes.withUnsafeBufferPointer { cossl_hmac_key_new(function == .sha512 ? 1 : 0, $0.baseAddress, $0.count) }
        guard let made else { preconditionFailure("out of memory preparing an HMAC-\(function.rawValue) key") }
        prepared = made
    }

    deinit { cossl_hmac_key_free(prepared) }

    /// Appends the signature of `bytes[..<count]`, lowercase hex, to `bytes`: a
    /// signed query is built in one buffer.
    public func appendSignature(ofFirst count: Int, of bytes: inout [UInt8]) {
        let length = function.length
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { out in
            let written = bytes.withUnsafeBufferPointer { data in
                cossl_hmac_key_sign(prepared, data.baseAddress ?? UnsafePointer(bitPattern: 1), count, out.baseAddress)
            }
            precondition(written == length, "libcrypto gave a \(written)-byte HMAC-\(function.rawValue)")
            Digest.appendHex(UnsafeBufferPointer(out), to: &bytes)
        }
    }

    /// The signature of `message`, lowercase hex.
    public func sign(_ message: String) -> String {
        var message = message
        let length = function.length
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { out in
            let written = message.withUTF8 { data in
                cossl_hmac_key_sign(prepared, data.baseAddress ?? UnsafePointer(bitPattern: 1), data.count, out.baseAddress)
            }
            precondition(written == length, "libcrypto gave a \(written)-byte HMAC-\(function.rawValue)")
            return Digest.hex(UnsafeBufferPointer(out))
        }
    }
}
