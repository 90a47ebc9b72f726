import Foundation
import TOMLGuard
import TOMLKit

/// An API key and its secret. Never printed, logged, stored or mirrored: the
/// description shows the key's first and last four characters only, and ``redact(_:)``
/// scrubs both from any text (an error message echoing a request, say).
public struct APICredentials: Sendable, CustomStringConvertible {
    public let key: String
    let secret: String

    public init(key: String, secret: String) {
        self.key = key
        self.secret = secret
    }

    public var description: String {
        let shown = key.count > 8 ? "\(key.prefix(4))…\(key.suffix(4))" : "****"
        return "API key \(shown) (secret hidden)"
    }

    /// Whether `signature` is Binance's HMAC-SHA256 of `payload` under this secret (the
    /// fake exchange checks requests with it; the secret itself never leaves).
    public func verifiesBinance(signature: String, payload: String) -> Bool {
        Digest.hmacSHA256(key: secret, message: payload) == signature.lowercased()
    }

    /// Whether `signature` is Gate.io's HMAC-SHA512 of `message` (the APIv4 string of a
    /// request, or `channel=…&event=…&time=…` of a private subscription) under this secret.
    public func verifiesGate(signature: String, message: String) -> Bool {
        Digest.hmacSHA512(key: secret, message: message) == signature.lowercased()
    }

    /// `text` with the key and the secret replaced by `***`.
    public func redact(_ text: String) -> String {
        var result = text
        for value in [secret, key] where !value.isEmpty {
            result = result.replacingOccurrences(of: value, with: "***")
        }
        return result
    }

    /// Why credentials could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The venue's credentials: `APOGEE_<VENUE>_KEY` and `_SECRET` from the environment,
    /// else the `[<venue>]` table (`key`, `secret`) of a keys file that only its owner can
    /// read (mode 0600; refused otherwise). Futures venues fall back to their spot
    /// venue's keys. Nil when none are configured (market data needs none).
    public static func load(for venue: VenueID, environment: [String: String], keysFile: String?) throws(Failure) -> APICredentials? {
        for candidate in [venue] + (venue.sharesKeysWith.map { [$0] } ?? []) {
            let prefix = "APOGEE_\(candidate.environmentName)_"
            if let key = environment[prefix + "KEY"], let secret = environment[prefix + "SECRET"], !key.isEmpty, !secret.isEmpty {
                return APICredentials(key: key, secret: secret)
            }
            if environment[prefix + "KEY"] != nil || environment[prefix + "SECRET"] != nil {
                throw Failure(description: "\(prefix)KEY and \(prefix)SECRET must both be set (one of them is missing or empty)")
            }
        }
        guard let keysFile else { return nil }
        let table = try readKeysFile(keysFile)
        for candidate in [venue] + (venue.sharesKeysWith.map { [$0] } ?? []) {
            guard let entry = table[candidate.rawValue]?.table else { continue }
            guard let key = entry["key"]?.string, let secret = entry["secret"]?.string, !key.isEmpty, !secret.isEmpty else {
                throw Failure(description: "\(keysFile): [\(candidate.rawValue)] needs both key = \"…\" and secret = \"…\"")
            }
            return APICredentials(key: key, secret: secret)
        }
        return nil
    }

    static func readKeysFile(_ path: String) throws(Failure) -> TOMLTable {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw Failure(description: "cannot read the keys file \(path): \(error.localizedDescription)")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        guard mode & 0o077 == 0 else {
            throw Failure(description: "the keys file \(path) can be read by others (mode \(String(mode, radix: 8))); refusing it — run: chmod 600 \(path)")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(description: "cannot read the keys file \(path): \(error.localizedDescription)")
        }
        do {
            try TOMLHeaderCheck.check(text)
            return try TOMLTable(string: text)
        } catch {
            // The parser's message may quote the file: it never reaches the user.
            throw Failure(description: "the keys file \(path) is not valid TOML (expected [binance] key = \"…\" secret = \"…\")")
        }
    }
}
