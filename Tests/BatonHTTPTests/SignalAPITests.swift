import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Every rule of the signals table (issue 3), at the HTTP level against a real server on SQLite.
@Suite("Signals")
struct SignalAPITests {
    /// Sends a request that must be refused with `status`, and checks that it changed nothing.
    private func expectRefused(_ server: RunningServer, _ method: HTTPMethod, _ path: String, body: String? = "{}",
                               status: Int, workflowId: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await server.client.get("/api/workflow/\(workflowId)").decode(Workflow.self)
        let reply = try await server.client.send(method, path, body: body)
        #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
        #expect((try? reply.object()["message"] as? String)?.isEmpty == false, "no message", sourceLocation: sourceLocation)
        let after = try await server.client.get("/api/workflow/\(workflowId)").decode(Workflow.self)
        #expect(before == after, "a refused signal changed the workflow", sourceLocation: sourceLocation)
    }

    // MARK: pause / resume

    @Test("pause holds SCHEDULED tasks; an IN_PROGRESS task's result is recorded; nothing new starts until resume")
    func pauseHoldsWork() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a", "b"])
            let id = try await server.start("flow")
            let other = try await server.start("flow")
            let running = try #require(try await server.poll("work"))
            let paused = running.workflowInstanceId == id ? id : other
            let heldWorkflow = paused == id ? other : id
            // Pause both: one has a task IN_PROGRESS, the other a SCHEDULED one.
            for workflow in [id, other] {
                let reply = try await server.client.send(.PUT, "/api/workflow/\(workflow)/pause", body: "{}")
                #expect(reply.status == 200)
            }
            #expect(try await server.poll("work") == nil, "a SCHEDULED task of a PAUSED workflow was handed out")
            let reply = try await server.report(running, "COMPLETED", output: #"{"done":true}"#)
            #expect(reply.status == 200)
            var workflow = try await server.workflow(paused)
            #expect(workflow.status == .paused)
            #expect(workflow.tasks.map(\.status) == [.completed], "the next task started while paused")
            #expect(workflow.tasks[0].outputData["done"] == true)
            // Pausing again is a no-op.
            #expect(try await server.client.send(.PUT, "/api/workflow/\(paused)/pause", body: "{}").status == 200)
            // Resume decides at once: the held next task and the held SCHEDULED task are handed out.
            for workflow in [id, other] {
                #expect(try await server.client.send(.PUT, "/api/workflow/\(workflow)/resume", body: "{}").status == 200)
            }
            workflow = try await server.workflow(paused)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.map(\.status) == [.completed, .scheduled])
            let handedOut = Set([try #require(try await server.poll("work")).workflowInstanceId,
                                 try #require(try await server.poll("work")).workflowInstanceId])
            #expect(handedOut == [paused, heldWorkflow])
        }
    }

    @Test("pause of an ended workflow and resume of a workflow that is not paused are 409, and change nothing")
    func pauseResumeConflicts() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            try await expectRefused(server, .PUT, "/api/workflow/\(id)/resume", status: 409, workflowId: id)
            try await server.completeNext("work")
            try await expectRefused(server, .PUT, "/api/workflow/\(id)/pause", status: 409, workflowId: id)
            try await expectRefused(server, .PUT, "/api/workflow/\(id)/resume", status: 409, workflowId: id)
            let reply = try await server.client.send(.PUT, "/api/workflow/no-such-id/pause", body: "{}")
            #expect(reply.status == 404)
        }
    }

    @Test("paused time does not count toward the workflow timeout")
    func pausedTimeNotCounted() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"], extra: #","timeoutSeconds":60,"timeoutPolicy":"TIME_OUT_WF""#)
            let id = try await server.start("flow")
            server.clock.advance(by: 10_000)
            _ = try await server.client.send(.PUT, "/api/workflow/\(id)/pause", body: "{}")
            server.clock.advance(by: 300_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .paused)
            _ = try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}")
            server.clock.advance(by: 49_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .running, "paused time counted toward the timeout")
            server.clock.advance(by: 1_000)
            await server.sweep()
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .timedOut)
            #expect(workflow.tasks.allSatisfy { $0.status.isTerminal })
        }
    }

    // MARK: restart

    @Test("restart runs an ended workflow again from the first task under the same id; old tasks are removed")
    func restart() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":0}]"#)
            try await server.registerChain("flow", refs: ["a", "b"])
            let id = try await server.start("flow", input: #"{"n":5}"#)
            try await expectRefused(server, .POST, "/api/workflow/\(id)/restart", status: 409, workflowId: id)
            try await server.completeNext("work")
            let failing = try #require(try await server.poll("work"))
            try await server.report(failing, "FAILED", reason: "boom")
            let failed = try await server.workflow(id)
            #expect(failed.status == .failed)
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/restart", body: "{}")
            #expect(reply.status == 204)
            let restarted = try await server.workflow(id)
            #expect(restarted.status == .running)
            #expect(restarted.reasonForIncompletion == nil)
            #expect(restarted.failedReferenceTaskNames.isEmpty)
            #expect(restarted.tasks.map(\.referenceTaskName) == ["a"])
            #expect(restarted.tasks[0].inputData["n"] == 5)
            #expect(Set(restarted.tasks.map(\.taskId)).isDisjoint(with: failed.tasks.map(\.taskId)))
            let old = try await server.client.get("/api/tasks/\(failing.taskId)")
            #expect(old.status == 404)
        }
    }

    @Test("restart with latest definitions runs on the newest definition and task definitions")
    func restartWithLatestDefinitions() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":0}]"#)
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            try await server.completeNext("work")
            try await server.registerWorkflow("""
                {"name":"flow","version":2,"tasks":[{"name":"work","taskReferenceName":"first"},{"name":"work","taskReferenceName":"second"}]}
                """)
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":4}]"#)
            var reply = try await server.client.send(.POST, "/api/workflow/\(id)/restart?useLatestDefinitions=False", body: "{}")
            #expect(reply.status == 204)
            var workflow = try await server.workflow(id)
            #expect(workflow.workflowVersion == 1)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["a"])
            #expect(workflow.tasks[0].workflowTask?.taskDefinition?.retryCount == 0)
            try await server.completeNext("work")
            reply = try await server.client.send(.POST, "/api/workflow/\(id)/restart?useLatestDefinitions=True", body: "{}")
            #expect(reply.status == 204)
            workflow = try await server.workflow(id)
            #expect(workflow.workflowVersion == 2)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["first"])
            #expect(workflow.tasks[0].workflowTask?.taskDefinition?.retryCount == 4)
        }
    }

    @Test("a COMPLETED workflow whose definition is not restartable cannot be restarted (409); a FAILED one can")
    func notRestartable() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":0}]"#)
            try await server.registerChain("flow", refs: ["a"], extra: #","restartable":false"#)
            let completed = try await server.start("flow")
            try await server.completeNext("work")
            try await expectRefused(server, .POST, "/api/workflow/\(completed)/restart", status: 409, workflowId: completed)
            let failed = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            try await server.report(task, "FAILED")
            #expect(try await server.client.send(.POST, "/api/workflow/\(failed)/restart", body: "{}").status == 204)
        }
    }

    // MARK: rerun

    @Test("rerun from the start: ended workflows only; input, correlation id and task-to-domain replaced; same id")
    func rerunFromStart() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow", input: #"{"n":1}"#)
            try await expectRefused(server, .POST, "/api/workflow/\(id)/rerun", body: #"{"workflowInput":{"n":2}}"#,
                                    status: 409, workflowId: id)
            try await server.completeNext("work")
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun", body: """
                {"reRunFromWorkflowId":"\(id)","workflowInput":{"n":2},"correlationId":"again","taskToDomain":{"work":"red"}}
                """)
            #expect(reply.status == 200)
            #expect(reply.text == id)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.input == ["n": 2])
            #expect(workflow.correlationId == "again")
            #expect(workflow.taskToDomain == ["work": "red"])
            #expect(workflow.tasks.count == 1)
            #expect(workflow.tasks[0].inputData["n"] == 2)
            #expect(workflow.tasks[0].domain == "red")
            try await expectRefused(server, .POST, "/api/workflow/\(id)/rerun", body: "{not json", status: 400, workflowId: id)
        }
    }

    @Test("rerun from a task of a COMPLETED workflow: replaced attempt kept CANCELED and retried, later tasks removed")
    func rerunFromTaskCompleted() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a", "b", "c"])
            let id = try await server.start("flow")
            try await server.completeNext("work", output: #"{"v":"a1"}"#)
            let b = try await server.completeNext("work", output: #"{"v":"b1"}"#)
            let c = try await server.completeNext("work", output: #"{"v":"c1"}"#)
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun", body: """
                {"reRunFromTaskId":"\(b.taskId)","taskInput":{"fresh":true}}
                """)
            #expect(reply.status == 200, "\(reply.text)")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["a", "b", "b"])
            #expect(workflow.tasks[0].status == .completed)
            let replaced = workflow.tasks[1]
            #expect(replaced.taskId == b.taskId)
            #expect(replaced.status == .canceled)
            #expect(replaced.retried)
            #expect(replaced.outputData["v"] == "b1", "the replaced attempt lost its output")
            let fresh = workflow.tasks[2]
            #expect(fresh.status == .scheduled)
            #expect(fresh.retryCount == 1)
            #expect(fresh.retriedTaskId == b.taskId)
            #expect(fresh.inputData == ["fresh": true])
            #expect(fresh.outputData.isEmpty)
            #expect(fresh.startTime == 0)
            #expect(try await server.client.get("/api/tasks/\(c.taskId)").status == 404)
            try await server.completeNext("work")
            try await server.completeNext("work")
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("rerun from a task of a RUNNING workflow revokes the live attempt; a worker's late result is ignored")
    func rerunFromTaskRunning() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a", "b"])
            let id = try await server.start("flow")
            let a = try await server.completeNext("work")
            let b = try #require(try await server.poll("work"))
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun", body: #"{"reRunFromTaskId":"\#(a.taskId)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            var workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["a", "a"])
            #expect(workflow.tasks.map(\.status) == [.canceled, .scheduled])
            #expect(workflow.tasks[1].inputData == a.inputData)
            let late = try await server.report(b, "COMPLETED")
            #expect(late.status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.status) == [.canceled, .scheduled])
            let events = try await server.client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            #expect(events.contains { $0.kind == "task.result_ignored" && $0.taskId == b.taskId })
            #expect(events.contains { $0.kind == "signal.rerun" })
        }
    }

    @Test("rerun from a task of a PAUSED workflow keeps it PAUSED with the new attempt held until resume")
    func rerunFromTaskPaused() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a", "b"])
            let id = try await server.start("flow")
            let a = try await server.completeNext("work")
            _ = try await server.client.send(.PUT, "/api/workflow/\(id)/pause", body: "{}")
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun", body: #"{"reRunFromTaskId":"\#(a.taskId)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try await server.workflow(id).status == .paused)
            #expect(try await server.poll("work") == nil)
            _ = try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}")
            #expect(try await server.poll("work")?.referenceTaskName == "a")
        }
    }

    @Test("rerun from an unknown task is a 400 and changes nothing")
    func rerunUnknownTask() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            try await server.completeNext("work")
            try await expectRefused(server, .POST, "/api/workflow/\(id)/rerun", body: #"{"reRunFromTaskId":"nope"}"#,
                                    status: 400, workflowId: id)
        }
    }

    // MARK: retry

    @Test("retry runs the last failed task again as a new attempt; the replaced one is kept CANCELED and retried")
    func retry() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":0}]"#)
            try await server.registerChain("flow", refs: ["a", "b"])
            let id = try await server.start("flow")
            try await expectRefused(server, .POST, "/api/workflow/\(id)/retry", status: 409, workflowId: id)
            try await server.completeNext("work")
            let failing = try #require(try await server.poll("work"))
            try await server.report(failing, "FAILED", reason: "downstream 503")
            #expect(try await server.workflow(id).status == .failed)
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/retry?resumeSubworkflowTasks=False", body: "{}")
            #expect(reply.status == 204)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.reasonForIncompletion == nil)
            #expect(workflow.lastRetriedTime > 0)
            #expect(workflow.tasks.map(\.status) == [.completed, .canceled, .scheduled])
            #expect(workflow.tasks[1].retried)
            #expect(workflow.tasks[1].reasonForIncompletion == "downstream 503")
            #expect(workflow.tasks[2].retriedTaskId == failing.taskId)
            #expect(workflow.tasks[2].retryCount == 1)
            try await server.completeNext("work")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            try await expectRefused(server, .POST, "/api/workflow/\(id)/retry", status: 409, workflowId: id)
        }
    }

    // MARK: update task by reference name

    @Test("update by reference name: the seed's statuses and IN_PROGRESS; anything else is a 400", arguments: [
        ("COMPLETED", 200), ("FAILED", 200), ("FAILED_WITH_TERMINAL_ERROR", 200), ("IN_PROGRESS", 200),
        ("CANCELED", 400), ("SKIPPED", 400), ("DONE", 400),
    ])
    func updateByReferenceNameStatuses(status: String, expected: Int) async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"{"name":"w","tasks":[{"name":"wait","taskReferenceName":"gate","type":"WAIT"}]}"#)
            let id = try await server.start("w")
            let before = try await server.workflow(id)
            let reply = try await server.client.send(.POST, "/api/tasks/\(id)/gate/\(status)?workerid=ops", body: #"{"note":"x"}"#)
            #expect(reply.status == expected, "\(reply.text)")
            let after = try await server.workflow(id)
            switch status {
            case "COMPLETED": #expect(after.status == .completed)
            case "FAILED", "FAILED_WITH_TERMINAL_ERROR": #expect(after.status == .failed)
            case "IN_PROGRESS":
                #expect(after.tasks.map(\.status) == [.inProgress])
                #expect(after.tasks[0].outputData["note"] == "x")
            default: #expect(after == before)
            }
        }
    }

    @Test("update by reference name: unknown workflow or reference 404; already ended 409; /sync returns the workflow")
    func updateByReferenceNameErrors() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"w","tasks":[{"name":"wait","taskReferenceName":"gate","type":"WAIT"},{"name":"wait","taskReferenceName":"gate2","type":"WAIT"}]}
                """)
            let id = try await server.start("w")
            var reply = try await server.client.send(.POST, "/api/tasks/nope/gate/COMPLETED", body: "{}")
            #expect(reply.status == 404)
            try await expectRefused(server, .POST, "/api/tasks/\(id)/ghost/COMPLETED", status: 404, workflowId: id)
            reply = try await server.client.send(.POST, "/api/tasks/\(id)/gate/COMPLETED/sync", body: #"{"ok":1}"#)
            #expect(reply.status == 200)
            let synced = try reply.decode(Workflow.self)
            #expect(synced.tasks.map(\.status) == [.completed, .inProgress])
            try await expectRefused(server, .POST, "/api/tasks/\(id)/gate/COMPLETED", status: 409, workflowId: id)
        }
    }

    // MARK: terminate

    @Test("terminate cancels every live task and takes it out of the queue; TERMINATED again is a no-op")
    func terminate() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            let reply = try await server.client.send(.DELETE, "/api/workflow/\(id)?reason=operator%20said%20so", body: "{}")
            #expect(reply.status == 200)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .terminated)
            #expect(workflow.reasonForIncompletion == "operator said so")
            #expect(workflow.tasks.map(\.status) == [.canceled])
            #expect(try await server.poll("work") == nil, "a canceled task was handed out")
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(id)", body: "{}").status == 200)
            let events = try await server.client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            let signal = try #require(events.first { $0.kind == "signal.terminate" })
            #expect(signal.actor == "anonymous")
            #expect(signal.detail?.contains("operator said so") == true)
        }
    }

    @Test("terminate: PAUSED and FAILED become TERMINATED; COMPLETED is a 409")
    func terminateStates() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":0}]"#)
            try await server.registerChain("flow", refs: ["a"])
            let paused = try await server.start("flow")
            _ = try await server.client.send(.PUT, "/api/workflow/\(paused)/pause", body: "{}")
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(paused)", body: "{}").status == 200)
            #expect(try await server.workflow(paused).status == .terminated)
            let failed = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            try await server.report(task, "FAILED")
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(failed)?reason=cleanup", body: "{}").status == 200)
            #expect(try await server.workflow(failed).status == .terminated)
            let completed = try await server.start("flow")
            try await server.completeNext("work")
            try await expectRefused(server, .DELETE, "/api/workflow/\(completed)", status: 409, workflowId: completed)
        }
    }

    @Test("terminate starts the failure workflow only with triggerFailureWorkflow=true")
    func terminateTriggersFailureWorkflow() async throws {
        try await withRunningServer { server in
            try await server.registerChain("cleanup", taskType: "clean", refs: ["c"])
            try await server.registerChain("flow", refs: ["a"], extra: #","failureWorkflow":"cleanup""#)
            let quiet = try await server.start("flow")
            _ = try await server.client.send(.DELETE, "/api/workflow/\(quiet)?reason=no", body: "{}")
            #expect(try await server.workflow(quiet).output["conductor.failure_workflow"] == nil)
            let loud = try await server.start("flow")
            _ = try await server.client.send(.DELETE, "/api/workflow/\(loud)?reason=yes&triggerFailureWorkflow=True", body: "{}")
            let failureId = try #require(try await server.workflow(loud).output["conductor.failure_workflow"]?.stringValue)
            let cleanup = try await server.workflow(failureId)
            #expect(cleanup.input["failureStatus"] == "TERMINATED")
            #expect(cleanup.input["reason"] == "yes")
        }
    }

    // MARK: bulk

    @Test("bulk signals apply to each id independently and report per-id results")
    func bulk() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let first = try await server.start("flow")
            let second = try await server.start("flow")
            var reply = try await server.client.send(.PUT, "/api/workflow/bulk/pause", body: #"["\#(first)","\#(second)","ghost"]"#)
            var result = try reply.decode(BulkResponse.self)
            #expect(Set(result.bulkSuccessfulResults) == [first, second])
            #expect(result.bulkErrorResults["ghost"]?.contains("No such workflow") == true)
            reply = try await server.client.send(.PUT, "/api/workflow/bulk/resume", body: #"["\#(first)"]"#)
            #expect(try reply.decode(BulkResponse.self).bulkSuccessfulResults == [first])
            reply = try await server.client.send(.POST, "/api/workflow/bulk/terminate?reason=sweep", body: #"["\#(first)","\#(second)"]"#)
            #expect(try reply.decode(BulkResponse.self).bulkSuccessfulResults.count == 2)
            #expect(try await server.workflow(second).reasonForIncompletion == "sweep")
            reply = try await server.client.send(.POST, "/api/workflow/bulk/retry", body: #"["\#(first)"]"#)
            result = try reply.decode(BulkResponse.self)
            #expect(result.bulkSuccessfulResults == [first])
            #expect(try await server.workflow(first).status == .running)
            reply = try await server.client.send(.POST, "/api/workflow/bulk/restart?useLatestDefinitions=true", body: #"["\#(second)","\#(first)"]"#)
            result = try reply.decode(BulkResponse.self)
            #expect(result.bulkSuccessfulResults == [second])
            #expect(result.bulkErrorResults[first]?.contains("not in terminal state") == true)
            let tooMany = "[" + (0...1000).map { "\"id-\($0)\"" }.joined(separator: ",") + "]"
            reply = try await server.client.send(.POST, "/api/workflow/bulk/terminate", body: tooMany)
            #expect(reply.status == 400)
            reply = try await server.client.send(.POST, "/api/workflow/bulk/delete", body: #"["\#(second)"]"#)
            #expect(try reply.decode(BulkResponse.self).bulkSuccessfulResults == [second])
            #expect(try await server.client.get("/api/workflow/\(second)").status == 404)
        }
    }

    // MARK: races

    @Test("signals racing each other and worker updates never corrupt state")
    func races() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":1,"retryDelaySeconds":0}]"#)
            try await server.registerChain("flow", refs: ["a", "b", "c"])
            var ids: [String] = []
            for _ in 0..<12 { ids.append(try await server.start("flow")) }
            let workflowIds = ids
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<6 {
                    for (index, id) in workflowIds.enumerated() {
                        group.addTask {
                            switch (round + index) % 5 {
                            case 0: _ = try await server.client.send(.PUT, "/api/workflow/\(id)/pause", body: "{}")
                            case 1: _ = try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}")
                            case 2: _ = try await server.client.send(.POST, "/api/workflow/\(id)/retry", body: "{}")
                            case 3 where index % 4 == 0:
                                _ = try await server.client.send(.DELETE, "/api/workflow/\(id)?reason=race", body: "{}")
                            default: _ = try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}")
                            }
                        }
                    }
                    group.addTask {
                        let reply = try await server.client.get("/api/tasks/poll/batch/work?count=6&timeout=1")
                        for task in (try? reply.decode([BatonModel.TaskExecution].self)) ?? [] {
                            _ = try await server.report(task, task.seq % 3 == 0 ? "FAILED" : "COMPLETED")
                        }
                    }
                }
                try await group.waitForAll()
            }
            for id in workflowIds {
                let workflow = try await server.workflow(id)
                let live = workflow.tasks.filter { !$0.status.isTerminal }
                if workflow.status.isTerminal {
                    #expect(live.isEmpty, "terminal workflow \(id) keeps a live task")
                }
                let liveReferences = live.map(\.referenceTaskName)
                #expect(Set(liveReferences).count == liveReferences.count, "a task of \(id) is scheduled twice")
                #expect(Set(workflow.tasks.map(\.taskId)).count == workflow.tasks.count)
                #expect(Set(workflow.tasks.map(\.seq)).count == workflow.tasks.count)
            }
            // Whatever was left runnable still runs to an end: the state is one the engine can continue from.
            for id in workflowIds where try await server.workflow(id).status == .paused {
                _ = try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}")
            }
            var rounds = 0
            while rounds < 200, let task = try await server.poll("work") {
                try await server.report(task, "COMPLETED")
                rounds += 1
            }
            for id in workflowIds {
                let status = try await server.workflow(id).status
                #expect(status.isTerminal, "workflow \(id) is stuck \(status)")
            }
        }
    }
}
