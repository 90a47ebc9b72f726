import NIOCore
import NIOSSL
import Venues

/// TLS for the client side of `wss://` and `https://`: one context for the process,
/// verifying the exchange's certificate chain and host name against the system's trust
/// roots, plus the certificates of `caFile` when given (a fake exchange's self-signed
/// certificate in tests, a corporate proxy's CA).
public final class TLSClient: Sendable {
    let context: NIOSSLContext
    public let caFile: String?

    public init(caFile: String? = nil) throws(LiveFailure) {
        self.caFile = caFile
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile {
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw LiveFailure(description: "TLS: cannot set up the client context\(caFile.map { " with --ca-file \($0)" } ?? ""): \(error)")
        }
    }

    /// The handler that goes first in a connection's pipeline. The host name is sent
    /// (SNI) and checked against the certificate; an IP address is checked against the
    /// certificate's IP entries instead (SNI cannot carry one).
    func handler(for address: ServiceAddress) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: address.hostIsIPAddress ? nil : address.host)
    }

    /// Adds TLS in front of the channel's pipeline when the address asks for it.
    static func secure(_ channel: Channel, to address: ServiceAddress, with tls: TLSClient?) -> EventLoopFuture<Void> {
        guard address.tls else { return channel.eventLoop.makeSucceededVoidFuture() }
        guard let tls else {
            return channel.eventLoop.makeFailedFuture(LiveFailure(description: "\(address) needs TLS, but no TLS client was set up"))
        }
        do {
            let handler = try tls.handler(for: address)
            return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }
}
