import EngineCore
import LiveCore
import MarketModel
import Strategies
import Trading

func price(_ text: String) -> Price { try! Price(parsing: text) }
func quantity(_ text: String) -> Quantity { try! Quantity(parsing: text) }
func seconds(_ value: Double) -> Int64 { Int64(value * 1e9) }

/// A live session's machine wired to an in-memory venue, with a clock the test moves:
/// every action goes to the venue at once and its answer comes back, journal entries
/// are kept, and pushes are delivered when the test says (duplicated, out of order).
struct LiveSessionHarness {
    var machine: LiveOrderMachine
    var venue: InMemoryVenue
    var journal: [LiveJournalEntry] = []
    var now: Int64

    init(startAt start: Double = 1_000, kind: AccountTerms = .spot) {
        now = seconds(start)
        let configuration = KernelConfiguration(account: kind, initialCash: Money(whole: 10_000), marketKind: kind.kind == .spot ? .spot : .usdMargined)
        machine = LiveOrderMachine(kernel: TradingKernel(configuration: configuration, strategies: []), configuration: .init(idPrefix: "s1-", symbols: ["ETHUSDT"], streams: "ethusdt@depth"), startedAt: now)
        venue = InMemoryVenue(now: now)
        book(bid: "100.00", ask: "100.10")
    }

    /// Moves both clocks (the venue's answers carry its own).
    mutating func advance(by value: Double) {
        now += seconds(value)
        venue.now = now
    }

    mutating func run(_ input: LiveOrderMachine.Input) {
        var venue = self.venue
        var journal = self.journal
        machine.run(input) { action in
            if case .journal(let entry) = action { journal.append(entry) }
            return venue.perform(action)
        }
        self.venue = venue
        self.journal = journal
    }

    mutating func book(bid: String, ask: String) {
        let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: now))
        run(.market(.bookSnapshot(BookSnapshot(symbol: "ETHUSDT", lastUpdateID: 1, bids: [BookLevel(price: price(bid), quantity: quantity("50"))], asks: [BookLevel(price: price(ask), quantity: quantity("50"))], time: time)), at: now))
    }

    mutating func trade(at text: String) {
        let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: now))
        run(.market(.trade(TradePrint(symbol: "ETHUSDT", id: UInt64(now), price: price(text), quantity: quantity("0.1"), aggressor: .sell, tradeTime: Timestamp(nanoseconds: now), time: time)), at: now))
    }

    /// The trader's limit buy; the new order's client id on the exchange.
    @discardableResult
    mutating func buy(_ amount: String, at limit: String) -> String {
        let before = machine.kernel.orderCount
        run(.user(.place(OrderIntent(symbol: "ETHUSDT", side: .buy, kind: .limit(price(limit)), quantity: quantity(amount))), at: now))
        precondition(machine.kernel.orderCount == before + 1, "the buy reached the kernel")
        return machine.exchangeID(ClientOrderID(UInt64(machine.kernel.orderCount)))
    }

    mutating func tick(pushed: Bool = false) {
        run(.tick(.init(now: now, feedConnected: true, ordersPushed: pushed)))
    }

    mutating func push(_ report: VenueOrderReport?) {
        guard let report else { preconditionFailure("the venue had nothing to push") }
        run(.answer(.pushed(report), at: now))
    }

    mutating func cancelAll() {
        run(.user(.cancelAll(symbol: "ETHUSDT"), at: now))
    }

    /// The kernel's order with this exchange client id.
    func order(_ clientID: String) -> Order? {
        allOrders.first { machine.exchangeID($0.id) == clientID }
    }

    /// Every order the kernel made, in the order it made them (ids count from 1).
    var allOrders: [Order] {
        (0..<machine.kernel.orderCount).compactMap { machine.kernel.order(ClientOrderID(UInt64($0 + 1))) }
    }

    /// The journal's words for one order, in order (`intent`, `accepted`, …).
    func journalEvents(of clientID: String) -> [String] {
        journal.compactMap { entry in
            switch entry {
            case .submitted(let request, _): return machine.exchangeID(request.id) == clientID ? "intent" : nil
            case .cancelRequested(let id, _): return machine.exchangeID(id) == clientID ? "cancel-requested" : nil
            case .orderChanged(let event, _): return machine.exchangeID(event.orderID) == clientID ? event.name : nil
            case .attention(let request, _, _): return machine.exchangeID(request.id) == clientID ? "needs-attention" : nil
            case .delivered: return nil
            }
        }
    }

    /// The kernel's log (what the screen's log panel shows).
    var log: [String] { machine.kernel.snapshot(depth: 1).log.map(\.text) }
}
