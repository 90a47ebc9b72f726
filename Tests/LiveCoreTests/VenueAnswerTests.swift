import EngineCore
import LiveCore
import MarketModel
import Testing
import Trading

/// One test per answer an exchange can give, on the in-memory venue with a clock the
/// test moves: what the kernel, the journal and the screen's log end up with.
@Suite("Live session machine: every venue answer")
struct VenueAnswerTests {
    @Test("an accepted order: the intent is journaled before the order is sent, then accepted")
    func accepted() throws {
        var session = LiveSessionHarness()
        let id = session.buy("0.5", at: "99.00")
        #expect(session.order(id)?.status == .accepted)
        #expect(session.journalEvents(of: id) == ["intent", "OrderAccepted"])
        #expect(session.venue.requests == ["place BUY ETHUSDT \(id)"])
        #expect(session.machine.counts.ordersSent == 1)
    }

    @Test("a refused order is rejected with the exchange's code and never sent again")
    func refused() throws {
        var session = LiveSessionHarness()
        session.venue.refuseNextPlacements = [OrderVenueFailure(description: "Account has insufficient balance for requested action. (code -2010)", code: -2010)]
        let id = session.buy("0.5", at: "99.00")
        #expect(session.order(id)?.status == .rejected)
        #expect(session.machine.counts.refusals == ["-2010": 1])
        for _ in 0..<10 {
            session.advance(by: 1)
            session.tick()
        }
        #expect(session.venue.requests == ["place BUY ETHUSDT \(id)"], "a rejected order is not re-sent")
        #expect(session.journalEvents(of: id) == ["intent", "OrderRejected"])
    }

    @Test("a 429 with Retry-After holds the order, which goes again unchanged when the wait is over")
    func rateLimited() throws {
        var session = LiveSessionHarness()
        session.venue.refuseNextPlacements = [OrderVenueFailure(description: "HTTP 429: too many requests; retry after 2 s", code: -1003, retryAt: session.now + seconds(2))]
        let id = session.buy("0.5", at: "99.00")
        #expect(session.order(id)?.status == .new, "held, not rejected")
        #expect(session.machine.retries.held.count == 1)
        session.advance(by: 1.5)
        session.tick()
        #expect(session.venue.requests.count == 1, "not before the exchange's wait is over")
        session.advance(by: 0.6)
        session.tick()
        #expect(session.venue.requests == ["place BUY ETHUSDT \(id)", "place BUY ETHUSDT \(id)"], "the same client id")
        #expect(session.order(id)?.status == .accepted)
        #expect(session.journalEvents(of: id) == ["intent", "OrderAccepted"], "one intent: the held order is not a new order")
        #expect(session.machine.retries.ordersHeld == 1)
        #expect(session.machine.retries.held.isEmpty)
    }

    @Test("an order whose answers were lost is looked up: found on the book, it is accepted")
    func lostAnswerFound() throws {
        var session = LiveSessionHarness()
        session.venue.loseNextPlacementAnswers = 1
        let id = session.buy("0.5", at: "99.00")
        #expect(session.order(id)?.status == .new, "neither accepted nor refused")
        session.advance(by: 0.2)
        session.tick()
        #expect(session.order(id)?.status == .accepted)
        #expect(session.venue.requests.filter { $0.hasPrefix("place") }.count == 1, "never sent anew")
        #expect(session.log.contains { $0.contains("after its answers were lost") })
    }

    @Test("an order whose answers were lost and that the exchange does not know never got there: rejected")
    func lostAnswerNeverArrived() throws {
        var session = LiveSessionHarness()
        session.venue.dropNextPlacements = 1
        let id = session.buy("0.5", at: "99.00")
        session.advance(by: 0.2)
        session.tick()
        #expect(session.order(id)?.status == .rejected)
        #expect(session.machine.kernel.openOrders.isEmpty)
    }

    @Test("partial fills pushed twice and out of order are booked once each, at their own prices")
    func duplicateAndReorderedPushes() throws {
        var session = LiveSessionHarness()
        let id = session.buy("1", at: "99.00")
        let first = session.venue.fill(id, quantity: quantity("0.3"), at: price("99.00"))
        let second = session.venue.fill(id, quantity: quantity("0.5"), at: price("98.90"), isMaker: false)
        session.push(second)
        session.push(first)
        session.push(second)
        let order = try #require(session.order(id))
        #expect(order.filledQuantity == quantity("0.8"))
        #expect(order.status == .partiallyFilled)
        #expect(session.machine.counts.fillsPushed == 1, "one growth of the cumulative quantity")
        #expect(session.machine.counts.fillReports == 3)
        // 0.3 at 99.00 and 0.5 at 98.90: the quote grew by 78.75 for 0.8.
        #expect(order.averagePrice == price("98.9375"))
        session.advance(by: 0.2)
        session.tick()
        #expect(session.order(id)?.filledQuantity == quantity("0.8"), "the poll books nothing twice")
        session.push(session.venue.fill(id, quantity: quantity("0.2"), at: price("99.00")))
        #expect(session.order(id)?.status == .filled)
        #expect(session.order(id)?.filledQuantity == quantity("1"))
    }

    @Test("a cancel that fails twice then succeeds: the order ends cancelled, the journal shows the attempts, the screen said so")
    func cancelFailsTwiceThenSucceeds() throws {
        var session = LiveSessionHarness()
        let id = session.buy("0.5", at: "99.00")
        session.venue.failNextCancels = [InMemoryVenue.unavailable, InMemoryVenue.unavailable]
        session.cancelAll()
        #expect(session.order(id)?.isOpen == true, "a failed cancel leaves the order open")
        #expect(session.machine.retries.cancels.count == 1)
        #expect(session.log.contains { $0.contains("CANCEL FAILED") && $0.contains("attempt 1") }, "\(session.log)")
        // The first retry waits 0.25 s.
        session.advance(by: 0.2)
        session.tick()
        #expect(session.venue.requests.filter { $0.hasPrefix("cancel") }.count == 1)
        session.advance(by: 0.1)
        session.tick()
        #expect(session.venue.requests.filter { $0.hasPrefix("cancel") }.count == 2)
        #expect(session.order(id)?.isOpen == true)
        // The second waits 0.5 s.
        session.advance(by: 0.6)
        session.tick()
        #expect(session.venue.requests.filter { $0.hasPrefix("cancel") }.count == 3)
        #expect(session.order(id)?.status == .cancelled)
        #expect(session.machine.retries.cancels.isEmpty)
        #expect(session.journalEvents(of: id) == ["intent", "OrderAccepted", "cancel-requested", "OrderCancelRejected", "OrderCancelRejected", "OrderCancelled"])
        let reasons = session.journal.compactMap { entry -> String? in
            if case .orderChanged(.cancelled(_, _, let reason), _) = entry { return reason } else { return nil }
        }
        #expect(reasons == ["cancelled after retries"])
        #expect(session.machine.retries.cancelFailures == 2)
    }

    @Test("a cancel refused because the order filled meanwhile: the fill is booked and nothing is left open")
    func cancelRejectedBecauseFilled() throws {
        var session = LiveSessionHarness()
        let id = session.buy("0.5", at: "99.00")
        // The order fills on the exchange; its push is lost.
        _ = session.venue.fill(id, quantity: quantity("0.5"), at: price("99.00"))
        session.cancelAll()
        #expect(session.venue.requests.suffix(2) == ["cancel \(id)", "look up \(id)"], "-2011 is resolved by a look-up")
        let order = try #require(session.order(id))
        #expect(order.status == .filled)
        #expect(order.filledQuantity == quantity("0.5"))
        #expect(session.machine.retries.cancels.isEmpty, "no cancel left pending")
        #expect(!session.machine.kernel.openOrders.contains { $0.id == order.id })
        #expect(session.machine.kernel.account.position("ETHUSDT")?.isLong == true, "the position is booked")
        #expect(session.journalEvents(of: id).suffix(2) == ["cancel-requested", "OrderFilled"])
    }

    @Test("a cancel answered with a wait (429) is not tried before the exchange's time")
    func cancelRateLimited() throws {
        var session = LiveSessionHarness()
        let id = session.buy("0.5", at: "99.00")
        session.venue.failNextCancels = [OrderVenueFailure(description: "HTTP 429", code: -1003, retryAt: session.now + seconds(3))]
        session.cancelAll()
        for _ in 0..<5 {
            session.advance(by: 0.5)
            session.tick()
        }
        #expect(session.venue.requests.filter { $0.hasPrefix("cancel") }.count == 1, "2.5 s < the 3 s asked for")
        session.advance(by: 0.6)
        session.tick()
        #expect(session.order(id)?.status == .cancelled)
    }

    @Test("a cancel whose look-up fails keeps being tried until the exchange says how the order ended")
    func cancelLookUpFails() throws {
        var session = LiveSessionHarness()
        let id = session.buy("0.5", at: "99.00")
        _ = session.venue.cancelOnTheExchange(id)
        session.venue.failNextLookUps = [InMemoryVenue.unavailable]
        session.cancelAll()
        #expect(session.order(id)?.isOpen == true)
        #expect(session.machine.retries.cancels.count == 1)
        session.advance(by: 0.3)
        session.tick()
        #expect(session.order(id)?.status == .cancelled)
        #expect(session.machine.retries.cancels.isEmpty)
    }

    @Test("an order cancelled on the exchange's side (elsewhere, an expiry) ends once, with the exchange's word")
    func cancelledElsewhere() throws {
        var session = LiveSessionHarness()
        let id = session.buy("0.5", at: "99.00")
        let report = session.venue.cancelOnTheExchange(id, status: .expired)
        session.push(report)
        session.push(report)
        #expect(session.order(id)?.status == .cancelled)
        #expect(session.journalEvents(of: id) == ["intent", "OrderAccepted", "OrderCancelled"])
    }

    @Test("answers stamped earlier than the kernel's time (clock skew) are booked and never move its time back")
    func clockSkew() throws {
        var session = LiveSessionHarness()
        let id = session.buy("0.5", at: "99.00")
        session.advance(by: 5)
        session.trade(at: "100.00")
        let kernelTime = session.machine.kernel.now
        let filled = session.venue.fill(id, quantity: quantity("0.5"), at: price("99.00"))
        let report = try #require(filled)
        session.run(.answer(.pushed(report), at: session.now - seconds(3)))
        #expect(session.order(id)?.status == .filled)
        #expect(session.machine.kernel.now == kernelTime)
    }

    @Test("no market data for 10 s is said once, on the screen and in the summary; data again is said too")
    func silence() throws {
        var session = LiveSessionHarness()
        session.advance(by: 9)
        session.tick()
        #expect(!session.machine.isSilent)
        session.advance(by: 2)
        session.tick()
        session.advance(by: 5)
        session.tick()
        #expect(session.machine.isSilent)
        #expect(session.machine.counts.marketDataSilences == 1)
        #expect(session.log.filter { $0.contains("NO MARKET DATA") }.count == 1)
        session.trade(at: "100.00")
        #expect(!session.machine.isSilent)
        #expect(session.log.last?.contains("market data flows again") == true)
    }

    @Test("the rules and rates are read again every hour; a change reaches the kernel")
    func rulesRefresh() throws {
        var session = LiveSessionHarness()
        var rules = SymbolRules(symbol: "ETHUSDT", tickSize: price("0.01"), stepSize: quantity("0.0001"), fetchedAt: Timestamp(nanoseconds: session.now))
        rules.minNotional = Money(whole: 5)
        session.venue.rules["ETHUSDT"] = rules
        session.venue.rates["ETHUSDT"] = FeeSchedule(makerPartsPerMillion: 750, takerPartsPerMillion: 750)
        session.advance(by: 3_599)
        session.tick()
        #expect(!session.venue.requests.contains("rules ETHUSDT"))
        session.advance(by: 2)
        session.tick()
        #expect(session.venue.requests.contains("rules ETHUSDT"))
        #expect(session.machine.kernel.rules(for: "ETHUSDT")?.tickSize == price("0.01"))
        #expect(session.machine.feeRates(of: "ETHUSDT")?.makerPartsPerMillion == 750)
        #expect(session.log.contains { $0.contains("commission now") })
    }
}
