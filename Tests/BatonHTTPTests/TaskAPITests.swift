import BatonDecider
import BatonEngine
import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import GRDB
import NIOHTTP1
import Testing

@Suite("Task API")
struct TaskAPITests {
    @Test("poll hands a task out once, IN_PROGRESS with worker id and poll count; 204 when nothing is ready")
    func pollOnce() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            _ = try await server.start("flow")
            let task = try #require(try await server.poll("work", worker: "w-7"))
            #expect(task.status == .inProgress)
            #expect(task.workerId == "w-7")
            #expect(task.pollCount == 1)
            #expect(task.startTime > 0)
            #expect(try await server.poll("work") == nil)
            let reply = try await server.client.get("/api/tasks/queue/polldata?taskType=work")
            #expect(try reply.decode([PollData].self).contains { $0.workerId == "w-7" })
        }
    }

    @Test("batch poll returns up to count tasks; bad count or timeout is a 400")
    func batchPoll() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            for _ in 0..<5 { _ = try await server.start("flow") }
            var reply = try await server.client.get("/api/tasks/queue/sizes?taskType=work")
            #expect(try reply.decode([String: Int].self) == ["work": 5])
            reply = try await server.client.get("/api/tasks/poll/batch/work?count=3&timeout=10&workerid=b")
            #expect(try reply.decode([BatonModel.TaskExecution].self).count == 3)
            reply = try await server.client.get("/api/tasks/poll/batch/work?count=10&timeout=10")
            #expect(try reply.decode([BatonModel.TaskExecution].self).count == 2)
            reply = try await server.client.get("/api/tasks/poll/batch/work?count=10&timeout=10")
            #expect(try reply.decode([BatonModel.TaskExecution].self).isEmpty)
            reply = try await server.client.get("/api/tasks/poll/batch/work?timeout=60000")
            #expect(reply.status == 400)
            reply = try await server.client.get("/api/tasks/poll/batch/work?count=0")
            #expect(reply.status == 400)
            #expect(try await server.client.get("/api/tasks/queue/size?taskType=work").decode(Int.self) == 0)
        }
    }

    @Test("a long poll returns as soon as a task of its type is queued")
    func longPollWakes() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let started = ContinuousClock.now
            async let polled = server.client.get("/api/tasks/poll/batch/work?count=1&timeout=5000")
            // The poll is waiting once its first (empty) claim has recorded it in the queue's poll data.
            var waiting = false
            for _ in 0..<400 where !waiting {
                let polls = try await server.client.get("/api/tasks/queue/polldata?taskType=work").decode([PollData].self)
                waiting = !polls.isEmpty
                if !waiting { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(waiting, "the long poll reached the server")
            _ = try await server.start("flow")
            let startDone = ContinuousClock.now - started
            let reply = try await polled
            #expect(try reply.decode([BatonModel.TaskExecution].self).count == 1)
            // It woke on the queued task, not at the end of its 5 s timeout (the poll's longest: Conductor's). Beside
            // the rest of the suite this test takes 10-13 s in all, and once the poll came back only at its timeout;
            // a start that takes seconds leaves no room to tell the two apart, so the check is made when the
            // start left at least 2 s of the timeout (the message shows how long it took).
            if startDone < .seconds(3) {
                #expect(ContinuousClock.now - started < .milliseconds(4500), "the start was done after \(startDone)")
            }
        }
    }

    @Test("update-v2 records the result and returns the next task of the same type")
    func updateV2() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let first = try await server.start("flow")
            let second = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            var reply = try await server.client.send(.POST, "/api/tasks/update-v2", body: """
                {"workflowInstanceId":"\(task.workflowInstanceId)","taskId":"\(task.taskId)","status":"COMPLETED","workerId":"v2"}
                """)
            #expect(reply.status == 200, "\(reply.text)")
            let next = try reply.decode(BatonModel.TaskExecution.self)
            #expect(Set([task.workflowInstanceId, next.workflowInstanceId]) == [first, second])
            #expect(next.status == .inProgress)
            reply = try await server.client.send(.POST, "/api/tasks/update-v2", body: """
                {"workflowInstanceId":"\(next.workflowInstanceId)","taskId":"\(next.taskId)","status":"COMPLETED"}
                """)
            #expect(reply.status == 204)
            #expect(try await server.workflow(first).status == .completed)
            #expect(try await server.workflow(second).status == .completed)
        }
    }

    /// A worker's results as the JSON array `POST /api/tasks/batch` takes.
    static func results(_ tasks: [BatonModel.TaskExecution], status: String = "COMPLETED") -> String {
        "[" + tasks.map {
            #"{"workflowInstanceId":"\#($0.workflowInstanceId)","taskId":"\#($0.taskId)","status":"\#(status)","outputData":{"by":"batch"}}"#
        }.joined(separator: ",") + "]"
    }

    @Test("a batch of results records each on its own: the others still apply when one names an unknown task")
    func batchOfResults() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await server.start("flow")) }
            let tasks = try await server.client.get("/api/tasks/poll/batch/work?count=3&timeout=10").decode([BatonModel.TaskExecution].self)
            #expect(tasks.count == 3)
            var stranger = tasks[0]
            stranger.taskId = "no-such-task"
            let reply = try await server.client.send(.POST, "/api/tasks/batch", body: Self.results(tasks + [stranger]))
            #expect(reply.status == 200, "\(reply.text)")
            let response = try reply.decode(BulkResponse.self)
            #expect(response.bulkSuccessfulResults == tasks.map(\.taskId))
            #expect(response.bulkErrorResults.keys.sorted() == ["no-such-task"])
            #expect(response.bulkErrorResults["no-such-task"]?.contains("No such task") == true)
            for id in ids {
                let workflow = try await server.workflow(id)
                #expect(workflow.status == .completed)
                #expect(workflow.tasks.first?.outputData["by"] == "batch")
            }
            // Sent again (a retried batch), they are acknowledged and change nothing.
            let again = try await server.client.send(.POST, "/api/tasks/batch", body: Self.results(tasks, status: "FAILED"))
            #expect(try again.decode(BulkResponse.self).bulkSuccessfulResults.count == 3)
            for id in ids { #expect(try await server.workflow(id).status == .completed) }
        }
    }

    @Test("a malformed result, a task named twice or more than 1000 results refuse the whole batch, recording nothing")
    func badBatches() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            let good = #"{"workflowInstanceId":"\#(id)","taskId":"\#(task.taskId)","status":"COMPLETED"}"#
            let refusals = [
                "[\(good), {\"workflowInstanceId\":\"\(id)\",\"taskId\":\"\",\"status\":\"COMPLETED\"}]": "taskId",
                "[\(good), {\"workflowInstanceId\":\"\(id)\",\"taskId\":\"other\"}]": "status",
                "[\(good), \(good)]": "more than one result",
                "[" + Array(repeating: good, count: 1001).joined(separator: ",") + "]": "1000",
                "{\"not\":\"a list\"}": "array of task results",
                "": "JSON body",
            ]
            for (body, named) in refusals {
                let reply = try await server.client.send(.POST, "/api/tasks/batch", body: body)
                #expect(reply.status == 400, "\(body.prefix(80)): \(reply.text)")
                #expect((try reply.object()["message"] as? String ?? "").contains(named), "\(reply.text)")
            }
            #expect(try await server.workflow(id).tasks.first?.status == .inProgress)
            let empty = try await server.client.send(.POST, "/api/tasks/batch", body: "[]")
            #expect(try empty.decode(BulkResponse.self) == BulkResponse())
        }
    }

    @Test("each result of a batch is held to the task output maximum on its own: the oversized one fails its task for good")
    func batchOutputLimit() async throws {
        try await withRunningServer(configure: {
            $0.executionLimits.payloads.taskOutput = PayloadLimits.Bound(threshold: 500, maximum: 1000)
        }) { server in
            try await server.registerChain("flow", refs: ["a"])
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await server.start("flow")) }
            let tasks = try await server.client.get("/api/tasks/poll/batch/work?count=3&timeout=10").decode([BatonModel.TaskExecution].self)
            let padding = String(repeating: "x", count: 600)
            func result(_ task: BatonModel.TaskExecution, _ text: String) -> String {
                #"{"workflowInstanceId":"\#(task.workflowInstanceId)","taskId":"\#(task.taskId)","status":"COMPLETED","outputData":{"text":"\#(text)"}}"#
            }
            // Together far over the maximum, each but the last within it.
            let body = "[" + result(tasks[0], padding) + "," + result(tasks[1], padding) + ","
                + result(tasks[2], padding + padding) + "]"
            let reply = try await server.client.send(.POST, "/api/tasks/batch", body: body)
            #expect(try reply.decode(BulkResponse.self).bulkSuccessfulResults.count == 3)
            for task in tasks.prefix(2) { #expect(try await server.workflow(task.workflowInstanceId).status == .completed) }
            let failed = try await server.workflow(tasks[2].workflowInstanceId)
            #expect(failed.status == .failed)
            #expect(failed.tasks.first?.status == .failedWithTerminalError)
            #expect(failed.tasks.first?.outputData.isEmpty == true)
        }
    }

    @Test("IN_PROGRESS with callbackAfterSeconds hands the task out again only after the delay")
    func inProgressCallback() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            _ = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            let reply = try await server.report(task, "IN_PROGRESS", output: #"{"progress":50}"#, callbackAfterSeconds: 30)
            #expect(reply.status == 200)
            #expect(try await server.poll("work") == nil)
            server.clock.advance(by: 31_000)
            let again = try #require(try await server.poll("work"))
            #expect(again.taskId == task.taskId)
            #expect(again.pollCount == 2)
            #expect(again.outputData["progress"] == 50)
        }
    }

    @Test("an expired lease times the task out and it is retried per its definition")
    func responseTimeoutRetries() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":1,"retryDelaySeconds":5,"responseTimeoutSeconds":10}]"#)
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            server.clock.advance(by: 5_000)
            let heartbeat = try await server.client.send(.POST, "/api/tasks", body: """
                {"workflowInstanceId":"\(id)","taskId":"\(task.taskId)","extendLease":true}
                """)
            #expect(heartbeat.status == 200)
            server.clock.advance(by: 8_000)
            await server.sweep()
            #expect(try await server.workflow(id).tasks.map(\.status) == [.inProgress])
            server.clock.advance(by: 3_000)
            await server.sweep()
            var workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.status) == [.timedOut, .scheduled])
            #expect(workflow.tasks[0].reasonForIncompletion?.contains("responseTimeout") == true)
            #expect(workflow.tasks[1].retriedTaskId == task.taskId)
            #expect(try await server.poll("work") == nil)
            server.clock.advance(by: 5_000)
            let retry = try #require(try await server.poll("work"))
            #expect(retry.retryCount == 1)
            // The late result of the timed-out attempt changes nothing, and is recorded.
            let late = try await server.report(task, "COMPLETED")
            #expect(late.status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.tasks[0].status == .timedOut)
            let events = try await server.client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            #expect(events.contains { $0.kind == "task.result_ignored" && $0.taskId == task.taskId })
        }
    }

    @Test("retry delays grow per retryLogic", arguments: [
        ("FIXED", [10, 10]), ("LINEAR_BACKOFF", [20, 40]), ("EXPONENTIAL_BACKOFF", [10, 20]),
    ])
    func retryBackoff(logic: String, delays: [Int64]) async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs("""
                [{"name":"work","retryCount":2,"retryDelaySeconds":10,"retryLogic":"\(logic)","backoffScaleFactor":2}]
                """)
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            for delay in delays {
                let task = try #require(try await server.poll("work"))
                try await server.report(task, "FAILED", reason: "boom")
                server.clock.advance(by: delay * 1000 - 1)
                #expect(try await server.poll("work") == nil)
                server.clock.advance(by: 1)
            }
            let last = try #require(try await server.poll("work"))
            #expect(last.retryCount == 2)
            try await server.report(last, "FAILED", reason: "boom")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.map(\.retried) == [true, true, false])
        }
    }

    @Test("FAILED_WITH_TERMINAL_ERROR is never retried; an optional task lets the workflow go on")
    func terminalErrorAndOptional() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":3,"retryDelaySeconds":0}]"#)
            try await server.registerWorkflow("""
                {"name":"flow","tasks":[{"name":"work","taskReferenceName":"a","optional":true},{"name":"work","taskReferenceName":"b"}]}
                """)
            let id = try await server.start("flow")
            var task = try #require(try await server.poll("work"))
            try await server.report(task, "FAILED_WITH_TERMINAL_ERROR", reason: "bad input")
            task = try #require(try await server.poll("work"))
            #expect(task.referenceTaskName == "b")
            try await server.report(task, "FAILED_WITH_TERMINAL_ERROR", reason: "bad input")
            let workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.status) == [.completedWithErrors, .failedWithTerminalError])
            #expect(workflow.status == .failed)
        }
    }

    @Test("WAIT with a duration completes by itself once due; without one it waits for a signal by reference name")
    func waitTasks() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"waits","tasks":[{"name":"pause","taskReferenceName":"timer","type":"WAIT","inputParameters":{"duration":"2 minutes"}},
                {"name":"approval","taskReferenceName":"approval","type":"WAIT"},{"name":"work","taskReferenceName":"after"}]}
                """)
            let id = try await server.start("waits")
            server.clock.advance(by: 119_000)
            await server.sweep()
            #expect(try await server.workflow(id).tasks.map(\.status) == [.inProgress])
            server.clock.advance(by: 1_000)
            await server.sweep()
            #expect(try await server.workflow(id).tasks.map(\.status) == [.completed, .inProgress])
            for body in ["[1]", #"{"approved":"#, #""yes""#] {
                let refused = try await server.client.send(.POST, "/api/tasks/\(id)/approval/COMPLETED", body: body)
                #expect(refused.status == 400, "an output that is not a JSON object: \(body)")
            }
            #expect(try await server.workflow(id).tasks.map(\.status) == [.completed, .inProgress])
            let reply = try await server.client.send(.POST, "/api/tasks/\(id)/approval/COMPLETED?workerid=ops",
                                                     body: #"{"approved":true}"#)
            #expect(reply.status == 200, "\(reply.text)")
            let workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.status) == [.completed, .completed, .scheduled])
            #expect(workflow.tasks[1].outputData["approved"] == true)
            #expect(reply.text == workflow.tasks[1].taskId)
        }
    }

    @Test("a timer scheduled by a worker's result (written with the workflow's row) fires once due, and a finished workflow keeps none")
    func timerAfterAWorkerTask() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"then_wait","tasks":[{"name":"work","taskReferenceName":"first"},
                {"name":"pause","taskReferenceName":"timer","type":"WAIT","inputParameters":{"duration":"1 minute"}}]}
                """)
            let id = try await server.start("then_wait")
            try await server.completeNext("work")
            #expect(try await server.workflow(id).tasks.map(\.status) == [.completed, .inProgress])
            server.clock.advance(by: 59_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .running, "not due yet")
            server.clock.advance(by: 1_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .completed)
            let database = try DatabaseQueue(path: server.database)
            let hasNoWakeUp = try await database.read { db in
                try Bool.fetchOne(db, sql: "SELECT wake_at IS NULL FROM workflows WHERE id = ?", arguments: [id])
            }
            try database.close()
            #expect(hasNoWakeUp == true)
        }
    }

    @Test("a timer whose claim died with its server fires when the next sweeper starts, not a lease later")
    func leaseOfADeadSweeper() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"timed","tasks":[{"name":"pause","taskReferenceName":"timer","type":"WAIT","inputParameters":{"duration":"1 minute"}}]}
                """)
            let id = try await server.start("timed")
            server.clock.advance(by: 60_000)
            // A sweeper claimed the due workflow (its wake-up moved one lease ahead) and its server died
            // before deciding it.
            let database = try DatabaseQueue(path: server.database)
            try await database.write { db in
                try db.execute(sql: "UPDATE workflows SET wake_at = ? WHERE id = ?",
                               arguments: [server.clock.now() + Sweeper.claimLease, id])
            }
            try database.close()
            await server.sweep()
            #expect(try await server.workflow(id).status == .running, "hidden by the lease")
            server.clock.advance(by: 1_000)
            let sweeper = Sweeper(engine: server.engine)
            #expect(await sweeper.reclaimLeases() == 1)
            await sweeper.sweepOnce()
            #expect(try await server.workflow(id).status == .completed)
            #expect(await sweeper.reclaimLeases() == 0, "a decided workflow has no wake-up left to move")
        }
    }

    @Test("task by id, logs, and unknown ids")
    func taskReadsAndLogs() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            _ = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            var reply = try await server.client.send(.POST, "/api/tasks/\(task.taskId)/log", body: #""step one""#)
            #expect(reply.status == 200)
            reply = try await server.client.send(.POST, "/api/tasks", body: """
                {"workflowInstanceId":"\(task.workflowInstanceId)","taskId":"\(task.taskId)","status":"COMPLETED",
                 "logs":[{"log":"step two","createdTime":5}]}
                """)
            #expect(reply.status == 200)
            reply = try await server.client.get("/api/tasks/\(task.taskId)/log")
            #expect(try reply.decode([TaskExecLog].self).map(\.log) == ["step one", "step two"])
            reply = try await server.client.get("/api/tasks/\(task.taskId)")
            #expect(try reply.decode(BatonModel.TaskExecution.self).status == .completed)
            reply = try await server.client.get("/api/tasks/no-such-task")
            #expect(reply.status == 404)
            reply = try await server.client.send(.POST, "/api/tasks", body: #"{"workflowInstanceId":"x","taskId":"y","status":"COMPLETED"}"#)
            #expect(reply.status == 404)
            reply = try await server.client.send(.POST, "/api/tasks", body: """
                {"workflowInstanceId":"\(task.workflowInstanceId)","taskId":"\(task.taskId)","status":"DONE"}
                """)
            #expect(reply.status == 400)
        }
    }
}
