import BatonServer
import BatonTesting
import Foundation

/// The stores a test runs on: SQLite always, PostgreSQL when `BATON_TEST_POSTGRES_URL` names a server
/// (`scripts/test` starts one). Each PostgreSQL run gets a schema of its own.
enum TestStore: String, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    /// The PostgreSQL server to use, if any.
    static let postgresURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["BATON_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    /// SQLite, and PostgreSQL when a server is given.
    static let available: [TestStore] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    var description: String { rawValue }

    /// Points the configuration at this store: a fresh schema on PostgreSQL, the default SQLite file otherwise.
    func configure(_ configuration: inout ServerConfiguration) {
        guard self == .postgres, let base = Self.postgresURL else { return }
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        configuration.database = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)&pool_size=4"
    }
}

/// Runs `body` against a fresh in-process server on `store`.
func withRunningServer<Result: Sendable>(on store: TestStore,
                                         _ body: @Sendable (RunningServer) async throws -> Result) async throws -> Result {
    try await withRunningServer(configure: { store.configure(&$0) }, body)
}
