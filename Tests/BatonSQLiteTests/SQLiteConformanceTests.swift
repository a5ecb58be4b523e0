import BatonSQLite
import BatonStoreConformance
import Foundation
import Testing

/// Runs the backend-agnostic store conformance suite against SQLite files.
@Suite("SQLite store conformance")
struct SQLiteConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func conforms(_ conformanceCase: ConformanceCase) async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path)
            do {
                try await conformanceCase.run(store)
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        }
    }
}

/// Runs `body` with a new, empty directory that is removed afterwards.
func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("baton-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}
