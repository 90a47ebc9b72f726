import Foundation
import Testing
@testable import Venues

/// The exchanges' own documented examples, reproduced exactly.
@Suite("Request signing")
struct SigningTests {
    // Binance's documentation example key and secret (public, from the API docs).
    let binance = APICredentials(key: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j")

    @Test("Binance REST: the documented LTCBTC order signs to c8db5682…6b71")
    func binanceREST() {
        let signer = BinanceSigner(credentials: binance)
        let query = signer.signedQuery([("symbol", "LTCBTC"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "1"), ("price", "0.1")], timestamp: 1_499_827_319_559, recvWindow: 5000)
        #expect(query == "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
        #expect(signer.headers.first?.name == "X-MBX-APIKEY")
    }

    @Test("Binance WebSocket API: parameters sorted by name, apiKey included, signed raw")
    func binanceWebSocket() {
        let signer = BinanceSigner(credentials: binance)
        let signature = signer.webSocketSignature([("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "0.01000000"), ("price", "52000.00"), ("recvWindow", "100"), ("timestamp", "1645423376532"), ("apiKey", binance.key)])
        #expect(signature.hasPrefix("aa1b5712") && signature.hasSuffix("e2db24"), "\(signature)")
    }

    @Test("percent-encoding: unreserved characters stay, everything else is %XX of its UTF-8")
    func percentEncoding() {
        #expect(BinanceSigner.percentEncoded("BTC-USDT_1.0~") == "BTC-USDT_1.0~")
        #expect(BinanceSigner.percentEncoded("a b&c=1") == "a%20b%26c%3D1")
        #expect(BinanceSigner.percentEncoded("１") == "%EF%BC%91")
    }

    @Test("a key prepared once signs every message as a fresh HMAC would, in any order and from several threads")
    func preparedKey() async {
        let messages = ["", "symbol=LTCBTC&side=BUY", String(repeating: "x", count: 5000), "１₿"]
        // Binance's documented secret, then keys around both block sizes (64 and 128
        // bytes): a key longer than a block is hashed first.
        let secrets = ["NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j", "k"] + [63, 65, 127, 128, 129, 300].map { String(repeating: "s", count: $0) }
        for function in [HMACKey.Function.sha256, .sha512] {
            for secret in secrets {
                let key = HMACKey(secret, function: function)
                let fresh: @Sendable (String) -> String = { message in function == .sha256 ? Digest.hmacSHA256(key: secret, message: message) : Digest.hmacSHA512(key: secret, message: message) }
                for message in messages + messages.reversed() {
                    #expect(key.sign(message) == fresh(message), "\(function), \(secret.utf8.count)-byte key, \(message.utf8.count)-byte message")
                }
                let signed = await withTaskGroup(of: Bool.self) { group in
                    for index in 0..<8 {
                        group.addTask { (0..<50).allSatisfy { round in key.sign(messages[(index + round) % messages.count]) == fresh(messages[(index + round) % messages.count]) } }
                    }
                    return await group.reduce(true) { $0 && $1 }
                }
                #expect(signed, "\(function), \(secret.utf8.count)-byte key, from 8 tasks at once")
            }
        }
    }

    @Test("Gate.io: the documented string to sign and its vectors (key, secret, 1541993715)")
    func gate() {
        let signer = GateSigner(credentials: APICredentials(key: "key", secret: "secret"))
        #expect(Digest.sha512("") == "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")
        let get = signer.headers(method: "GET", path: "/api/v4/futures/orders", query: "contract=BTC_USD&status=finished&limit=50", body: "", timestamp: 1_541_993_715)
        let getSign = get.first { $0.name == "SIGN" }!.value
        #expect(getSign.hasPrefix("55f84ea1") && getSign.hasSuffix("418b8a"), "\(getSign)")
        let body = #"{"contract":"BTC_USD","type":"limit","size":100,"price":6800,"time_in_force":"gtc"}"#
        let bodyHash = Digest.sha512(body)
        #expect(bodyHash.hasPrefix("ad3c1692") && bodyHash.hasSuffix("56cca"), "\(bodyHash)")
        let post = signer.headers(method: "post", path: "/api/v4/futures/orders", query: "", body: body, timestamp: 1_541_993_715)
        let postSign = post.first { $0.name == "SIGN" }!.value
        #expect(postSign.hasPrefix("eae42da9") && postSign.hasSuffix("6389f0"), "\(postSign)")
        #expect(post.map(\.name) == ["KEY", "Timestamp", "SIGN"])
        #expect(GateSigner.signatureString(method: "post", path: "/api/v4/futures/orders", query: "", body: body, timestamp: 1_541_993_715).hasPrefix("POST\n/api/v4/futures/orders\n\nad3c1692"))
    }
}

@Suite("API keys")
struct CredentialTests {
    func keysFile(_ text: String, mode: Int) throws -> String {
        let path = NSTemporaryDirectory() + "apogee-keys-" + UUID().uuidString + ".toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test("from the environment; a futures venue falls back to its spot keys")
    func environment() throws {
        let loaded = try APICredentials.load(for: .binanceFutures, environment: ["APOGEE_BINANCE_KEY": "k123456789", "APOGEE_BINANCE_SECRET": "s3cr3t-value"], keysFile: nil)
        #expect(loaded?.key == "k123456789")
        #expect(loaded?.description == "API key k123…6789 (secret hidden)")
        #expect(try APICredentials.load(for: .gate, environment: [:], keysFile: nil) == nil)
        #expect(throws: APICredentials.Failure.self) { try APICredentials.load(for: .gate, environment: ["APOGEE_GATE_KEY": "x"], keysFile: nil) }
    }

    @Test("a keys file must be mode 0600: a readable one is refused with the reason")
    func keysFileMode() throws {
        let open = try keysFile("[gate]\nkey = \"gk\"\nsecret = \"gs\"\n", mode: 0o644)
        do {
            _ = try APICredentials.load(for: .gate, environment: [:], keysFile: open)
            Issue.record("a 0644 keys file was accepted")
        } catch {
            #expect(error.description.contains("mode 644") && error.description.contains("chmod 600"), "\(error)")
            #expect(!error.description.contains("gs"))
        }
        let closed = try keysFile("[gate]\nkey = \"gk\"\nsecret = \"gs\"\n", mode: 0o600)
        let loaded = try APICredentials.load(for: .gateFutures, environment: [:], keysFile: closed)
        #expect(loaded?.key == "gk")
    }

    @Test("redaction scrubs the key and the secret from any text")
    func redaction() {
        let credentials = APICredentials(key: "PUBLICKEY123", secret: "VERYSECRET456")
        #expect(credentials.redact("GET /x?apiKey=PUBLICKEY123&sig=VERYSECRET456 failed") == "GET /x?apiKey=***&sig=*** failed")
        #expect(!credentials.description.contains("VERYSECRET456"))
    }

    @Test("endpoints: mainnet, testnet and loopback for every venue")
    func endpoints() {
        #expect(VenueEndpoints.of(.binance, in: .mainnet).rest == "https://api.binance.com")
        #expect(VenueEndpoints.of(.binanceFutures, in: .mainnet).privateStream == "wss://fstream.binance.com/private")
        #expect(VenueEndpoints.of(.gate, in: .loopback(port: 18080)).rest == "http://127.0.0.1:18080/api/v4")
        for venue in VenueID.allCases {
            #expect(VenueEndpoints.of(venue, in: .loopback(port: 1)).marketStream.hasPrefix("ws://127.0.0.1:1/"))
            #expect(VenueEndpoints.of(venue, in: .testnet).rest.hasPrefix("https://"))
        }
    }
}
