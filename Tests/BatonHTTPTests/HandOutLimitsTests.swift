import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// A task definition's `concurrentExecLimit` and `rateLimitPerFrequency` / `rateLimitFrequencyInSeconds`, enforced
/// when tasks are handed out, as Conductor's ExecutionService does (tasks beyond the limit stay queued). The first
/// test ports Conductor's e2e ConcurrentExecLimitTests (at most the limit per poll; the held-back task is handed out
/// once a running one ends — Conductor's fix for its 60 s postponement; Baton never postpones).
@Suite("Concurrency and rate limits of task definitions")
struct HandOutLimitsTests {
    /// Batch-polls up to `count` tasks of `taskType`.
    static func pollBatch(_ taskType: String, count: Int, on server: RunningServer) async throws -> [BatonModel.TaskExecution] {
        let reply = try await server.client.get("/api/tasks/poll/batch/\(taskType)?count=\(count)&timeout=10&workerid=w")
        try #require(reply.status == 200, "\(reply.text)")
        return try reply.decode([BatonModel.TaskExecution].self)
    }

    static func startThree(_ taskType: String, on server: RunningServer) async throws -> [String] {
        try await server.registerWorkflow(#"{"name":"limited_\#(taskType)","tasks":[{"name":"\#(taskType)","taskReferenceName":"t"}]}"#)
        var ids: [String] = []
        for _ in 0..<3 { ids.append(try await server.start("limited_\(taskType)")) }
        return ids
    }

    @Test("concurrentExecLimit 1: one task at a time is handed out, the next once it ends; the queue keeps the rest")
    func concurrencyLimit() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"fragile","retryCount":0,"concurrentExecLimit":1}]"#)
            _ = try await Self.startThree("fragile", on: server)
            var handedOut = try await Self.pollBatch("fragile", count: 3, on: server)
            #expect(handedOut.count == 1, "a batch poll handed out \(handedOut.count) tasks of a limit of 1")
            #expect(try await Self.pollBatch("fragile", count: 3, on: server).isEmpty)
            let size = try await server.client.get("/api/tasks/queue/size?taskType=fragile")
            #expect(size.text == "2", "the others wait in the queue")
            for round in 0..<3 {
                #expect(try await server.report(handedOut[0], "COMPLETED").status == 200)
                handedOut = try await Self.pollBatch("fragile", count: 3, on: server)
                #expect(handedOut.count == (round < 2 ? 1 : 0), "round \(round)")
            }
            let scrape = try await server.client.get("/metrics").text
            #expect(scrape.contains(#"baton_task_polls_limited_total{task_type="fragile"}"#))
        }
    }

    @Test("an IN_PROGRESS result with a callback frees the slot until the task is handed out again")
    func callbackFreesTheSlot() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"slowpoke","retryCount":0,"concurrentExecLimit":1}]"#)
            _ = try await Self.startThree("slowpoke", on: server)
            let first = try #require(try await Self.pollBatch("slowpoke", count: 1, on: server).first)
            #expect(try await server.report(first, "IN_PROGRESS", callbackAfterSeconds: 60).status == 200)
            let second = try #require(try await Self.pollBatch("slowpoke", count: 3, on: server).first)
            #expect(second.taskId != first.taskId)
            #expect(try await Self.pollBatch("slowpoke", count: 3, on: server).isEmpty)
        }
    }

    @Test("rateLimitPerFrequency 2 per 10 s: two hand-outs per window, however many are asked for")
    func rateLimit() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"metered","retryCount":0,"rateLimitPerFrequency":2,"#
                + #""rateLimitFrequencyInSeconds":10}]"#)
            _ = try await Self.startThree("metered", on: server)
            let first = try await Self.pollBatch("metered", count: 3, on: server)
            #expect(first.count == 2)
            for task in first { #expect(try await server.report(task, "COMPLETED").status == 200) }
            #expect(try await Self.pollBatch("metered", count: 3, on: server).isEmpty, "ended tasks still count in the window")
            server.clock.advance(by: 10_001)
            #expect(try await Self.pollBatch("metered", count: 3, on: server).count == 1)
        }
    }

    @Test("a limit registered or raised takes effect at the next poll; without limits nothing is held back")
    func limitsChange() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"adjustable","retryCount":0,"concurrentExecLimit":1}]"#)
            _ = try await Self.startThree("adjustable", on: server)
            #expect(try await Self.pollBatch("adjustable", count: 3, on: server).count == 1)
            try await server.registerTaskDefs(#"[{"name":"adjustable","retryCount":0,"concurrentExecLimit":2}]"#)
            #expect(try await Self.pollBatch("adjustable", count: 3, on: server).count == 1)
            try await server.registerTaskDefs(#"[{"name":"adjustable","retryCount":0}]"#)
            #expect(try await Self.pollBatch("adjustable", count: 3, on: server).count == 1)
        }
    }
}
