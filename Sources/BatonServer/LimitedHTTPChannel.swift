import BatonHTTP
import Foundation
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Hummingbird's HTTP/1 connections, at most `maximumConnections` open at once: a connection beyond them gets
/// a `503` with `Retry-After` and is closed at once, so idle or slow clients cannot use up the process's file
/// descriptors (after which nothing, not even `/health`, could be accepted) and the accept loop never stalls.
struct LimitedHTTPChannel: ServerChildChannel {
    /// An accepted connection: served over HTTP, or refused (nil), in which case it is already closing.
    struct Connection: ServerChildChannelValue {
        let channel: any Channel
        let http: HTTP1Channel.Value?
    }

    let http: HTTP1Channel
    let maximumConnections: Int
    let openConnections = OpenConnections()

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        guard openConnections.open(below: maximumConnections) else {
            logger.debug("Connection refused: the server has its maximum of open connections",
                           metadata: ["baton.connections.maximum": "\(maximumConnections)"])
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefusingHandler())
                return Connection(channel: channel, http: nil)
            }
        }
        let openConnections = self.openConnections
        channel.closeFuture.whenComplete { _ in openConnections.close() }
        return http.setup(channel: channel, logger: logger).map { Connection(channel: channel, http: $0) }
    }

    func handle(value: Connection, logger: Logger) async {
        guard let connection = value.http else { return }
        await http.handle(value: connection, logger: logger)
    }
}

/// How many connections are open.
final class OpenConnections: Sendable {
    private let count = Mutex(0)

    /// Counts a new connection and returns true if fewer than `maximum` were open; otherwise returns false.
    func open(below maximum: Int) -> Bool {
        count.withLock { count in
            guard count < maximum else { return false }
            count += 1
            return true
        }
    }

    /// Counts a connection that closed.
    func close() {
        count.withLock { $0 -= 1 }
    }
}

/// Answers a connection beyond the limit with a retryable 503 as soon as it opens, and closes it.
private final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let reply: String = {
        let body = #"{"status":503,"message":"The server has as many connections open as it allows; "#
            + #"retry shortly","retryable":true}"#
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
    }()

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
    }

    private func refuse(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Self.reply)), promise: nil)
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
