import CHiredis
import CNCurses
import COpenSSL
import Testing

@Suite("System libraries link and work")
struct SystemLibraryTests {
    @Test("ncursesw reports its version without a terminal")
    func ncurses() {
        let version = String(cString: curses_version())
        #expect(version.hasPrefix("ncurses 6"))
    }

    @Test("libcrypto HMAC-SHA256 gives Binance's documented signature")
    func hmac() {
        let secret = Array("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j".utf8)
        let query = Array("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559".utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let capacity = digest.count
        _ = digest.withUnsafeMutableBufferPointer { out in
            HMAC(EVP_sha256(), secret, Int32(secret.count), query, query.count, out.baseAddress, &length)
        }
        #expect(capacity >= 32)
        let hex = digest.prefix(Int(length)).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(hex == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
        #expect(String(cString: cossl_version()).hasPrefix("OpenSSL 3"))
    }

    @Test("hiredis reports a refused connection as an error on the context")
    func hiredisRefused() throws {
        let context = try #require(redisConnect("127.0.0.1", 1))
        defer { redisFree(context) }
        #expect(chr_context_err(context) != 0)
        #expect(String(cString: chr_context_errstr(context)).contains("refused"))
    }
}
