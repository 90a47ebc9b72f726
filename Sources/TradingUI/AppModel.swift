import TUIKit

/// The screen's own state: what is selected and open. Pure: `update` changes it from
/// keys and says what the engine should do.
public struct AppModel: Sendable {
    /// The coin the markets table's cursor is on, which the hotkeys trade. Held by
    /// name, not by row: a re-sort or a new listing moves rows, never the cursor to
    /// another coin. Nil until the first market appears (``settle(_:)``).
    public var selectedSymbol: String?
    public var selectedStrategy = 0
    public var showHelp = false
    /// The `:` command line being typed, if open.
    public var commandLine: String?
    /// Where the cursor is in the command line (characters from its start).
    public var commandCursor = 0
    /// The commands run, oldest first (up and down recall them).
    public var commandHistory: [String] = []
    /// Which of them is recalled (nil: the line being typed).
    var historyIndex: Int?
    /// The first help line shown (the help scrolls on a small screen).
    public var helpScroll = 0
    /// Quitting with positions open asks first.
    public var confirmingQuit = false
    /// The kill switch asks once: y (keep positions) or f (flatten them too).
    public var confirmingKill = false
    public var status: String?
    /// The preset order size, as typed (the quantity of the buy/sell hotkeys).
    public var orderSize: String
    /// The markets table's sort column.
    public var sort = MarketSort.symbol
    /// Only markets whose symbol contains this text (`:filter TEXT`; empty: all).
    public var marketFilter = ""
    /// Candles instead of the price line.
    public var showCandles = false
    /// The `:health` overlay is open.
    public var showHealth = false
    /// Which log lines the log panel shows (`:log KIND`).
    public var logFilter = LogFilter.all
    /// How many lines back the log panel is scrolled (pgup/pgdn; 0: the newest).
    public var logScroll = 0
    /// The end-of-replay summary was put on the status row.
    var announcedEnd = false

    /// The order size the session started with: the size-preset keys are multiples of it.
    public let baseOrderSize: String

    public init(orderSize: String = "0.01") {
        self.orderSize = orderSize
        baseOrderSize = orderSize
    }

    /// `multiple` × the starting size, with the starting size's decimals.
    func presetSize(_ multiple: Int) -> String? {
        guard let base = Double(baseOrderSize), base > 0 else { return nil }
        let decimals = baseOrderSize.split(separator: ".").dropFirst().first?.count ?? 0
        return Screen.format(base * Double(multiple), decimals, fixed: true)
    }

    public static let speeds = [1, 2, 5, 10, 100, 1000, 0]

    /// Applies one key. Returns what the engine should do.
    public mutating func update(key: Key, keymap: Keymap, data: ScreenData) -> [AppCommand] {
        settle(data)
        let markets = Screen.orderedMarkets(sort, data, filter: marketFilter).map(\.symbol)
        let selected = selectedSymbol.flatMap { markets.firstIndex(of: $0) }
        let symbol = selected.map { markets[$0] } ?? ""
        if confirmingKill {
            confirmingKill = false
            switch key {
            case .character("y"), .character("Y"): return [.killSwitch(flatten: false)]
            case .character("f"), .character("F"): return [.killSwitch(flatten: true)]
            default:
                status = "kill switch not pulled"
                return []
            }
        }
        if confirmingQuit {
            confirmingQuit = false
            if key == .character("y") || key == .character("Y") { return [.quit] }
            status = "quit cancelled"
            return []
        }
        if let line = commandLine {
            return editCommand(line, key: key, symbol: symbol)
        }
        if showHealth, key == .escape {
            showHealth = false
            return []
        }
        // The log scrolls with pgup/pgdn when nothing else takes them.
        if !showHelp, keymap.action(for: key) == nil, key == .pageUp || key == .pageDown {
            logScroll = max(0, logScroll + (key == .pageUp ? 5 : -5))
            status = logScroll == 0 ? "log: newest" : "log: \(logScroll) lines back (pgdn returns)"
            return []
        }
        if showHelp {
            switch key {
            case .escape:
                showHelp = false
                return []
            case .down: helpScroll += 1; return []
            case .up: helpScroll = max(0, helpScroll - 1); return []
            case .pageDown: helpScroll += 10; return []
            case .pageUp: helpScroll = max(0, helpScroll - 10); return []
            default: break
            }
        }
        guard let name = keymap.action(for: key), let action = AppAction(rawValue: name) else { return [] }
        status = nil
        if [.buy, .sell, .cancelAll, .panicSell].contains(action), selected == nil {
            // Never trade a coin the trader did not pick: the one picked is gone.
            status = selectedSymbol.map { "\($0) is no longer in the markets table: pick a market; nothing sent" } ?? "no market yet: nothing sent"
            return []
        }
        switch action {
        case .buy: return [.order(side: .buy, quantity: orderSize, price: nil, symbol: symbol)]
        case .sell: return [.order(side: .sell, quantity: orderSize, price: nil, symbol: symbol)]
        case .cancelAll: return [.cancelAll(symbol: symbol)]
        case .panicSell: return [.panicSell(symbol: symbol)]
        case .killSwitch: confirmingKill = true
        case .nextMarket:
            if !markets.isEmpty { selectedSymbol = markets[selected.map { ($0 + 1) % markets.count } ?? 0] }
        case .previousMarket:
            if !markets.isEmpty { selectedSymbol = markets[selected.map { ($0 + markets.count - 1) % markets.count } ?? 0] }
        case .nextStrategy:
            let count = data.snapshot.strategies.count
            if count > 0 { selectedStrategy = (selectedStrategy + 1) % count }
        case .toggleStrategy:
            let strategies = data.snapshot.strategies
            if !strategies.isEmpty { return [.toggleStrategy(name: strategies[min(selectedStrategy, strategies.count - 1)].name)] }
        case .pause: return [.togglePause]
        case .speedUp, .speedDown:
            let current = data.replay?.speed ?? 1
            let index = Self.speeds.firstIndex(of: current) ?? 0
            let next = action == .speedUp ? min(index + 1, Self.speeds.count - 1) : max(index - 1, 0)
            return [.setSpeed(Self.speeds[next])]
        case .step: return [.step]
        case .stepSecond: return [.stepSecond]
        case .jumpMinute: return [.jumpMinute]
        case .jumpFill: return [.jumpToNextFill]
        case .jumpEvent: return [.jumpToNextEvent]
        case .chartMode:
            showCandles.toggle()
        case .sortMarkets:
            let all = MarketSort.allCases
            sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
            status = "markets sorted by \(sort.rawValue)"
        case .restart: return [.restart]
        case .size1, .size2, .size3, .size4:
            guard let size = presetSize(action.sizeMultiple!) else { return [] }
            orderSize = size
            status = "order size \(size)"
        case .help:
            showHelp.toggle()
            helpScroll = 0
        case .command:
            commandLine = ""
            commandCursor = 0
            historyIndex = nil
        case .quit:
            if data.snapshot.positions.isEmpty { return [.quit] }
            confirmingQuit = true
        }
        return []
    }

    /// One key on the open command line: typing and deleting at the cursor, left and
    /// right moving it, up and down recalling earlier commands, Enter running it.
    mutating func editCommand(_ given: String, key: Key, symbol: String) -> [AppCommand] {
        var line = Array(given)
        var cursor = min(max(0, commandCursor), line.count)
        switch key {
        case .enter:
            commandLine = nil
            let text = String(line)
            if !text.trimmingCharacters(in: " ").isEmpty, commandHistory.last != text {
                commandHistory.append(text)
                if commandHistory.count > 100 { commandHistory.removeFirst() }
            }
            historyIndex = nil
            return runCommand(text, symbol: symbol)
        case .escape:
            commandLine = nil
            historyIndex = nil
            return []
        case .backspace:
            if line.isEmpty {
                commandLine = nil
                return []
            }
            if cursor > 0 {
                line.remove(at: cursor - 1)
                cursor -= 1
            }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(line.count, cursor + 1)
        case .up, .down:
            guard !commandHistory.isEmpty else { return [] }
            let last = commandHistory.count - 1
            let index: Int? = key == .up ? max(0, (historyIndex ?? commandHistory.count) - 1) : historyIndex.flatMap { $0 < last ? $0 + 1 : nil }
            historyIndex = index
            line = Array(index.map { commandHistory[$0] } ?? "")
            cursor = line.count
        case .character(let character):
            line.insert(character, at: cursor)
            cursor += 1
        default:
            break
        }
        commandLine = String(line)
        commandCursor = cursor
        return []
    }

    /// Ctrl-C: quits like `q` (asking first when positions are open); a second Ctrl-C
    /// while asking quits. True when the screen should close now.
    public mutating func interrupt(_ data: ScreenData) -> Bool {
        if confirmingQuit || data.snapshot.positions.isEmpty { return true }
        confirmingQuit = true
        return false
    }

    /// Pins the cursor to the first row's coin once a market is there, so it stays
    /// on that coin when rows move (call with each new frame).
    public mutating func settle(_ data: ScreenData) {
        // A replay that just ended says how it went, as its backtest report would.
        if data.replay?.finished == true {
            if !announcedEnd {
                announcedEnd = true
                status = Screen.endSummary(data)
            }
        } else {
            announcedEnd = false
        }
        guard selectedSymbol == nil, let first = Screen.orderedMarkets(sort, data, filter: marketFilter).first else { return }
        selectedSymbol = first.symbol
    }

    /// The command line's short grammar:
    /// `b 0.01 @61800` (limit buy), `b 0.01` (market), `s 0.01 @61900`, `s all` (panic
    /// sell), `cancel [SYMBOL]`, `speed N` (0 = flat out), `goto HH:MM`, `pause`,
    /// `halt`, `resume`, `kill` (kill switch, positions kept), `kill flat` (and
    /// flatten), `size 0.02`, `filter ETH` (`filter` alone: all markets), `q`.
    mutating func runCommand(_ line: String, symbol: String) -> [AppCommand] {
        let words = line.split(separator: " ").map(String.init)
        guard let verb = words.first?.lowercased() else { return [] }
        switch verb {
        case "b", "buy", "s", "sell":
            let side: AppCommand.SideChoice = verb.hasPrefix("b") ? .buy : .sell
            if side == .sell, words.count == 2, words[1].lowercased() == "all" { return [.panicSell(symbol: nil)] }
            guard words.count >= 2 else { status = "usage: \(verb) QTY [@PRICE]"; return [] }
            let price = words.count >= 3 ? String(words[2].drop { $0 == "@" }) : nil
            return [.order(side: side, quantity: words[1], price: price, symbol: symbol)]
        case "cancel":
            return [.cancelAll(symbol: words.count >= 2 ? words[1].uppercased() : nil)]
        case "speed":
            guard words.count == 2, let speed = Int(words[1].trimmingCharacters(in: "x")), speed >= 0 else { status = "usage: speed N (0 = flat out)"; return [] }
            return [.setSpeed(speed)]
        case "goto":
            let parts = words.count == 2 ? words[1].split(separator: ":") : []
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else {
                status = "usage: goto HH:MM (UTC)"
                return []
            }
            return [.jumpTo(hour: hour, minute: minute)]
        case "pause": return [.togglePause]
        case "halt": return [.halt]
        case "resume": return [.resume]
        case "kill":
            if words.count == 1 { return [.killSwitch(flatten: false)] }
            if words.count == 2, ["flat", "flatten"].contains(words[1].lowercased()) { return [.killSwitch(flatten: true)] }
            status = "usage: kill [flat]"
            return []
        case "filter":
            // Narrows the table; the cursor goes to the first match unless it is on one.
            marketFilter = words.dropFirst().joined(separator: " ").uppercased()
            status = marketFilter.isEmpty ? "markets: all" : "markets containing \(marketFilter)"
            if let symbol = selectedSymbol, !marketFilter.isEmpty, !symbol.contains(marketFilter) { selectedSymbol = nil }
            return []
        case "size":
            guard words.count == 2 else { status = "usage: size QTY"; return [] }
            // A size the hotkeys would send as a bad order is refused here, at once.
            guard let size = Double(words[1]), size.isFinite, size > 0 else {
                status = "size must be a positive number of coins, not '\(words[1])': still \(orderSize)"
                return []
            }
            orderSize = words[1]
            status = "order size \(orderSize)"
            return []
        case "sort":
            let named = words.count == 2 ? words[1].lowercased() : ""
            // `volume` (as before the hourly column came) is the 24h volume.
            guard words.count == 2, let column = ["vol", "volume"].contains(named) ? .volume : MarketSort(rawValue: named) ?? MarketSort.allCases.first(where: { $0.rawValue.hasPrefix(named) }) else {
                status = "usage: sort " + MarketSort.allCases.map(\.rawValue).joined(separator: "|")
                return []
            }
            sort = column
            status = "markets sorted by \(sort.rawValue)"
            return []
        case "help", "h":
            showHelp = true
            helpScroll = 0
            return []
        case "health":
            showHealth.toggle()
            return []
        case "log":
            guard words.count <= 2, let filter = words.count == 2 ? LogFilter(rawValue: words[1].lowercased()) : .all else {
                status = "usage: log " + LogFilter.allCases.map(\.rawValue).joined(separator: "|")
                return []
            }
            logFilter = filter
            logScroll = 0
            status = "log: \(filter.rawValue)"
            return []
        case "theme":
            guard words.count == 2 else { status = "usage: theme dark|light|mono|high-contrast|PATH"; return [] }
            return [.setTheme(words[1])]
        case "q", "quit": return [.quit]
        default:
            status = "unknown command '\(verb)'"
            return []
        }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(self.filter { $0 != set })
    }
}

/// What the markets table is sorted by (largest first, but the symbol A-Z).
public enum MarketSort: String, CaseIterable, Sendable {
    case symbol, price, delta1m = "1m", delta5m = "5m", delta15m = "15m", delta1h = "1h", delta3h = "3h", delta24h = "24h", hourVolume = "1h-vol", volume = "24h-vol", tradesPerSecond = "trades/s"
}
