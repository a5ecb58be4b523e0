@testable import BatonPostgres
import BatonModel
import BatonPersistence
import BatonStoreConformance
import Foundation
import Testing

/// The PostgreSQL server the tests use (`scripts/test` starts one), or nil to skip them.
let testDatabaseURL: String? = {
    guard let url = ProcessInfo.processInfo.environment["BATON_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
    return url
}()

/// Runs the backend-agnostic store conformance suite against PostgreSQL, each case in a fresh schema.
@Suite("PostgreSQL store conformance", .enabled(if: testDatabaseURL != nil, "set BATON_TEST_POSTGRES_URL to run"))
struct PostgresConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func conforms(_ conformanceCase: ConformanceCase) async throws {
        try await withFreshStore { store in try await conformanceCase.run(store) }
    }
}

/// Runs `body` with a store on a new, empty schema that is dropped afterwards.
func withFreshStore(maximumConnections: Int = 6, payloads: PayloadLimits = PayloadLimits(),
                    _ body: (PostgresStore) async throws -> Void) async throws {
    let url = try #require(testDatabaseURL)
    var configuration = try PostgresStore.Configuration(url: url)
    configuration.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    configuration.maximumConnections = maximumConnections
    let store = try await PostgresStore(configuration: configuration, payloads: payloads)
    do {
        try await body(store)
    } catch {
        try? await store.dropSchemaForTesting()
        try? await store.close()
        throw error
    }
    try await store.dropSchemaForTesting()
    try await store.close()
}
