import EngineCore
import MarketModel
import Trading

/// The exchange's answers, one case each. Every way an order can end on the exchange
/// reaches the kernel once, after what it executed has been booked.
extension LiveOrderMachine {
    mutating func handleAnswer(_ answer: VenueAnswer, at now: Int64, into actions: inout [LiveAction]) {
        let time = Timestamp(nanoseconds: now)
        switch answer {
        case .placed(let id, _, let recovered):
            counts.ordersSent += 1
            retries.release(id)
            if recovered { counts.recovered += 1 }
            if executed[id] == nil { executed[id] = .zero }
            if kernel.order(id)?.status == .new { record(.accepted(id, time: time), into: &actions) }
            if let order = kernel.order(id), !order.isOpen, order.status != .filled {
                // Closed here while it was on its way: it rests on the exchange with
                // nobody watching it. Cancelled there too (a last guard; the queue
                // order of sends and cancels should make this unreachable).
                note(.error, "order \(exchangeID(id)) reached the exchange after it was closed here (\(order.status.rawValue)): cancelling it there")
                actions.append(.cancel(id, symbol: order.request.symbol, clientOrderID: exchangeID(id)))
            }

        case .placeFailed(let id, let failure):
            placeFailed(id, failure, at: now, into: &actions)

        case .notSent(let id, let reason):
            retries.release(id)
            if kernel.order(id)?.isOpen == true { record(.rejected(id, time: time, reason: reason), into: &actions) }

        case .cancelAnswered(let id, let report):
            settle(id, report, at: now, into: &actions)

        case .cancelFailed(let id, let failure):
            if failure.isUnknownOrder, let order = kernel.order(id), order.isOpen {
                // Filled, or cancelled, meanwhile; or it never reached the exchange.
                actions.append(.lookUp(id, symbol: order.request.symbol, clientOrderID: exchangeID(id), purpose: .afterCancel))
            } else {
                cancelRejected(id, failure, at: now, into: &actions)
            }

        case .lookedUp(let id, let report, .afterCancel):
            if let report {
                settle(id, report, at: now, into: &actions)
            } else {
                retries.cancelSettled(id)
                if kernel.order(id)?.isOpen == true {
                    record(.cancelled(id, time: time, reason: "the exchange does not know the order: it never got there"), into: &actions)
                }
            }

        case .lookUpFailed(let id, let failure, .afterCancel):
            cancelRejected(id, failure, at: now, into: &actions)

        case .lookedUp(let id, let report, .poll):
            polled(id, report, at: now, into: &actions)

        case .lookUpFailed(_, _, .poll):
            // The next poll asks again; an unconfirmed order stays unconfirmed.
            break

        case .pushed(let report):
            pushed(report, at: now, into: &actions)

        case .holding(let symbol, let quantity):
            kernel.reconcileHolding(symbol: symbol, held: quantity, at: time, into: &effects)

        case .holdingUnread(let symbol, let failure):
            note(.warning, "\(symbol): the balance could not be read after a refusal for balance (\(failure))")

        case .rules(let symbol, let rules, let rates):
            if let rules {
                // Told to the kernel (and logged) only when they changed.
                var known = kernel.rules(for: symbol)
                known?.fetchedAt = rules.fetchedAt
                if rules != known { kernel.handle(.rules(rules), into: &effects) }
            }
            if let rates, rates != fees[symbol] {
                fees[symbol] = rates
                note(.info, "\(symbol) commission now: \(Self.describe(rates))")
            }

        case .rulesUnread(let symbol, let failure):
            note(.warning, "\(symbol): the exchange's rules or rates could not be read again (\(failure)); the ones read before stay")
        }
    }

    // MARK: - Placements

    private mutating func placeFailed(_ id: ClientOrderID, _ failure: OrderVenueFailure, at now: Int64, into actions: inout [LiveAction]) {
        guard let order = kernel.order(id) else { return }
        let request = order.request
        if failure.outcomeUnknown {
            // Maybe on the book: never refused, never sent anew; the poll finds out.
            unconfirmed.insert(id)
            retries.release(id)
            counts.ordersSent += 1
            if executed[id] == nil { executed[id] = .zero }
            note(.warning, failure.description)
            return
        }
        if let retryAt = failure.retryAt {
            if retries.hold(request, until: retryAt, because: failure.description) {
                note(.warning, "order \(exchangeID(id)) \(request.side.rawValue) \(request.quantity) \(request.symbol) held: \(failure.description); sent again with the same client id in \(max(0, retryAt - now) / 1_000_000) ms")
            }
            return
        }
        retries.release(id)
        counts.ordersSent += 1
        counts.refusals[failure.code.map { String($0) } ?? failure.label ?? "other", default: 0] += 1
        note(.warning, failure.description)
        if order.isOpen { record(.rejected(id, time: Timestamp(nanoseconds: now), reason: failure.description), into: &actions) }
        // Refused for balance: what does the account hold? A spot sell the exchange
        // cannot cover means the kernel books more coin than there is.
        if failure.code == -2010 || failure.label == "BALANCE_NOT_ENOUGH", request.side == .sell, kernel.configuration.account.kind == .spot {
            actions.append(.readHolding(symbol: request.symbol))
        }
    }

    // MARK: - Cancels

    /// A cancel the exchange did not carry out: tried again after the backoff (or the
    /// exchange's wait), told to the kernel and the journal each time.
    private mutating func cancelRejected(_ id: ClientOrderID, _ failure: OrderVenueFailure, at now: Int64, into actions: inout [LiveAction]) {
        guard let order = kernel.order(id), order.isOpen else {
            retries.cancelSettled(id)
            return
        }
        let attempts = retries.cancelFailed(id, symbol: order.request.symbol, error: failure.description, retryAt: failure.retryAt, now: now)
        record(.cancelRejected(id, time: Timestamp(nanoseconds: now), reason: failure.description, attempt: attempts), into: &actions)
    }

    /// How the exchange says an order stands after a cancel: what it executed is booked
    /// first (a part filled just before the cancel must reach the kernel), then its end.
    /// Still open on the exchange, the cancel is tried again.
    private mutating func settle(_ id: ClientOrderID, _ report: VenueOrderReport, at now: Int64, into actions: inout [LiveAction]) {
        let time = Timestamp(nanoseconds: now)
        bookExecuted(id, report, at: now, into: &actions)
        switch report.status.end {
        case .cancelled:
            let retried = retries.isCancelPending(id)
            retries.cancelSettled(id)
            if kernel.order(id)?.isOpen == true { record(.cancelled(id, time: time, reason: retried ? "cancelled after retries" : "cancelled by request"), into: &actions) }
        case .rejected:
            retries.cancelSettled(id)
            if kernel.order(id)?.isOpen == true { record(.rejected(id, time: time, reason: "rejected by the exchange"), into: &actions) }
        case .filled:
            retries.cancelSettled(id)
        case nil:
            cancelRejected(id, OrderVenueFailure(description: "the order is still \(report.status) after the cancel"), at: now, into: &actions)
        }
    }

    // MARK: - Polls and pushes

    private mutating func polled(_ id: ClientOrderID, _ report: VenueOrderReport?, at now: Int64, into actions: inout [LiveAction]) {
        let time = Timestamp(nanoseconds: now)
        guard kernel.order(id)?.isOpen == true else { return }
        guard let report else {
            // An order whose answers were lost and that the exchange does not know:
            // it never got there.
            if unconfirmed.remove(id) != nil {
                record(.rejected(id, time: time, reason: "not on the exchange: its answers were lost and it never got there"), into: &actions)
            }
            return
        }
        if unconfirmed.remove(id) != nil, kernel.order(id)?.status == .new {
            note(.info, "order \(exchangeID(id)) is on the exchange (\(report.status)) after its answers were lost")
            record(.accepted(id, time: time), into: &actions)
        }
        if bookExecuted(id, report, at: now, into: &actions) { counts.fillsPolled += 1 }
        // An end the pushed updates did not bring (a lost event, no stream).
        if !retries.isCancelPending(id) { endOnTheExchange(id, report, at: now, into: &actions) }
    }

    /// An order update pushed by the exchange: a fill of what the order executed since
    /// the last look, or its end (a cancel from elsewhere, the countdown, an expiry).
    /// A duplicate or an older update out of order books nothing: only growth of the
    /// cumulative quantity is booked.
    private mutating func pushed(_ report: VenueOrderReport, at now: Int64, into actions: inout [LiveAction]) {
        guard let id = byExchangeID[report.clientOrderID] else { return }
        if report.lastFill != nil { counts.fillReports += 1 }
        guard kernel.order(id)?.isOpen == true else { return }
        if bookExecuted(id, report, at: now, into: &actions) { counts.fillsPushed += 1 }
        endOnTheExchange(id, report, at: now, into: &actions)
    }

    /// An order that ended on the exchange without Apogee asking, told to the kernel once.
    private mutating func endOnTheExchange(_ id: ClientOrderID, _ report: VenueOrderReport, at now: Int64, into actions: inout [LiveAction]) {
        guard kernel.order(id)?.isOpen == true else { return }
        let time = Timestamp(nanoseconds: now)
        switch report.status.end {
        case .cancelled:
            retries.cancelSettled(id)
            record(.cancelled(id, time: time, reason: "\(report.status.description.lowercased()) on the exchange"), into: &actions)
        case .rejected:
            record(.rejected(id, time: time, reason: "rejected by the exchange: \(report.detail ?? "-")"), into: &actions)
        case .filled, nil:
            return
        }
    }

    /// Books what an order executed beyond what the kernel has (the exchange's
    /// cumulative quantity); false when nothing was new. The part's price is what its
    /// quote amount came to (the growth of the cumulative quote over the growth of the
    /// quantity: exact however many fills one update covers), else the update's last
    /// fill price, else the order's limit. Pushes, polls and cancel answers all come
    /// through here, so no part is booked twice.
    @discardableResult
    mutating func bookExecuted(_ id: ClientOrderID, _ report: VenueOrderReport, at now: Int64, into actions: inout [LiveAction]) -> Bool {
        guard let order = kernel.order(id), order.isOpen else { return false }
        let before = executed[id] ?? .zero
        let total = min(report.executed, order.request.quantity)
        guard total > before else { return false }
        let quantity = total - before
        let bookedQuote = executedQuote[id] ?? .zero
        let partPrice: Price?
        var newQuote: Money?
        if let quote = report.executedQuote, quote > bookedQuote {
            // The average of the part's fills, rounded to 10⁻⁸.
            partPrice = Price(units: Money.rounded(Int128(quote.units - bookedQuote.units) * Int128(FixedPoint.unitsPerWhole), dividingBy: Int128(quantity.units)))
            newQuote = quote
        } else {
            partPrice = report.lastFill.flatMap { $0.price.units > 0 ? $0.price : nil } ?? order.request.kind.limitPrice
        }
        guard let price = partPrice else { return false }
        executed[id] = total
        executedQuote[id] = newQuote ?? Money(units: bookedQuote.units + Money.notional(price, quantity).units)
        // As the exchange says (Binance's `m`); otherwise inferred: filled better than its
        // limit, it took liquidity (a resting order fills at its own price).
        let limit = order.request.kind.limitPrice
        let improved = limit.map { order.request.side == .buy ? price < $0 : price > $0 } ?? false
        let liquidity: Liquidity = (report.lastFill?.isMaker.map { !$0 } ?? improved) ? .taker : .maker
        let symbol = order.request.symbol
        let account = kernel.configuration.account
        let rates = fees[symbol] ?? account.fees
        var fill = Fill(orderID: id, symbol: symbol, side: order.request.side, price: price, quantity: quantity, fee: rates.fee(on: .notional(price, quantity), as: liquidity), liquidity: liquidity, time: Timestamp(nanoseconds: now))
        let base = Self.baseAsset(of: symbol)
        let spotBuy = account.kind == .spot && order.request.side == .buy
        if let last = report.lastFill, let amount = last.commission, let asset = last.commissionAsset, last.quantity.units > 0, last.quantity <= quantity {
            // The exchange's own figure for its last fill, in the asset it took it in;
            // the rest of the new quantity (fills this update does not itemise) estimated.
            let rest = quantity - last.quantity
            if asset == base {
                let inCoin = amount + (spotBuy ? rates.feeInCoin(on: rest, as: liquidity) : .zero)
                fill.feeInBase = account.kind == .spot ? inCoin : .zero
                fill.fee = .notional(price, inCoin)
            } else if symbol.hasSuffix(asset) || symbol.hasSuffix("_" + asset) {
                fill.fee = Money(units: amount.units) + rates.fee(on: .notional(price, rest), as: liquidity)
            }
            // Another asset (BNB): its value in the quote is the rate's estimate above.
        } else if spotBuy {
            // Spot exchanges take a buy's fee out of the coin bought: what is held, and
            // so what an exit may sell, is the quantity less the fee.
            fill.feeInBase = rates.feeInCoin(on: quantity, as: liquidity)
            fill.fee = .notional(price, fill.feeInBase)
        }
        record(.filled(fill), into: &actions)
        return true
    }

    /// The base currency of a symbol: `ETH_USDT` → ETH (Gate.io), `ETHUSDT` → ETH
    /// (Binance, by its quote currencies).
    public static func baseAsset(of symbol: String) -> String {
        if let underscore = symbol.firstIndex(of: "_") { return String(symbol[..<underscore]) }
        for quote in ["USDT", "USDC", "FDUSD", "BUSD", "TUSD", "BTC", "ETH", "BNB", "EUR", "TRY"] where symbol.hasSuffix(quote) && symbol.count > quote.count {
            return String(symbol.dropLast(quote.count))
        }
        return symbol
    }
}
