import VenueClients
import ArgumentParser
import Venues

extension VenueEnvironment {
    /// `--endpoint`: mainnet, testnet, loopback:PORT, or one URL for everything.
    init(option text: String) throws {
        switch text {
        case "mainnet": self = .mainnet
        case "testnet": self = .testnet
        default:
            if text.hasPrefix("loopback:") {
                guard let port = Int(text.dropFirst(9)), (1...65535).contains(port) else {
                    throw ValidationError("--endpoint loopback:PORT needs a port from 1 to 65535 (got '\(text)')")
                }
                self = .loopback(port: port)
            } else if text.contains("://") {
                do { self = .custom(try ServiceAddress(parsing: text)) } catch { throw ValidationError("--endpoint \(error)") }
            } else {
                throw ValidationError("--endpoint takes mainnet, testnet, loopback:PORT or an address like https://127.0.0.1:8443 (got '\(text)')")
            }
        }
    }
}
