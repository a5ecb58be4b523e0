import BatonEngine
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import GRDB
import NIOHTTP1
import Testing

/// What clients see while the database cannot take writes, and that the server recovers by itself.
@Suite("Overload")
struct OverloadTests {
    @Test("while another process holds the database's write lock, writes get a retryable 503; then they work again")
    func lockedDatabase() async throws {
        try await withRunningServer(configure: { $0.sqliteBusyTimeout = .milliseconds(200) }) { server in
            try await server.registerChain("flow", refs: ["a"])
            let first = try await server.start("flow")
            let second = try await server.start("flow")
            let tasks = try await server.client.get("/api/tasks/poll/batch/work?count=2&timeout=10").decode([BatonModel.TaskExecution].self)
            try #require(tasks.count == 2)
            let results = "[" + tasks.map {
                #"{"workflowInstanceId":"\#($0.workflowInstanceId)","taskId":"\#($0.taskId)","status":"COMPLETED"}"#
            }.joined(separator: ",") + "]"
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let intruder = try DatabaseQueue(path: server.database, configuration: configuration)
            try await intruder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE TRANSACTION") }
            // A batch of results is refused as a whole, retryable, not answered result by result.
            let refusedBatch = try await server.client.send(.POST, "/api/tasks/batch", body: results)
            #expect(refusedBatch.status == 503, "\(refusedBatch.text)")
            #expect(try refusedBatch.object()["retryable"] as? Bool == true)
            let refused = try await server.client.send(.POST, "/api/workflow/flow", body: "{}")
            #expect(refused.status == 503, "\(refused.text)")
            let body = try refused.object()
            #expect(body["retryable"] as? Bool == true)
            #expect(body["status"] as? Int == 503)
            #expect(refused.headers.first(name: "Retry-After") != nil)
            // Reads still work from the WAL snapshot.
            #expect(try await server.client.get("/api/metadata/workflow/flow").status == 200)
            // Each refusal is counted by its cause.
            let metrics = try await server.client.get("/metrics").text
            #expect(metrics.contains(#"baton_store_failures_total{cause="lock_timeout"}"#), "\(metrics)")
            try await intruder.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            let accepted = try await server.client.send(.POST, "/api/workflow/flow", body: "{}")
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(try await server.workflow(accepted.text).status == .running)
            #expect(try await server.client.get("/api/workflow/search").decode(SearchResult<WorkflowSummary>.self).totalHits == 3,
                    "the refused start left a workflow behind")
            // The refused batch, retried, records every result.
            let retried = try await server.client.send(.POST, "/api/tasks/batch", body: results)
            #expect(try retried.decode(BulkResponse.self).bulkSuccessfulResults.count == 2, "\(retried.text)")
            #expect(try await server.workflow(first).status == .completed)
            #expect(try await server.workflow(second).status == .completed)
        }
    }

    @Test("a claim that waited for the database hands out a whole lease: its time is when it ran, not when it was asked")
    func leaseStartsWhenTheClaimRuns() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"lease_work","retryCount":1,"responseTimeoutSeconds":10}]"#)
            try await server.registerWorkflow(#"{"name":"lease_flow","tasks":[{"name":"lease_work","taskReferenceName":"w"}]}"#)
            let id = try await server.start("lease_flow")
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let intruder = try DatabaseQueue(path: server.database, configuration: configuration)
            try await intruder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE TRANSACTION") }
            // The poll's claim waits for the lock (up to the 10 s busy timeout) while 20 s pass on the server's clock.
            async let polled = server.poll("lease_work")
            try await Task.sleep(for: .milliseconds(300))
            server.clock.advance(by: 20_000)
            try await intruder.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            let task = try #require(try await polled, "the claim was refused instead of waiting")
            #expect(task.updateTime == server.clock.now(), "the lease starts when the claim ran")
            await server.sweep()
            let workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.status) == [.inProgress], "a lease spent before delivery would time out at once")
            #expect(try await server.report(task, "COMPLETED").status == 200)
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("when the disk is full, writes get a retryable 503, nothing is half-written, and the server recovers once space is freed",
          .enabled(if: ScratchFilesystem.canMount, "needs permission to mount a tmpfs (root with CAP_SYS_ADMIN)"))
    func fullDisk() async throws {
        try await ScratchFilesystem.withMounted(megabytes: 4) { directory in
            let database = directory.appendingPathComponent("baton.sqlite").path
            try await withRunningServer(configure: { $0.database = database }) { server in
                try await server.registerChain("flow", refs: ["a", "b"])
                let acknowledged = try await server.start("flow")
                let filler = try ScratchFilesystem.fill(directory)
                // An input large enough that its commit needs new pages on disk: larger than any write-ahead log the
                // database has had (a log restarted after a checkpoint is written over in place, without new pages;
                // 300 KB once fitted in one).
                let bigInput = #"{"blob":"\#(String(repeating: "x", count: 1_000_000))"}"#
                let refused = try await server.client.send(.POST, "/api/workflow/flow", body: bigInput)
                #expect(refused.status == 503, "\(refused.text)")
                let body = try refused.object()
                #expect(body["retryable"] as? Bool == true)
                #expect(refused.headers.first(name: "Retry-After") != nil)
                #expect(try await server.client.get("/api/workflow/\(acknowledged)").status == 200)
                #expect(try await server.client.get("/metrics").text.contains(#"baton_store_failures_total{cause="disk_full"}"#))

                try FileManager.default.removeItem(at: filler)
                let accepted = try await server.start("flow", input: bigInput)
                for _ in 0..<2 {
                    try await server.completeNext("work")
                    try await server.completeNext("work")
                }
                for id in [acknowledged, accepted] {
                    #expect(try await server.workflow(id).status == .completed)
                }
                let search = try await server.client.get("/api/workflow/search").decode(SearchResult<WorkflowSummary>.self)
                #expect(search.totalHits == 2, "the refused start left a workflow behind")
            }
            let check = try DatabaseQueue(path: database)
            #expect(try await check.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
            try check.close()
        }
    }
}

/// A small tmpfs mounted for one test, to fill up like a full disk.
enum ScratchFilesystem {
    /// Whether this process may mount a tmpfs (tried once).
    static let canMount: Bool = {
        guard let directory = try? makeDirectory() else { return false }
        defer { try? FileManager.default.removeItem(at: directory) }
        guard (try? run("/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", directory.path)) == 0 else { return false }
        _ = try? run("/bin/umount", directory.path)
        return true
    }()

    /// Mounts a tmpfs of `megabytes`, runs `body` with its directory, then unmounts and removes it.
    static func withMounted(megabytes: Int, _ body: (URL) async throws -> Void) async throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let status = try run("/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory.path)
        try #require(status == 0, "mount failed")
        defer { _ = try? run("/bin/umount", "-l", directory.path) }
        try await body(directory)
    }

    /// Writes a file into `directory` until the file system has no space left; returns the file.
    static func fill(_ directory: URL) throws -> URL {
        let file = directory.appendingPathComponent("filler")
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0xAB, count: 4096)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        try #require(errno == ENOSPC, "expected the disk to fill, got errno \(errno)")
        return file
    }

    private static func makeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-tmpfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private static func run(_ executable: String, _ arguments: String...) throws -> Int32 {
        let process = try ChildProcess(executable: executable, arguments: arguments)
        guard process.waitForExitBlocking(within: .seconds(60)), let status = process.terminationStatus else {
            process.kill()
            throw TestHarnessError("\(executable) did not exit in time")
        }
        return status
    }
}
