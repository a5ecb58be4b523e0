public import BatonEngine
public import BatonServer
import Foundation
import Logging

/// A Baton server running in this process on a free port, with a fresh SQLite file and a manual clock.
public struct RunningServer: Sendable {
    /// The server's base URL, e.g. `http://127.0.0.1:54321`.
    public let baseURL: String
    /// The engine behind the server, for driving time-based behaviour directly.
    public let engine: Engine
    /// The clock the engine reads; advance it to make timeouts and waits due.
    public let clock: ManualClock
    /// An HTTP client for the server's API.
    public let client: TestHTTPClient
    /// The server's database (an SQLite file path unless the test configured otherwise).
    public let database: String

    /// Decides every workflow whose wake-up time has come, as the sweeper would.
    public func sweep() async {
        await Sweeper(engine: engine).sweepOnce()
    }
}

/// Runs `body` against a fresh in-process server, then stops it and deletes its database.
///
/// - Parameter configure: changes the server's configuration before it starts (auth, limits, a PostgreSQL
///   `database` URL instead of the SQLite file).
public func withRunningServer<Result: Sendable>(
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningServer) async throws -> Result
) async throws -> Result {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let clock = ManualClock()
    var configuration = ServerConfiguration(port: 0, database: directory.appendingPathComponent("baton.sqlite").path,
                                            logLevel: .critical, sqliteDurability: "NORMAL")
    configuration.sweepInterval = .seconds(3600)
    configure(&configuration)
    let application = try await BatonApplication.open(configuration: configuration, clock: clock)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        group.addTask {
            try await application.run(handleSignals: false) { boundPort in
                readyContinuation.yield(boundPort)
                readyContinuation.finish()
            }
        }
        var iterator = ready.makeAsyncIterator()
        guard let boundPort = await iterator.next() else { throw TestHarnessError("The server did not start") }
        let base = "http://127.0.0.1:\(boundPort)"
        let server = RunningServer(baseURL: base, engine: application.engine, clock: clock,
                                   client: TestHTTPClient(baseURL: base), database: configuration.database)
        do {
            let result = try await body(server)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// A failure of the test harness itself.
public struct TestHarnessError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
