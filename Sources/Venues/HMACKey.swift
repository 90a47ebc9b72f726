import COpenSSL
import Synchronization

/// An HMAC key prepared once for many signatures: the signing path of every order.
/// OpenSSL 3's one-shot `HMAC()` fetches the algorithm from its provider and schedules
/// the key on every call, tens of µs with cold caches in a live session (measured with
/// `apogee bench --live-latency`); here a signature is an update and a final.
public final class HMACKey: @unchecked Sendable {
    public enum Function: String, Sendable {
        case sha256 = "SHA256"
        case sha512 = "SHA512"

        var length: Int { self == .sha256 ? 32 : 64 }
    }

    // One signature at a time: an OpenSSL MAC context is not for two threads.
    private let context: UnsafeMutableRawPointer
    private let lock = Mutex<Void>(())
    public let function: Function

    public init(_ key: String, function: Function) {
        self.function = function
        let bytes = Array(key.utf8)
        let made = bytes.withUnsafeBytes { cossl_mac_new(function.rawValue, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), $0.count) }
        guard let made else { preconditionFailure("libcrypto cannot make an HMAC-\(function.rawValue) context") }
        context = made
    }

    deinit { cossl_mac_free(context) }

    /// The signature of `message`, lowercase hex.
    public func sign(_ message: String) -> String {
        var message = message
        let length = function.length
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { out in
            let written = message.withUTF8 { data in
                lock.withLock { _ in cossl_mac_sign(context, data.baseAddress ?? UnsafePointer(bitPattern: 1), data.count, out.baseAddress, length) }
            }
            precondition(written == length, "libcrypto refused HMAC-\(function.rawValue)")
            return Digest.hex(UnsafeBufferPointer(out))
        }
    }
}
