import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// SIGTERM stops `baton server` cleanly: it exits 0 and leaves the SQLite database closed, one file without its
/// write-ahead log (`-wal`) or the log's index (`-shm`), with every acknowledged write in it.
@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    @Test("after SIGTERM the server has exited 0 and the database is one file, holding what was written")
    func sigtermClosesTheDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("baton.sqlite").path

        let server = try await ServerProcess.start(database: database)
        let definition = #"{"name":"stopped","version":1,"tasks":[{"name":"work","taskReferenceName":"work"}]}"#
        #expect(try await server.client.send(.POST, "/api/metadata/workflow", body: definition).status == 200)
        let started = try await server.client.send(.POST, "/api/workflow/stopped", body: "{}")
        try #require(started.status == 200, "\(started.text)")
        #expect(FileManager.default.fileExists(atPath: database + "-wal"))
        #expect(server.terminate() == 0, "graceful shutdown on SIGTERM should exit 0: \(server.log)")
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"), "the -wal file remains")
        #expect(!FileManager.default.fileExists(atPath: database + "-shm"), "the -shm file remains")

        let restarted = try await ServerProcess.start(database: database)
        defer { restarted.terminate() }
        #expect(try await restarted.client.get("/api/workflow/\(started.text)").status == 200)
    }
}
