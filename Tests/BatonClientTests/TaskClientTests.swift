import BatonClient
import BatonEngine
import BatonModel
import BatonTesting
import Testing

@Suite("SDK: tasks")
struct TaskClientTests {
    @Test("poll, batch poll, update, update-and-poll, get, logs, queue sizes and poll data")
    func workerCalls() async throws {
        try await withClient { client, _ in
            try await client.registerChain("chain", refs: ["one", "two"])
            #expect(try await client.tasks.poll(taskType: "work") == nil)
            #expect(try await client.tasks.batchPoll(taskType: "work", count: 5, timeout: .zero).isEmpty)

            var ids: [String] = []
            for n in 0..<3 { ids.append(try await client.workflows.start(name: "chain", input: ["n": .int(Int64(n))])) }
            #expect(try await client.tasks.queueSize(taskType: "work") == 3)
            #expect(try await client.tasks.queueSizes(taskTypes: ["work", "other"]) == ["work": 3, "other": 0])
            #expect(try await client.tasks.allQueueSizes()["work"] == 3)

            let single = try #require(try await client.tasks.poll(taskType: "work", workerId: "w1"))
            #expect(single.status == .inProgress)
            #expect(single.workerId == "w1")
            let batch = try await client.tasks.batchPoll(taskType: "work", count: 5, timeout: .milliseconds(50), workerId: "w2")
            #expect(batch.count == 2)
            #expect(try await client.tasks.queueSize(taskType: "work") == 0)
            #expect(try await client.tasks.pollData(taskType: "work").contains { $0.workerId == "w2" })

            var result = TaskResult(workflowInstanceId: single.workflowInstanceId, taskId: single.taskId, status: .completed,
                                    outputData: ["done": true], workerId: "w1")
            result.logs = [TaskExecLog(log: "step 1", taskId: single.taskId, createdTime: 0)]
            #expect(try await client.tasks.update(result) == single.taskId)
            let fetched = try await client.tasks.get(single.taskId)
            #expect(fetched.status == .completed)
            #expect(fetched.outputData["done"] == true)
            try await client.tasks.appendLog("step 2", to: single.taskId)
            #expect(try await client.tasks.logs(of: single.taskId).map(\.log) == ["step 1", "step 2"])
            #expect(try await client.tasks.logs(of: batch[0].taskId).isEmpty)

            // update-v2 reports and hands over the workflow's next task in one call
            let next = try await client.tasks.updateAndPoll(TaskResult(
                workflowInstanceId: batch[0].workflowInstanceId, taskId: batch[0].taskId, status: .completed, workerId: "w2"))
            #expect(next?.referenceTaskName == "two")
            let missing = await #expect(throws: ClientError.self) { try await client.tasks.get("no-such-task") }
            #expect(missing?.status == 404)
        }
    }

    @Test("a lease extension keeps a task from timing out; IN_PROGRESS with callbackAfterSeconds hands it out later")
    func leaseAndCallback() async throws {
        try await withClient { client, server in
            try await client.registerChain("chain", refs: ["one"], responseTimeoutSeconds: 10)
            let id = try await client.workflows.start(name: "chain")
            let task = try #require(try await client.tasks.poll(taskType: "work"))
            server.clock.advance(by: 8_000)
            try await client.tasks.extendLease(taskId: task.taskId, workflowId: id)
            server.clock.advance(by: 8_000)
            await server.sweep()
            #expect(try await client.tasks.get(task.taskId).status == .inProgress)

            try await client.tasks.update(TaskResult(workflowInstanceId: id, taskId: task.taskId, status: .inProgress,
                                                     outputData: ["progress": 50], callbackAfterSeconds: 30))
            #expect(try await client.tasks.poll(taskType: "work") == nil)
            server.clock.advance(by: 31_000)
            let again = try #require(try await client.tasks.poll(taskType: "work"))
            #expect(again.taskId == task.taskId)
            #expect(again.outputData["progress"] == 50)
        }
    }

    @Test("update by reference name completes a WAIT task; the sync form returns the workflow")
    func byReferenceName() async throws {
        try await withClient { client, _ in
            try await client.registerWorkThenWait("approve")
            let id = try await client.workflows.start(name: "approve")
            try await client.completeNext()
            let taskId = try await client.tasks.updateByReferenceName(workflowId: id, referenceName: "approval",
                                                                     status: .inProgress, output: ["seen": true])
            #expect(try await client.tasks.get(taskId).status == .inProgress)
            let workflow = try await client.tasks.updateByReferenceNameSync(workflowId: id, referenceName: "approval",
                                                                           status: .completed, output: ["by": "ops"])
            #expect(workflow.status == .completed)
            #expect(workflow.output["by"] == "ops")
            #expect(workflow.tasks.last?.outputData["seen"] == true)

            let refused = await #expect(throws: ClientError.self) {
                try await client.tasks.updateByReferenceNameSync(workflowId: id, referenceName: "approval", status: .completed)
            }
            // Conductor answers 404 here; Baton answers 409 (the task exists but has ended).
            #expect(refused?.code == .refused)
            #expect([404, 409].contains(refused?.status ?? 0))
        }
    }

    @Test("refusals carry the status and the server's message; an unreachable server is a different error")
    func errors() async throws {
        try await withClient { client, _ in
            let refusal = await #expect(throws: ClientError.self) { try await client.workflows.get("nope") }
            #expect(refusal?.code == .refused)
            #expect(refusal?.isRefusal == true)
            #expect(refusal?.isUnreachable == false)
            #expect(refusal?.status == 404)
            #expect(refusal?.message.contains("nope") == true)
            #expect(refusal?.response?.status == 404)
        }
        let port = try freePort()
        try await withBatonClient(baseURL: "http://127.0.0.1:\(port)") { client in
            let error = await #expect(throws: ClientError.self) { try await client.workflows.get("x") }
            #expect(error?.code == .unreachable)
            #expect(error?.isUnreachable == true)
            #expect(error?.status == nil)
            #expect(error?.isRetryable == true)
        }
    }

    @Test("a client with an API key works; shutdown is idempotent and later calls fail")
    func apiKeyAndShutdown() async throws {
        try await withRunningServer { server in
            let client = BatonClient(baseURL: server.baseURL, apiKey: "secret")
            #expect(try await client.isHealthy())
            try await client.shutdown()
            try await client.shutdown()
            let error = await #expect(throws: ClientError.self) { try await client.isHealthy() }
            #expect(error?.isRefusal == false)
        }
    }
}
