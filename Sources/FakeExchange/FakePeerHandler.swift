import NIOCore
import NIOWebSocket

/// One WebSocket client of the fake exchange: unmasked frames end the connection
/// (RFC 6455 §5.1, as Binance does), pings are answered, pongs counted, a close or a
/// dropped connection takes the client off every list; text goes by role.
final class FakePeerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    enum Role {
        /// Binance combined streams: the streams are in the URL, text is not expected.
        case binanceStreams
        /// Gate.io v4: subscriptions and pings come as text.
        case gateStreams
        /// Binance's WebSocket API: requests (the user-data subscription) as text.
        case webSocketAPI
        /// USD-M's listen-key stream: events out, nothing expected in.
        case futuresUserData
    }

    weak var exchange: FakeExchange?
    let role: Role

    init(exchange: FakeExchange, role: Role) {
        self.exchange = exchange
        self.role = role
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.maskKey != nil else {
            exchange?.unmaskedClientFrames.add(1, ordering: .relaxed)
            var reason = context.channel.allocator.buffer(capacity: 2)
            reason.write(webSocketErrorCode: .protocolError)
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reason)), promise: nil)
            context.close(promise: nil)
            return
        }
        switch frame.opcode {
        case .text:
            var bytes = frame.unmaskedData
            guard let text = bytes.readString(length: bytes.readableBytes), let exchange else { return }
            let answer: String?
            switch role {
            case .binanceStreams, .futuresUserData: answer = nil
            case .gateStreams: answer = exchange.answerGate(text, channel: context.channel)
            case .webSocketAPI: answer = exchange.answerWebSocketAPI(text, channel: context.channel)
            }
            if let answer {
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: answer))), promise: nil)
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            exchange?.pongsReceived.add(1, ordering: .relaxed)
        case .connectionClose:
            exchange?.forget(context.channel)
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.forget(context.channel)
        context.fireChannelInactive()
    }
}
