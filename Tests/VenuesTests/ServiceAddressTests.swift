import Testing
import Venues

@Suite("Service addresses")
struct ServiceAddressTests {
    @Test("schemes give TLS and default ports; explicit ports and paths are kept")
    func parsing() throws {
        let stream = try ServiceAddress(parsing: "wss://stream.binance.com:9443")
        #expect(stream == ServiceAddress(tls: true, host: "stream.binance.com", port: 9443))
        #expect(stream.hostHeader == "stream.binance.com:9443")
        let rest = try ServiceAddress(parsing: "https://api.gateio.ws/api/v4")
        #expect(rest.tls && rest.port == 443 && rest.path == "/api/v4")
        #expect(rest.hostHeader == "api.gateio.ws")
        let plain = try ServiceAddress(parsing: "ws://127.0.0.1:18080/")
        #expect(!plain.tls && plain.port == 18080 && plain.path == "")
        #expect(plain.appending("/stream?streams=a").description == "ws://127.0.0.1:18080/stream?streams=a")
        #expect(try ServiceAddress(parsing: "http://localhost").port == 80)
    }

    @Test("bad addresses say what is wrong", arguments: [
        ("stream.binance.com", "is not an address like"),
        ("ftp://host", "the scheme must be http, https, ws or wss"),
        ("https://host:99999", "the port must be a number from 1 to 65535"),
        ("https://:443", "names no host"),
    ])
    func errors(text: String, message: String) {
        do {
            _ = try ServiceAddress(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }
}
