import FakeExchange
import Foundation
import Runtime
import Storage
import Testing
import Venues

/// `kill -9` of a live trading session, then a restart on the same journal.
@Suite("apogee live --trade: crash and restart", .serialized)
struct LiveRestartTests {
    @Test("the restart cancels the buy the killed session left open and reports it; the killed session's journal stays incomplete")
    func killAndRestart() throws {
        let folder = NSTemporaryDirectory() + "apogee-live-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let keys = folder + "/keys.toml"
        try "[binance]\nkey = \"fake-key-0123456789\"\nsecret = \"fake-secret-abcdefghijklmnop\"\n".write(toFile: keys, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keys)
        let account = try #require(try APICredentials.load(for: .binance, environment: [:], keysFile: keys))
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz", speed: 5, account: account)
        try fake.start()
        let db = folder + "/journal.sqlite"
        // Buys 3 % under the ask that never fill and are never cancelled.
        let pid = try ApogeeProcess.spawnDetached([ApogeeProcess.executable, "live", "--exchange", "binance", "--symbols", "ETHUSDT", "--endpoint", "loopback:\(fake.port)", "--headless", "--trade",
                                                   "--strategy", "drops", "--param", "DropsMaxTime=2", "--param", "DropsPriceMA=0", "--param", "DropsPriceDelta=0.01", "--param", "NextDetectPenalty=1",
                                                   "--param", "AutoBuy=YES", "--param", "BuyPrice=-3", "--param", "AutoCancelBuy=0", "--keys", keys, "--db", db])
        let deadline = Date().addingTimeInterval(30)
        while !fake.acceptedOrders.contains(where: { $0.status == "NEW" }), Date() < deadline { usleep(50_000) }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let leftOpen = fake.acceptedOrders.filter { $0.status == "NEW" }.map(\.clientOrderID)
        #expect(!leftOpen.isEmpty, "the killed session left a buy open")

        var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: account, strategies: [], stopWhen: { true })
        options.database = db
        let restart = try LiveTradingSession.run(options)
        #expect(Set(restart.cancelledLeftovers) == Set(leftOpen))
        for id in leftOpen { #expect(fake.acceptedOrders.first { $0.clientOrderID == id }?.status == "CANCELED") }
        #expect(restart.reconciliation.contains { $0.contains("did not close") }, "\(restart.reconciliation)")
        let sessions = try ApogeeDatabase(path: db).tradingSessions()
        #expect(sessions.count == 2)
        #expect(sessions.first?.session.complete == false, "the killed session is incomplete")
        #expect(sessions.last?.session.complete == true)
        // Every order the exchange accepted from the killed session is in its journal.
        let journal = try #require(try ApogeeDatabase(path: db).journal(session: sessions[0].session.id ?? 0))
        let intents = Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID))
        #expect(Set(fake.acceptedOrders.map(\.clientOrderID)).isSubset(of: intents))
    }
}
