public import Hummingbird
import Logging
import ServiceLifecycle

/// A bare Hummingbird server on a free loopback port, for answers a Baton server would not give.
public final class StubServer: Sendable {
    public let baseURL: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(baseURL: String, group: ServiceGroup, running: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.group = group
        self.running = running
    }

    /// Starts serving `router`; returns once the server listens.
    public static func start(_ router: Router<BasicRequestContext>) async throws -> StubServer {
        let port = AsyncStream.makeStream(of: Int.self)
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in
                                          port.continuation.yield(channel.localAddress?.port ?? 0)
                                          port.continuation.finish()
                                      }, logger: Logger(label: "stub-server", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        var iterator = port.stream.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw TestHarnessError("The stub server did not start") }
        return StubServer(baseURL: "http://127.0.0.1:\(bound)", group: group, running: running)
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
