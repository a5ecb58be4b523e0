import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The load generator's HTTP/1.1 client for its raw calls: keep-alive connections to one host, one request at a
/// time on each, the answer's status and body and nothing else. AsyncHTTPClient (which Baton's SDK uses, and
/// the worker-host phases with it) spent most of the load generator's CPU per request in its pool's and
/// request's state machines — CPU the generator takes from the server it measures on a shared machine.
final class LeanHTTPClient: Sendable {
    private let host: String
    private let port: Int
    private let group: any EventLoopGroup
    private let idle = Mutex<[any Channel]>([])

    init(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.group = group
    }

    /// Sends one request and returns the answer's status and body; throws when no answer came within `timeout`.
    func call(_ method: HTTPMethod, _ path: String, body: String?, timeout: TimeAmount) async throws -> (status: Int, body: String) {
        let channel = try await connection()
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        let bodyBuffer = body.map { ByteBuffer(string: $0) }
        if let bodyBuffer {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(bodyBuffer.readableBytes))
        } else if method == .POST || method == .PUT {
            head.headers.add(name: "Content-Length", value: "0")
        }
        let answer = channel.eventLoop.makePromise(of: Answer.self)
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        channel.writeAndFlush(Exchange(head: head, body: bodyBuffer, answer: answer), promise: nil)
        do {
            let reply = try await answer.futureResult.get()
            deadline.cancel()
            if reply.keepAlive { idle.withLock { $0.append(channel) } } else { channel.close(promise: nil) }
            return (reply.status, reply.body)
        } catch {
            deadline.cancel()
            channel.close(promise: nil)
            throw error
        }
    }

    /// Closes the idle connections.
    func shutdown() {
        for channel in idle.withLock({ idle in defer { idle.removeAll() }; return idle }) { channel.close(promise: nil) }
    }

    /// An idle open connection, or a new one.
    private func connection() async throws -> any Channel {
        while let channel = idle.withLock({ $0.popLast() }) {
            if channel.isActive { return channel }
        }
        return try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: host, port: port).get()
    }
}

/// A request and where its answer goes.
private struct Exchange: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let answer: EventLoopPromise<Answer>
}

private struct Answer: Sendable {
    let status: Int
    let body: String
    let keepAlive: Bool
}

/// Writes an `Exchange`'s request and completes its promise with the answer (or the connection's failure).
private final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: EventLoopPromise<Answer>?
    private var status = 0
    private var keepAlive = true
    private var body: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        pending = exchange.answer
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            keepAlive = head.isKeepAlive
            body = nil
        case .body(var part):
            if body == nil { body = part } else { body?.writeBuffer(&part) }
        case .end:
            let answer = Answer(status: status, body: body.map { String(buffer: $0) } ?? "", keepAlive: keepAlive)
            body = nil
            pending.take()?.succeed(answer)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending.take()?.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending.take()?.fail(error)
        context.close(promise: nil)
    }
}
