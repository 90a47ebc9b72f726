/// Everything a key can be bound to, with the help text the overlay shows.
public enum AppAction: String, CaseIterable, Sendable {
    case buy, sell, cancelAll = "cancel-all", panicSell = "panic-sell", killSwitch = "kill-switch"
    case nextMarket = "next-market", previousMarket = "previous-market"
    case nextStrategy = "next-strategy", toggleStrategy = "toggle-strategy"
    case pause, speedUp = "speed-up", speedDown = "speed-down", step, stepSecond = "step-second"
    case jumpMinute = "jump-minute", jumpFill = "jump-fill", jumpEvent = "jump-event", restart
    case sortMarkets = "sort-markets", chartMode = "chart-mode"
    case help, command, quit
    case size1 = "size-1", size2 = "size-2", size3 = "size-3", size4 = "size-4"

    /// What a size-preset key multiplies the starting order size by.
    public var sizeMultiple: Int? {
        switch self {
        case .size1: return 1
        case .size2: return 2
        case .size3: return 5
        case .size4: return 10
        default: return nil
        }
    }

    public var help: String {
        switch self {
        case .buy: return "buy the preset size at market"
        case .sell: return "sell the preset size at market"
        case .cancelAll: return "cancel the open orders of this market"
        case .panicSell: return "panic-sell this market's position"
        case .killSwitch: return "kill switch: cancel every order and halt (asks: y keeps positions, f flattens)"
        case .nextMarket: return "next market"
        case .previousMarket: return "previous market"
        case .nextStrategy: return "select the next strategy"
        case .toggleStrategy: return "switch the selected strategy on/off"
        case .pause: return "pause / resume the replay"
        case .speedUp: return "replay faster (1x 2x 5x 10x 100x 1000x max)"
        case .speedDown: return "replay slower"
        case .step: return "step one event (paused)"
        case .stepSecond: return "step one second (paused)"
        case .jumpMinute: return "jump forward one minute"
        case .jumpFill: return "jump to the next fill"
        case .jumpEvent: return "jump to the next detect or risk event"
        case .sortMarkets: return "sort the markets by the next column"
        case .chartMode: return "chart: price line or candles"
        case .restart: return "restart the replay"
        case .help: return "show / hide this help"
        case .command: return "command line (b 0.01 @61800, s all, cancel, size 0.02, sort 5m, :help lists all)"
        case .quit: return "quit (asks first with positions open)"
        case .size1, .size2, .size3, .size4: return "order size: the starting size ×\(sizeMultiple!)"
        }
    }

    public static var names: Set<String> { Set(allCases.map(\.rawValue)) }
}

/// What the screen asks the engine to do.
public enum AppCommand: Hashable, Sendable {
    case quit
    case order(side: SideChoice, quantity: String?, price: String?, symbol: String)
    case panicSell(symbol: String?)
    case cancelAll(symbol: String?)
    case toggleStrategy(name: String)
    case setSpeed(Int)
    case togglePause
    case step
    case stepSecond
    case jumpMinute
    case jumpToNextFill
    case jumpToNextEvent
    case jumpTo(hour: Int, minute: Int)
    case restart
    case halt
    case resume
    /// Cancel every order, halt, and flatten or leave positions without orders.
    case killSwitch(flatten: Bool)
    /// Draw with another theme from now on (`:theme NAME`): the screen loads it.
    case setTheme(String)

    public enum SideChoice: String, Hashable, Sendable { case buy, sell }
}
