import Foundation
import Venues

/// A scratch folder with a keys file (Binance and Gate.io, the same account; mode 0600) the fake exchange's account
/// accepts, for tests that run `apogee live --trade` as a user would.
enum TestKeys {
    struct Missing: Error {}

    static func make() throws -> (folder: String, keys: String, account: APICredentials) {
        let folder = NSTemporaryDirectory() + "apogee-live-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let keys = folder + "/keys.toml"
        try "[binance]\nkey = \"fake-key-0123456789\"\nsecret = \"fake-secret-abcdefghijklmnop\"\n\n[gate]\nkey = \"fake-key-0123456789\"\nsecret = \"fake-secret-abcdefghijklmnop\"\n".write(toFile: keys, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keys)
        guard let account = try APICredentials.load(for: .binance, environment: [:], keysFile: keys) else { throw Missing() }
        return (folder, keys, account)
    }
}
