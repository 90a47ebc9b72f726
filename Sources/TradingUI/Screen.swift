import EngineCore
import MarketModel
import TUIKit
import Trading

/// Draws a frame: `view(model, data)` into a plain buffer. Pure.
///
/// Layout rule (documented in docs/terminal.md):
/// - Row 0 is the header (mode, exchange, market, clock, replay speed and progress,
///   health: feed lag, book state, events/s, Redis); the last row is the status or the
///   command line.
/// - 120 columns or more: three columns. Left: markets over strategies. Middle: chart
///   over positions and orders. Right: the book ladder over the trades tape. A strip
///   at the bottom: log beside P&L.
/// - Narrower: the markets table, the strategies panel and the trades tape collapse:
///   the header names the market (`,` `.` switch it), the status row names the
///   selected strategy. The ladder (34 columns) sits left of the chart and positions;
///   log and P&L share the bottom strip.
/// - Under 16 rows or 60 columns, only the header, the ladder and the status remain.
public enum Screen {
    public static func render(_ model: AppModel, _ data: ScreenData, width: Int, height: Int, glyphs: Glyphs, keymap: Keymap) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        guard width >= 20, height >= 5 else {
            buffer.write("apogee: window too small", x: 0, y: 0)
            return buffer
        }
        let markets = orderedMarkets(model.sort, data, filter: model.marketFilter)
        let selected = markets.first { $0.symbol == model.selectedSymbol } ?? (model.selectedSymbol == nil ? markets.first : nil)
        header(&buffer, data, selected, width: width)
        footer(&buffer, model, data, width: width, height: height)
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)

        if width < 60 || height < 16 {
            ladder(&buffer, selected, data, in: body, glyphs: glyphs)
        } else if width >= 120 {
            let rows = Layout.split(body, .vertical, [.fill, .fixed(min(8, body.height / 4))])
            let columns = Layout.split(rows[0], .horizontal, [.percent(28), .fill, .fixed(36)])
            let left = Layout.split(columns[0], .vertical, [.percent(60), .fill])
            let middle = Layout.split(columns[1], .vertical, [.percent(58), .fill])
            let right = Layout.split(columns[2], .vertical, [.percent(65), .fill])
            marketsTable(&buffer, model, data, in: left[0], glyphs: glyphs)
            strategies(&buffer, model, data, in: left[1], glyphs: glyphs)
            chart(&buffer, model, selected, data, in: middle[0], glyphs: glyphs)
            positions(&buffer, data, in: middle[1], glyphs: glyphs)
            ladder(&buffer, selected, data, in: right[0], glyphs: glyphs)
            tape(&buffer, selected, data, in: right[1], glyphs: glyphs)
            let strip = Layout.split(rows[1], .horizontal, [.fill, .fixed(40)])
            log(&buffer, model, data, in: strip[0], glyphs: glyphs)
            profit(&buffer, data, in: strip[1], glyphs: glyphs)
        } else {
            let rows = Layout.split(body, .vertical, [.fill, .fixed(min(6, body.height / 4))])
            let columns = Layout.split(rows[0], .horizontal, [.fixed(34), .fill])
            let right = Layout.split(columns[1], .vertical, [.percent(55), .fill])
            ladder(&buffer, selected, data, in: columns[0], glyphs: glyphs)
            chart(&buffer, model, selected, data, in: right[0], glyphs: glyphs)
            positions(&buffer, data, in: right[1], glyphs: glyphs)
            let strip = Layout.split(rows[1], .horizontal, [.fill, .fixed(30)])
            log(&buffer, model, data, in: strip[0], glyphs: glyphs)
            profit(&buffer, data, in: strip[1], glyphs: glyphs)
        }
        if model.showHealth { healthOverlay(&buffer, data, selected, glyphs: glyphs) }
        if model.showHelp { help(&buffer, keymap: keymap, scroll: model.helpScroll, glyphs: glyphs) }
        return buffer
    }

    // MARK: - Header and footer

    static func header(_ buffer: inout Buffer, _ data: ScreenData, _ market: KernelSnapshot.MarketLine?, width: Int) {
        buffer.fill(Rect(x: 0, y: 0, width: width, height: 1), with: Cell(" ", Style(.header, [.reverse])))
        // The fields with their priority (0 first): what does not fit is left out
        // whole, the least important first, never cut mid-word. A halted or reducing
        // account shows at any width, right after the mode.
        let state = data.snapshot.tradingState
        let health = Health.of(data, market: market)
        var fields: [(text: String, priority: Int)] = [(data.mode.rawValue, 0)]
        if state != .active { fields.append((state.rawValue, 0)) }
        fields.append((data.exchange, 4))
        fields.append((market?.symbol ?? "-", 0))
        // A replay shows milliseconds: stepping through a spike moves by less than a second.
        fields.append((clock(data.snapshot.time, milliseconds: data.mode == .replay), 1))
        if let replay = data.replay {
            let speed = replay.speed == 0 ? "max" : "\(replay.speed)x"
            let state = replay.finished ? "END" : replay.paused ? "PAUSED" : speed
            // Where the replay is in its own time (`+6m05s`), and how much of the data is read.
            let elapsed = replay.elapsed.map { " +" + duration($0.nanoseconds) } ?? ""
            fields.append(("\(state)\(elapsed) \(Int(replay.progress * 100))%", 1))
        }
        let healthIndex = fields.count
        fields.append((health.text, 0))
        // The live feed's parts, each on its own: the link's state and anything in
        // capitals (a pending cancel, a failed countdown) before the routine figures.
        if let feed = data.feed {
            for (index, piece) in feed.split(separator: ", ").enumerated() {
                let part = String(piece)
                let letters = part.filter { $0.isLetter }
                let alarming = letters.count >= 3 && letters.allSatisfy { $0.isUppercase }
                // The exchange's clock against ours (a skew past the exchange's window
                // gets every signed request refused) and the rate limit used (past it,
                // the exchange bans the address) before the routine figures.
                let vital = part.hasPrefix("clock") || part.hasPrefix("weight") || part.hasPrefix("requests")
                let priority = index == 0 ? 2 : alarming ? 1 : vital ? 3 : 6
                fields.append((index == 0 ? "ws \(part)" : part, priority))
            }
        }
        fields.append((lagText(data.feedLagMilliseconds), 3))
        // A book whose feed is down is stale, however synced it was.
        let book = data.feed?.hasPrefix("down") == true && market?.bookState == "synced" ? "stale" : market?.bookState ?? "-"
        fields.append(("book \(book)", 2))
        // A finished replay has no rate worth showing (it was the flat-out catch-up).
        if data.replay?.finished != true { fields.append(("\(Int(data.eventsPerSecond.rounded())) ev/s", 7)) }
        // Redis in trouble moves up: its reconnect state is what the trader needs then.
        fields.append(("redis \(data.redis)", data.redis == "off" || data.redis == "ok" ? 5 : 1))
        if state == .active { fields.append((state.rawValue, 1)) }
        if let context = contextText(data.snapshot.market) { fields.append((context, 8)) }

        var room = width - 1
        var kept = Array(repeating: false, count: fields.count)
        for index in fields.indices.sorted(by: { (fields[$0].priority, $0) < (fields[$1].priority, $1) }) {
            let cost = fields[index].text.count + (kept.contains(true) ? 3 : 0)
            guard cost <= room else { continue }
            kept[index] = true
            room -= cost
        }
        var x = 1
        for index in fields.indices where kept[index] {
            if x > 1 {
                buffer.write(" | ", x: x, y: 0, style: Style(.header, [.reverse, .bold]), limit: width - x)
                x += 3
            }
            let role: Role = index != healthIndex ? .header : health.level == .ok ? .profit : health.level == .warn ? .warning : .loss
            buffer.write(fields[index].text, x: x, y: 0, style: Style(role, [.reverse, .bold]), limit: max(0, width - x))
            x += fields[index].text.count
        }
    }

    /// The feed's lag; a negative one (the local clock behind the exchange's) is not a
    /// lag but a clock error, and says so.
    static func lagText(_ milliseconds: Double?) -> String {
        guard let milliseconds else { return "lag -" }
        let rounded = Int(milliseconds.rounded())
        return rounded < 0 ? "lag 0ms (clock \(rounded)ms)" : "lag \(rounded)ms"
    }

    /// MoonBot's top-bar context: BTC's change against its 1h and 24h means, the
    /// market's in brackets (`dBTC +0.12/-1.30 (mkt +0.40/+2.10)`); nil before any.
    static func contextText(_ context: MarketContext) -> String? {
        func pair(_ changes: MarketContext.Changes?) -> String? {
            guard let changes, let hour = changes.oneHour else { return nil }
            return signed(hour) + "/" + (changes.day.map(signed) ?? "-")
        }
        func signed(_ value: Double) -> String {
            let rounded = (value * 100).rounded() / 100
            // No "-0.0": a change that rounds to nothing is shown unsigned.
            return rounded == 0 ? "0.0" : (rounded > 0 ? "+" : "") + String(rounded)
        }
        let btc = pair(context.btc)
        let market = pair(context.market)
        guard btc != nil || market != nil else { return nil }
        return "dBTC \(btc ?? "-")" + (market.map { " (mkt \($0))" } ?? "")
    }

    static func footer(_ buffer: inout Buffer, _ model: AppModel, _ data: ScreenData, width: Int, height: Int) {
        let y = height - 1
        if let line = model.commandLine {
            buffer.write(":" + line + " ", x: 0, y: y, style: Style(.highlight, [.bold]), limit: width)
            // The cursor: the character under it reversed (a space at the end).
            let cursor = min(max(0, model.commandCursor), line.count)
            if cursor + 1 < width {
                let under = cursor < line.count ? String(Array(line)[cursor]) : " "
                buffer.write(under, x: cursor + 1, y: y, style: Style(.highlight, [.bold, .reverse]), limit: 1)
            }
        } else if model.confirmingKill {
            buffer.write("KILL SWITCH: cancel every order and halt? y = keep positions, f = flatten them, other key = no", x: 0, y: y, style: Style(.warning, [.bold, .reverse]), limit: width)
        } else if model.confirmingQuit {
            buffer.write("Positions are open. Quit anyway? (y/n)", x: 0, y: y, style: Style(.warning, [.bold, .reverse]), limit: width)
        } else {
            // The hotkeys' coin, always in view: an order key acts on what is shown here.
            let target = "[\(model.selectedSymbol ?? "no market")] "
            buffer.write(target, x: 0, y: y, style: Style(.highlight, [.bold]), limit: width)
            let strategy = data.snapshot.strategies.isEmpty ? "" : {
                let line = data.snapshot.strategies[min(model.selectedStrategy, data.snapshot.strategies.count - 1)]
                return "strategy \(line.name) \(line.enabled ? "ON" : "OFF")  "
            }()
            let text = model.status ?? "\(strategy)size \(model.orderSize)  ? help  : command  q quit"
            buffer.write(text, x: target.count, y: y, style: Style(.muted), limit: max(0, width - target.count))
        }
    }

    // MARK: - Panels

    static func marketsTable(_ buffer: inout Buffer, _ model: AppModel, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let filtered = model.marketFilter.isEmpty ? "" : " containing \(model.marketFilter)"
        let inner = buffer.block(rect, title: "Markets by \(model.sort.rawValue)\(filtered)", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        let markets = orderedMarkets(model.sort, data, filter: model.marketFilter)
        let cursor = model.selectedSymbol ?? markets.first?.symbol
        // The columns, most wanted first; as many as the panel is wide (MoonBot's table
        // on a wide screen, symbol, price and two deltas at 120 columns).
        // A cell's text, and whether it went down (a delta), up, or neither (nil).
        typealias Column = (column: TableColumn, cell: (KernelSnapshot.MarketLine) -> (text: String, down: Bool?))
        // MoonBot's delta is a range (high over low); its sign here is the way the price
        // went over the window (against the window's mean), and so is its colour.
        func signed(_ value: Double, down: Bool?) -> (text: String, down: Bool?) {
            (fitted(down == true ? -value : value, decimals: 2, width: 5), value == 0 ? nil : down)
        }
        func delta(_ window: KeyPath<Deltas, Double?>) -> (KernelSnapshot.MarketLine) -> (text: String, down: Bool?) {
            { market in
                guard let value = market.deltas[keyPath: window] else { return ("-", nil) }
                return signed(value, down: market.changes?[keyPath: window].map { $0 < 0 })
            }
        }
        func plain(_ text: @escaping (KernelSnapshot.MarketLine) -> String) -> (KernelSnapshot.MarketLine) -> (text: String, down: Bool?) {
            { (text($0), nil) }
        }
        let all: [Column] = [
            (TableColumn("Market", width: 10), plain { $0.symbol }),
            (TableColumn("Price", width: 10, alignRight: true), plain { market in market.lastPrice.map { market.text($0) } ?? "-" }),
            (TableColumn("5m%", width: 5, alignRight: true), delta(\.fiveMinutes)),
            (TableColumn("1h%", width: 5, alignRight: true), delta(\.oneHour)),
            (TableColumn("D", width: 1), plain { market in market.lastDetect.map { data.snapshot.time.nanoseconds - $0.nanoseconds < 60_000_000_000 ? "*" : " " } ?? " " }),
            (TableColumn("1m%", width: 5, alignRight: true), delta(\.oneMinute)),
            (TableColumn("15m%", width: 5, alignRight: true), delta(\.fifteenMinutes)),
            (TableColumn("3h%", width: 5, alignRight: true), delta(\.threeHours)),
            (TableColumn("24h%", width: 5, alignRight: true), { market in
                // The exchange's own 24 hours when its ticker is streamed; else the candles'.
                guard let ticker = data.dayTickers[market.symbol], let value = ticker.delta else { return delta(\.day)(market) }
                return signed(value, down: ticker.fell)
            }),
            (TableColumn("1hVol", width: 7, alignRight: true), plain { compact($0.hourVolume) }),
            (TableColumn("24hVol", width: 7, alignRight: true), plain { compact(data.dayVolume(of: $0)) }),
            (TableColumn("T/s", width: 5, alignRight: true), plain { $0.tradesPerSecond.map { fitted($0, decimals: 1, width: 5) } ?? "-" }),
        ]
        var shown: [Column] = []
        var used = 0
        for column in all where used + column.column.width <= inner.width {
            shown.append(column)
            used += column.column.width + 1
        }
        // The rows that fit, scrolled so the cursor's row is among them.
        let visible = max(1, inner.height - 1)
        let cursorRow = markets.firstIndex { $0.symbol == cursor } ?? 0
        let first = max(0, min(cursorRow - visible / 2, markets.count - visible))
        let rows = markets.dropFirst(first).prefix(visible).map { market -> [(String, Style)] in
            let selected = market.symbol == cursor
            return shown.map { column in
                let cell = column.cell(market)
                if selected { return (cell.text, Style(.highlight, [.reverse])) }
                return (cell.text, cell.down.map { Style($0 ? .loss : .profit) } ?? Style(.text))
            }
        }
        buffer.table(shown.map(\.column), rows: Array(rows), in: inner)
    }

    static func strategies(_ buffer: inout Buffer, _ model: AppModel, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let inner = buffer.block(rect, title: "Strategies", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        // Most wanted first: the P&L and trades stay when a narrow panel drops columns.
        let columns = [TableColumn("Strategy", width: 12), TableColumn("On", width: 3), TableColumn("P&L", width: 9, alignRight: true), TableColumn("Trd", width: 4, alignRight: true), TableColumn("Det", width: 4, alignRight: true), TableColumn("Ord", width: 4, alignRight: true)]
        let lines = data.snapshot.strategies
        let rows = lines.enumerated().map { index, line -> [(String, Style)] in
            let base = index == model.selectedStrategy ? Style(.highlight, [.reverse]) : Style(.text)
            let pnl = Style(line.netPnL.units >= 0 ? .profit : .loss, base.attributes)
            return [(line.name, base), (line.enabled ? "ON" : "off", line.enabled ? base : Style(.muted)), (line.netPnL.roundedText(fractionDigits: 2), pnl), ("\(line.trades)", base), ("\(line.detects)", base), ("\(line.ordersPlaced)", base)]
        }
        buffer.table(columns, rows: rows, in: inner)
        // Below the table, the selected strategy's latest detect and its figures.
        let selected = lines.indices.contains(model.selectedStrategy) ? lines[model.selectedStrategy] : lines.first
        let below = inner.y + 1 + rows.count
        if let detect = selected?.lastDetect, below < inner.y + inner.height {
            let text = "last: \(detect.symbol) " + detect.figures.map { "\($0.name) \($0.value)" }.joined(separator: " ")
            _ = buffer.write(text, x: inner.x, y: below, style: Style(.muted), limit: inner.width)
        }
    }

    static func ladder(_ buffer: inout Buffer, _ market: KernelSnapshot.MarketLine?, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let inner = buffer.block(rect, title: "Book \(market?.symbol ?? "")", glyphs: glyphs)
        guard !inner.isEmpty, let market else { return }
        // The trader's own orders on this book: price → (side, quantity left, queue ahead).
        var own: [Price: (side: Side, quantity: Quantity, queue: Quantity?)] = [:]
        for order in data.snapshot.openOrders where order.request.symbol == market.symbol {
            guard let price = order.request.kind.limitPrice else { continue }
            let known = own[price]
            own[price] = (order.request.side, (known?.quantity ?? .zero) + order.remainingQuantity, data.queueAhead[order.id] ?? known?.queue)
        }
        let depth = max(1, (inner.height - 1) / 2)
        var asks = Array(market.asks.prefix(depth))
        var bids = Array(market.bids.prefix(depth))
        // Own orders beyond the levels shown get the outermost row, with their distance.
        let highestShown = asks.last?.price
        let lowestShown = bids.last?.price
        let ownAbove = own.keys.filter { price in highestShown.map { price > $0 } ?? false }.sorted()
        let ownBelow = own.keys.filter { price in lowestShown.map { price < $0 } ?? false }.sorted(by: >)
        if !ownAbove.isEmpty, !asks.isEmpty { asks.removeLast() }
        if !ownBelow.isEmpty, !bids.isEmpty { bids.removeLast() }
        let largest = (asks + bids).map(\.quantity.units).max() ?? 1
        let mid: Double? = market.bestBid.flatMap { bid in market.bestAsk.map { (bid.price.doubleValue + $0.price.doubleValue) / 2 } }
        let priceWidth = 11
        let quantityWidth = 10
        // % from mid when the panel has room for it.
        let percentWidth = inner.width >= priceWidth + quantityWidth + 3 + 7 + 6 ? 7 : 0
        let barX = inner.x + 3 + priceWidth + quantityWidth + percentWidth
        let barWidth = max(0, inner.maxX - barX)
        func distance(_ price: Price, width: Int = 6) -> String {
            guard let mid, mid > 0 else { return "" }
            return fitted((price.doubleValue / mid - 1) * 100, decimals: 3, width: width) + "%"
        }
        func row(_ level: BookLevel, y: Int, role: Role) {
            let mine = own[level.price]
            buffer.write(mine != nil ? "*" : " ", x: inner.x, y: y, style: Style(.ownOrder, [.bold]))
            let price = market.text(level.price)
            buffer.write(String(repeating: " ", count: max(0, priceWidth - price.count)) + price, x: inner.x + 1, y: y, style: Style(role, mine != nil ? [.bold] : []), limit: priceWidth)
            let quantity = market.text(level.quantity)
            buffer.write(String(repeating: " ", count: max(0, quantityWidth - quantity.count)) + quantity, x: inner.x + 2 + priceWidth, y: y, style: Style(.text), limit: quantityWidth)
            if percentWidth > 0 {
                let text = distance(level.price, width: percentWidth - 1)
                buffer.write(String(repeating: " ", count: max(0, percentWidth - text.count)) + text, x: inner.x + 2 + priceWidth + quantityWidth, y: y, style: Style(.muted), limit: percentWidth)
            }
            if let mine {
                // The own row: its quantity and the queue ahead of it, instead of a bar.
                let text = "own " + market.text(mine.quantity) + (mine.queue.map { " q" + market.text($0) } ?? "")
                buffer.write(text, x: barX, y: y, style: Style(.ownOrder, [.bold]), limit: barWidth)
                return
            }
            let bar = largest > 0 ? Int((Double(level.quantity.units) / Double(largest) * Double(barWidth)).rounded(.up)) : 0
            for column in 0..<min(bar, barWidth) {
                buffer[barX + column, y] = Cell(glyphs.bar, Style(role, [.dim]))
            }
        }
        func beyond(_ prices: [Price], y: Int, arrow: String) {
            let text = arrow + prices.map { price in "\(own[price]!.side == .buy ? "B" : "S") \(market.text(own[price]!.quantity))@\(market.text(price)) \(distance(price))" }.joined(separator: "  ")
            buffer.write(text, x: inner.x, y: y, style: Style(.ownOrder, [.bold]), limit: inner.width)
        }
        if !ownAbove.isEmpty { beyond(ownAbove, y: inner.y + depth - 1 - asks.count, arrow: glyphs.braille ? "▲ " : "^ ") }
        // Asks above, best ask next to the spread; bids below, best bid first.
        for (offset, level) in asks.enumerated() {
            row(level, y: inner.y + depth - 1 - offset, role: .ask)
        }
        let spreadY = inner.y + depth
        if let bid = bids.first, let ask = asks.first {
            buffer.write("  spread \(market.text(Price(units: ask.price.units - bid.price.units)))", x: inner.x, y: spreadY, style: Style(.muted), limit: inner.width)
        }
        for (offset, level) in bids.enumerated() where spreadY + 1 + offset < inner.maxY {
            row(level, y: spreadY + 1 + offset, role: .bid)
        }
        if !ownBelow.isEmpty, spreadY + 1 + bids.count < inner.maxY { beyond(ownBelow, y: spreadY + 1 + bids.count, arrow: glyphs.braille ? "▼ " : "v ") }
    }

    static func chart(_ buffer: inout Buffer, _ model: AppModel, _ market: KernelSnapshot.MarketLine?, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let title = market.map { market in "Chart \(market.symbol) \(market.lastPrice.map { market.text($0) } ?? "")" } ?? "Chart"
        let inner = buffer.block(rect, title: title, glyphs: glyphs)
        guard !inner.isEmpty, let market else { return }
        if model.showCandles {
            buffer.candleChart(data.candles[market.symbol] ?? [], in: inner, rising: Style(.bid), falling: Style(.ask), glyphs: glyphs)
            return
        }
        guard let history = data.priceHistory[market.symbol], !history.isEmpty else { return }
        // Each line with its label for the axis: own orders, entry, stop, trailing.
        var marks: [(price: Price, label: String, style: Style)] = []
        for order in data.snapshot.openOrders where order.request.symbol == market.symbol {
            if let price = order.request.kind.limitPrice { marks.append((price, order.request.side == .buy ? "B" : "S", Style(.ownOrder))) }
        }
        if let position = data.snapshot.positions.first(where: { $0.symbol == market.symbol }), let entry = position.entryPrice {
            marks.append((entry, "E", Style(.muted)))
            if let stop = position.stopPrice { marks.append((stop, "SL", Style(.loss))) }
            if let trailing = position.trailingPrice { marks.append((trailing, "TR", Style(.warning))) }
        }
        // The price axis on the right: the top and bottom prices, the last price
        // tagged, each line's label at its row; lines off the chart are named at its
        // edge with their distance, never left out silently.
        let axisWidth = min(max(market.text(market.lastPrice ?? .zero).count + 4, 8), max(0, inner.width - 10))
        // The bottom row is the time axis when the chart is tall enough and times are known.
        let times = data.priceTimes[market.symbol] ?? []
        let timeAxis = inner.height >= 6 && times.count == history.count && !times.isEmpty
        let plot = Rect(x: inner.x, y: inner.y, width: inner.width - axisWidth, height: inner.height - (timeAxis ? 1 : 0))
        guard let scale = buffer.lineChart(history, marks: marks.map { ($0.price.doubleValue, $0.style) }, in: plot, style: Style(.text), glyphs: glyphs), axisWidth > 0 else { return }
        let axisX = plot.maxX
        func label(_ text: String, row: Int, style: Style) {
            buffer.write(String(text.prefix(axisWidth)), x: axisX, y: row, style: style, limit: axisWidth)
        }
        label(" " + market.text(Price(units: Int64((scale.high * 1e8).rounded()))), row: inner.y, style: Style(.muted))
        if plot.height > 1 { label(" " + market.text(Price(units: Int64((scale.low * 1e8).rounded()))), row: plot.maxY - 1, style: Style(.muted)) }
        var above: [String] = []
        var below: [String] = []
        let last = market.lastPrice?.doubleValue ?? history.last!
        for mark in marks {
            if let row = Buffer.chartRow(mark.price.doubleValue, low: scale.low, high: scale.high, in: plot), mark.price.doubleValue >= scale.low, mark.price.doubleValue <= scale.high {
                label(mark.label + " " + market.text(mark.price), row: row, style: mark.style)
            } else {
                let away = last > 0 ? (mark.price.doubleValue / last - 1) * 100 : 0
                let text = "\(mark.label) \(market.text(mark.price)) \(away >= 0 ? "+" : "")\(format(away, 1, fixed: true))%"
                if mark.price.doubleValue > scale.high { above.append(text) } else { below.append(text) }
            }
        }
        if let lastPrice = market.lastPrice, let row = Buffer.chartRow(lastPrice.doubleValue, low: scale.low, high: scale.high, in: plot) {
            label(">" + market.text(lastPrice), row: row, style: Style(.highlight, [.reverse, .bold]))
        }
        // Where the samples drawn begin, and which column a sample falls in (the line is
        // right-aligned: fewer samples than columns start further right).
        let perColumn = glyphs.braille ? 2 : 1
        let capacity = plot.width * perColumn
        let firstShown = max(0, history.count - capacity)
        let offset = capacity - (history.count - firstShown)
        func column(ofSample index: Int) -> Int { plot.x + (offset + index - firstShown) / perColumn }
        if timeAxis {
            let row = plot.maxY
            let start = clockTime(times[firstShown])
            let end = clockTime(times[times.count - 1])
            buffer.write(start, x: column(ofSample: firstShown), y: row, style: Style(.muted), limit: max(0, plot.maxX - column(ofSample: firstShown)))
            if plot.width >= start.count * 2 + 2 { buffer.write(end, x: plot.maxX - end.count, y: row, style: Style(.muted), limit: end.count) }
        }
        // The round trips' fills stay on the chart after they close: B/S at their time
        // and price (the kernel's recent trades).
        if !times.isEmpty {
            for trade in data.snapshot.recentTrades where trade.symbol == market.symbol {
                let long = trade.direction == .buy
                for (time, price, side) in [(trade.openedAt, trade.entryPrice, long ? Side.buy : .sell), (trade.closedAt, trade.exitPrice, long ? Side.sell : .buy)] {
                    guard time >= times[firstShown], let row = Buffer.chartRow(price.doubleValue, low: scale.low, high: scale.high, in: plot) else { continue }
                    let index = times.firstIndex { $0 >= time } ?? times.count - 1
                    buffer.write(side == .buy ? "B" : "S", x: column(ofSample: index), y: row, style: Style(side == .buy ? .bid : .ask, [.bold, .reverse]), limit: 1)
                }
            }
        }
        let arrowUp = glyphs.braille ? "▲ " : "^ "
        let arrowDown = glyphs.braille ? "▼ " : "v "
        if !above.isEmpty { buffer.write(arrowUp + above.joined(separator: "  "), x: plot.x, y: inner.y, style: Style(.ownOrder, [.bold]), limit: plot.width) }
        if !below.isEmpty { buffer.write(arrowDown + below.joined(separator: "  "), x: plot.x, y: plot.maxY - 1, style: Style(.ownOrder, [.bold]), limit: plot.width) }
    }

    static func positions(_ buffer: inout Buffer, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let inner = buffer.block(rect, title: "Positions & orders", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        var rows: [[(String, Style)]] = []
        for position in data.snapshot.positions {
            let pnl = Style(position.unrealizedPnL.units >= 0 ? .profit : .loss)
            let symbol = position.symbol
            rows.append([(symbol, Style(.text)), (position.quantity.units >= 0 ? "LONG" : "SHORT", Style(.text, [.bold])), (data.quantity(position.quantity, of: symbol), Style(.text)), (position.unrealizedPnL.roundedText(fractionDigits: 2), pnl), (position.entryPrice.map { data.price($0, of: symbol) } ?? "-", Style(.text)), (position.liquidationPrice.map { data.price($0, of: symbol) } ?? "-", Style(.muted))])
            // A position of several entries: each lot under it, with its own entry and
            // P&L and whose it is (each has its own exits).
            if position.lots.count > 1 {
                for lot in position.lots {
                    let lotPnL = Style(lot.unrealizedPnL.units >= 0 ? .profit : .loss)
                    rows.append([(" lot \(lot.id)", Style(.muted)), (lot.origin, Style(.muted)), (data.quantity(lot.quantity, of: symbol), Style(.muted)), (lot.unrealizedPnL.roundedText(fractionDigits: 2), lotPnL), (lot.entryPrice.map { data.price($0, of: symbol) } ?? "-", Style(.muted)), ("", Style(.muted))])
                }
            }
        }
        for order in data.snapshot.openOrders.prefix(max(0, inner.height - 1 - rows.count)) {
            let role: Role = order.request.side == .buy ? .bid : .ask
            let queue = data.queueAhead[order.id].map { "q " + data.quantity($0, of: order.request.symbol) } ?? order.status.rawValue
            let symbol = order.request.symbol
            rows.append([(symbol, Style(.ownOrder)), ("\(order.request.side.rawValue.uppercased()) \(order.id)", Style(role)), (data.quantity(order.remainingQuantity, of: symbol), Style(.text)), (queue, Style(.muted)), (order.request.kind.limitPrice.map { data.price($0, of: symbol) } ?? "MKT", Style(.text)), (order.request.origin, Style(.muted))])
        }
        // Most wanted first: on a narrow screen the entry price and the origin go
        // before the unrealised P&L does (the chart and the ladder show the prices).
        let columns = [TableColumn("Symbol", width: 9), TableColumn("Side", width: 10), TableColumn("Qty", width: 9, alignRight: true), TableColumn("uPnL/Queue", width: 10, alignRight: true), TableColumn("Price", width: 10, alignRight: true), TableColumn("Liq/From", width: 14)]
        buffer.table(columns, rows: rows, in: inner)
        if rows.isEmpty, inner.height > 1 { buffer.write("no position, no open order", x: inner.x, y: inner.y + 1, style: Style(.muted), limit: inner.width) }
    }

    static func tape(_ buffer: inout Buffer, _ market: KernelSnapshot.MarketLine?, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let inner = buffer.block(rect, title: "Trades", glyphs: glyphs)
        guard !inner.isEmpty, let market else { return }
        let trades = data.tape[market.symbol] ?? []
        let lines = trades.prefix(inner.height).map { trade -> (String, Style) in
            let time = UTCDateTime(trade.time.received)
            let text = "\(pad(time.hour)):\(pad(time.minute)):\(pad(time.second)) \(market.text(trade.price)) \(market.text(trade.quantity))"
            return (text, Style(trade.aggressor == .buy ? .bid : .ask))
        }
        buffer.text(lines, in: inner)
    }

    static func log(_ buffer: inout Buffer, _ model: AppModel, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let title = "Log" + (model.logFilter == .all ? "" : " (\(model.logFilter.rawValue))") + (model.logScroll > 0 ? " \(model.logScroll) back" : "")
        let inner = buffer.block(rect, title: title, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        // Long lines wrap under their time rather than lose their end: the end of a
        // refusal is its reason.
        var rows: [(String, Style)] = []
        let kept = model.logFilter == .all ? data.snapshot.log : data.snapshot.log.filter(model.logFilter.admits)
        let scrolled = kept.dropLast(min(model.logScroll, max(0, kept.count - 1)))
        for line in scrolled.suffix(inner.height) {
            let time = UTCDateTime(line.time)
            let role: Role = line.level == .info ? .text : line.level == .warning ? .warning : .loss
            let stamp = "\(pad(time.hour)):\(pad(time.minute)):\(pad(time.second)) "
            let room = max(8, inner.width - stamp.count)
            var rest = Substring(line.text)
            var first = true
            repeat {
                rows.append(((first ? stamp : String(repeating: " ", count: stamp.count)) + rest.prefix(room), Style(role)))
                rest = rest.dropFirst(room)
                first = false
            } while !rest.isEmpty
        }
        buffer.text(Array(rows.suffix(inner.height)), in: inner)
    }

    static func profit(_ buffer: inout Buffer, _ data: ScreenData, in rect: Rect, glyphs: Glyphs) {
        let inner = buffer.block(rect, title: "P&L", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        let snapshot = data.snapshot
        let pnl = snapshot.equity - Money(units: snapshot.equity.units - snapshot.realizedPnL.units)
        let lines: [(String, Style)] = [
            ("equity \(snapshot.equity.roundedText(fractionDigits: 2))", Style(.text, [.bold])),
            ("realised \(pnl.roundedText(fractionDigits: 2))", Style(pnl.units >= 0 ? .profit : .loss)),
            ("fees \(snapshot.fees.roundedText(fractionDigits: 2))", Style(.muted)),
        ]
        buffer.text(lines, in: inner)
        // The equity curve, with its scale on the right. The scale spans at least 1 % of
        // the equity: a 0.10 fee is not drawn as a cliff.
        guard inner.height > lines.count, let first = data.equityHistory.first, let last = data.equityHistory.last else { return }
        let area = Rect(x: inner.x, y: inner.y + lines.count, width: inner.width, height: inner.height - lines.count)
        let labelWidth = min(10, max(0, area.width - 8))
        let plot = Rect(x: area.x, y: area.y, width: area.width - labelWidth, height: area.height)
        let role: Role = last >= first ? .profit : .loss
        guard let scale = buffer.lineChart(data.equityHistory, minimumSpan: abs(last) * 0.01, in: plot, style: Style(role), glyphs: glyphs), labelWidth > 0 else { return }
        buffer.write(" " + format(scale.high, 2, fixed: true), x: plot.maxX, y: area.y, style: Style(.muted), limit: labelWidth)
        if area.height > 1 { buffer.write(" " + format(scale.low, 2, fixed: true), x: plot.maxX, y: area.maxY - 1, style: Style(.muted), limit: labelWidth) }
    }

    /// `:health`: everything that says whether trading is safe, one line each.
    static func healthOverlay(_ buffer: inout Buffer, _ data: ScreenData, _ market: KernelSnapshot.MarketLine?, glyphs: Glyphs) {
        let health = Health.of(data, market: market)
        var lines: [(String, Style)] = [
            ("health        \(health.text)", Style(health.level == .ok ? .profit : health.level == .warn ? .warning : .loss, [.bold])),
            ("trading       \(data.snapshot.tradingState.rawValue)\(data.snapshot.stateReason.map { " (\($0))" } ?? "")", Style(.text)),
            ("feed          \(data.feed ?? (data.replay != nil ? "a recording (no connection)" : "-"))", Style(.text)),
            ("feed lag      \(lagText(data.feedLagMilliseconds))", Style(.text)),
            ("events/s      \(Int(data.eventsPerSecond.rounded()))", Style(.text)),
            ("redis         \(data.redis)", Style(.text)),
            ("open orders   \(data.snapshot.openOrders.count)", Style(.text)),
            ("positions     \(data.snapshot.positions.count)", Style(.text)),
        ]
        let states = data.snapshot.markets.map { ($0.symbol, $0.bookState ?? "none") }
        let synced = states.filter { $0.1 == "synced" }.count
        let others = states.filter { $0.1 != "synced" }.map { "\($0.0) \($0.1)" }
        lines.append(("books         \(synced) of \(states.count) synced" + (others.isEmpty ? "" : ": " + others.prefix(8).joined(separator: ", ") + (others.count > 8 ? ", …" : "")), Style(others.isEmpty ? .text : .warning)))
        let width = min(buffer.width - 4, 90)
        let height = min(buffer.height - 2, lines.count + 2)
        let rect = Rect(x: (buffer.width - width) / 2, y: 1, width: width, height: height)
        buffer.fill(rect, with: Cell(" ", Style(.text)))
        let inner = buffer.block(rect, title: "Health (esc closes)", glyphs: glyphs, focused: true)
        buffer.text(lines, in: inner)
    }

    /// The end of a replay in one line: equity and its change, realised P&L and fees,
    /// round trips by strategy, the largest fall of equity from a high.
    static func endSummary(_ data: ScreenData) -> String {
        let snapshot = data.snapshot
        let start = data.equityHistory.first ?? snapshot.equity.doubleValue
        let end = snapshot.equity.doubleValue
        var peak = start
        var drawdown = 0.0
        for value in data.equityHistory {
            peak = max(peak, value)
            if peak > 0 { drawdown = max(drawdown, (peak - value) / peak * 100) }
        }
        let change = end - start
        let byStrategy = snapshot.strategies.filter { $0.trades > 0 }.map { "\($0.name) \($0.trades) \($0.netPnL.roundedText(fractionDigits: 2))" }
        let trades = snapshot.strategies.reduce(0) { $0 + $1.trades }
        return "END: equity \(format(end, 2, fixed: true)) (\(change >= 0 ? "+" : "")\(format(change, 2, fixed: true)), \(change >= 0 ? "+" : "")\(format(start > 0 ? change / start * 100 : 0, 2, fixed: true)) %), realised \(snapshot.realizedPnL.roundedText(fractionDigits: 2)), fees \(snapshot.fees.roundedText(fractionDigits: 2)), \(trades) round trip\(trades == 1 ? "" : "s")" + (byStrategy.isEmpty ? "" : " (" + byStrategy.joined(separator: ", ") + ")") + ", max drawdown \(format(drawdown, 2, fixed: true)) %; r restarts"
    }

    /// The `:` commands, for the help.
    static let commandHelp = [
        ":b 0.01 @61800   limit buy (no price: at market); :s the same to sell",
        ":s all           panic-sell every position",
        ":cancel [SYM]    cancel the open orders of one market, or all",
        ":size 0.02       the hotkeys' order size",
        ":sort 5m         sort the markets (symbol price 1m 5m 15m 1h 3h 24h volume trades/s)",
        ":filter ETH      only markets containing ETH (:filter alone: all)",
        ":speed 100       replay speed (0: flat out); :pause; :goto 12:05 (UTC)",
        ":halt  :resume   stop and restart trading (resume re-arms held exits)",
        ":kill [flat]     kill switch: cancel all and halt (flat: and sell)",
        ":theme light     colours: dark light mono high-contrast or a file",
        ":log orders      the log: all, warn, orders or detects (pgup/pgdn scroll it)",
        ":health          feed, lag, books, Redis, orders: what says trading is safe",
        ":help  :q        this help; quit",
        "(up/down recall earlier commands; left/right move in the line)",
    ]

    static func help(_ buffer: inout Buffer, keymap: Keymap, scroll: Int, glyphs: Glyphs) {
        let lines = keymap.bindings.map { binding -> (String, Style) in
            let help = AppAction(rawValue: binding.action)?.help ?? ""
            let key = binding.key.description
            return (key + String(repeating: " ", count: max(1, 8 - key.count)) + binding.action + String(repeating: " ", count: max(1, 17 - binding.action.count)) + help, Style(.text))
        } + [("", Style(.text)), ("Commands (:)", Style(.title, [.bold]))] + commandHelp.map { ($0, Style(.text)) }
        let width = min(buffer.width - 4, 84)
        let height = min(buffer.height - 2, lines.count + 2)
        let rect = Rect(x: (buffer.width - width) / 2, y: 1, width: width, height: height)
        buffer.fill(rect, with: Cell(" ", Style(.text)))
        // On a small screen it scrolls: the title says where, and how.
        let visible = max(1, height - 2)
        let first = min(max(0, scroll), max(0, lines.count - visible))
        let position = lines.count > visible ? " \(first + 1)-\(min(lines.count, first + visible))/\(lines.count), up/down scroll," : ""
        let inner = buffer.block(rect, title: "Help: keys of \(keymap.name)\(position) esc closes", glyphs: glyphs, focused: true)
        buffer.text(Array(lines.dropFirst(first).prefix(visible)), in: inner)
    }

    /// The markets in the table's order; selection follows the same order.
    public static func orderedMarkets(_ sort: MarketSort, _ data: ScreenData, filter: String = "") -> [KernelSnapshot.MarketLine] {
        let markets = filter.isEmpty ? data.snapshot.markets : data.snapshot.markets.filter { $0.symbol.contains(filter) }
        func key(_ market: KernelSnapshot.MarketLine) -> Double {
            switch sort {
            case .symbol: return 0
            case .price: return market.lastPrice?.doubleValue ?? 0
            case .delta1m: return market.deltas.oneMinute ?? 0
            case .delta5m: return market.deltas.fiveMinutes ?? 0
            case .delta15m: return market.deltas.fifteenMinutes ?? 0
            case .delta1h: return market.deltas.oneHour ?? 0
            case .delta3h: return market.deltas.threeHours ?? 0
            case .delta24h: return data.dayTickers[market.symbol]?.delta ?? market.deltas.day ?? 0
            case .hourVolume: return market.hourVolume
            case .volume: return data.dayVolume(of: market)
            case .tradesPerSecond: return market.tradesPerSecond ?? 0
            }
        }
        guard sort != .symbol else { return markets }
        return markets.sorted { key($0) != key($1) ? key($0) > key($1) : $0.symbol < $1.symbol }
    }

    // MARK: - Formatting

    static func clock(_ time: Timestamp, milliseconds: Bool = false) -> String {
        let date = UTCDateTime(time)
        let text = "\(date.year)-\(pad(date.month))-\(pad(date.day)) \(pad(date.hour)):\(pad(date.minute)):\(pad(date.second))"
        guard milliseconds else { return text }
        let millis = Int(((time.nanoseconds % 1_000_000_000) + 1_000_000_000) % 1_000_000_000 / 1_000_000)
        return text + "." + (millis < 10 ? "00" : millis < 100 ? "0" : "") + String(millis)
    }

    /// `6m05s`, `1h02m`, `42s`.
    static func duration(_ nanoseconds: Int64) -> String {
        let seconds = Int(nanoseconds / 1_000_000_000)
        if seconds >= 3600 { return "\(seconds / 3600)h" + pad(seconds % 3600 / 60) + "m" }
        if seconds >= 60 { return "\(seconds / 60)m" + pad(seconds % 60) + "s" }
        return "\(seconds)s"
    }

    /// `12:06:11`.
    static func clockTime(_ time: Timestamp) -> String {
        let date = UTCDateTime(time)
        return "\(pad(date.hour)):\(pad(date.minute)):\(pad(date.second))"
    }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func format(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return String(rounded)
    }

    static func compact(_ value: Double) -> String {
        if value >= 1e9 { return format(value / 1e9, 1) + "B" }
        if value >= 1e6 { return format(value / 1e6, 1) + "M" }
        if value >= 1e3 { return format(value / 1e3, 1) + "K" }
        return format(value, 0)
    }
}
