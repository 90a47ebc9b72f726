import MarketModel
import Trading

func price(_ text: String) -> Price { try! Price(parsing: text) }
func quantity(_ text: String) -> Quantity { try! Quantity(parsing: text) }
func money(_ text: String) -> Money { try! Money(parsing: text) }
func at(_ seconds: Double) -> Timestamp { Timestamp(nanoseconds: Int64(seconds * 1e9)) }

func fill(_ id: UInt64 = 1, _ side: Side, _ quantityText: String, at priceText: String, fee: String = "0", time: Double = 0, symbol: String = "BTCUSDT", liquidation: Bool = false) -> Fill {
    Fill(orderID: ClientOrderID(id), symbol: symbol, side: side, price: price(priceText), quantity: quantity(quantityText), fee: money(fee), liquidity: .taker, time: at(time), isLiquidation: liquidation)
}
