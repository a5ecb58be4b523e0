@_spi(Engine) import BatonModel
import BatonPersistence

extension StoreConformance {
    static let executionCases: [ConformanceCase] = [
        ConformanceCase("executions: an inserted workflow reads back with every field") { store in
            let workflow = Fixtures.fullWorkflow(id: "wf-full")
            try await store.insert(workflow)
            let read = try await store.workflow("wf-full")
            try expectEqual(read, stored(workflow), "read back")
            try expectEqual(read?.workflowDefinition, workflow.workflowDefinition, "definition snapshot")
            try expectEqual(read?.input["big"], .int(9_007_199_254_740_993), "integers beyond 2^53 stay exact")
            try expectEqual(read?.input["ratio"], .double(0.125), "fractions stay fractions")
            try expectEqual(read?.input["one"], .int(1), "1 stays an integer, not true or 1.0")
            try expectEqual(read?.input["flag"], .bool(true), "true stays a boolean")
            try expectEqual(read?.pausedAt, workflow.pausedAt, "hidden pausedAt")
            try expectEqual(read?.pausedMillis, 12_345, "hidden pausedMillis")
            try expect(try await store.workflow("wf-unknown") == nil, "an unknown id reads as nil")
        },
        ConformanceCase("executions: a minimal workflow keeps its nil and empty fields") { store in
            var workflow = Fixtures.workflow(id: "wf-min")
            workflow.input = [:]
            workflow.variables = [:]
            try await store.insert(workflow)
            let read = try await store.workflow("wf-min")
            try expectEqual(read, stored(workflow))
            try expect(read?.correlationId == nil && read?.parentWorkflowId == nil && read?.idempotencyKey == nil,
                       "absent optionals stay nil, not empty strings")
        },
        ConformanceCase("executions: an update with previous replaces every field") { store in
            let original = Fixtures.fullWorkflow(id: "wf-update")
            try await store.insert(original)
            var updated = original
            updated.status = .failed
            updated.output = ["error": ["code": 42, "message": "out of stock ✗"]]
            updated.variables = ["attempts": 4]
            updated.updateTime += 1_000
            updated.endTime = updated.updateTime
            updated.reasonForIncompletion = "Task charge_ref failed"
            updated.failedReferenceTaskNames = ["charge_ref"]
            updated.failedTaskNames = ["charge"]
            updated.taskToDomain = [:]
            updated.correlationId = nil
            updated.pausedAt = 0
            updated.pausedMillis = 99_999
            updated.priority = 1
            try await store.write { [updated] in try $0.save(updated, previous: original) }
            try expectEqual(try await store.workflow("wf-update"), stored(updated))
        },
        ConformanceCase("executions: tasks read back with every field, in seq order") { store in
            let workflow = Fixtures.fullWorkflow(id: "wf-tasks")
            let third = Fixtures.fullTask(id: "t-3", of: workflow, reference: "poll_ref__2", seq: 3)
            let first = Fixtures.fullTask(id: "t-1", of: workflow, reference: "charge_ref", seq: 1)
            let second = Fixtures.task(id: "t-2", of: workflow, reference: "left_ref", seq: 2)
            try await store.insert(workflow)
            try await store.insert([third, first, second])
            try expectEqual(try await store.task("t-1"), stored(first), "task(id:)")
            try expectEqual(try await store.task("t-3")?.waitUntil, third.waitUntil, "hidden waitUntil")
            try expectEqual(try await store.task("t-3")?.pausedMillis, 6_789, "hidden pausedMillis")
            let read = try await store.workflow("wf-tasks", includeTasks: true)
            try expectEqual(read?.tasks.map(\.taskId), ["t-1", "t-2", "t-3"], "tasks ordered by seq")
            var expectedSecond = stored(second)
            expectedSecond.workflowTask = workflow.workflowDefinition?.node(referenceName: "left_ref")
            try expectEqual(read?.tasks, [stored(first), expectedSecond, stored(third)], "tasks with the workflow")
            try expect(try await store.task("t-unknown") == nil, "an unknown task reads as nil")
        },
        ConformanceCase("executions: a page of a workflow's tasks, by status, in seq order, with the count of all") { store in
            let workflow = Fixtures.workflow(id: "wf-paged")
            let tasks = (1...7).map { seq in
                var task = Fixtures.task(id: "t-p\(seq)", of: workflow, seq: seq)
                task.status = seq % 3 == 0 ? .completed : seq % 3 == 1 ? .scheduled : .inProgress
                return task
            }
            try await store.insert(workflow)
            try await store.insert(tasks.reversed())
            func page(_ statuses: Set<TaskStatus>, _ start: Int, _ count: Int) async throws -> (Int64, [String])? {
                try await store.read { try $0.tasks(ofWorkflow: "wf-paged", statuses: statuses, start: start, count: count) }
                    .map { ($0.totalHits, $0.tasks.map(\.taskId)) }
            }
            let all = try await page([], 2, 3)
            try expectEqual(all?.0, 7, "all tasks counted")
            try expectEqual(all?.1, ["t-p3", "t-p4", "t-p5"], "the page from the third, in seq order")
            let open = try await page([.scheduled, .inProgress], 0, 10)
            try expectEqual(open?.0, 5, "only the statuses asked for are counted")
            try expectEqual(open?.1, ["t-p1", "t-p2", "t-p4", "t-p5", "t-p7"], "only the statuses asked for")
            try expectEqual(try await page([.completed], 5, 10)?.1, [], "a page past the end is empty")
            try expectEqual(try await page([.completed], 5, 10)?.0, 2, "and still counts all")
            let read = try await store.read { try $0.tasks(ofWorkflow: "wf-paged", statuses: [], start: 0, count: 1) }
            let whole = try await store.workflow("wf-paged", includeTasks: true)
            try expectEqual(read?.tasks, whole.map { Array($0.tasks.prefix(1)) }, "tasks read back as the workflow's")
            let unknown = try await store.read { try $0.tasks(ofWorkflow: "wf-unknown", statuses: [], start: 0, count: 10) }
            try expect(unknown == nil, "an unknown workflow is nil, not an empty page")
        },
        ConformanceCase("executions: a task update with previous replaces every field") { store in
            let workflow = Fixtures.workflow(id: "wf-task-update")
            let original = Fixtures.task(id: "t-u", of: workflow)
            try await store.insert(workflow)
            try await store.insert([original])
            var updated = Fixtures.fullTask(id: "t-u", of: workflow)
            updated.status = .completed
            updated.outputData = ["done": true, "count": 3]
            updated.workerId = nil
            updated.waitUntil = 0
            try await store.write { [updated] in try $0.save(updated, previous: original) }
            try expectEqual(try await store.task("t-u"), stored(updated))
            try expectEqual(try await store.workflow("wf-task-update", includeTasks: true)?.tasks, [stored(updated)],
                            "an update does not add an attempt")
        },
        ConformanceCase("executions: includeTasks false returns no tasks") { store in
            let workflow = Fixtures.workflow(id: "wf-no-tasks")
            try await store.insert(workflow)
            try await store.insert([Fixtures.task(id: "t-a", of: workflow, seq: 1),
                                    Fixtures.task(id: "t-b", of: workflow, reference: "left_ref", seq: 2)])
            try expectEqual(try await store.workflow("wf-no-tasks", includeTasks: false)?.tasks, [])
            try expectEqual(try await store.workflow("wf-no-tasks", includeTasks: true)?.tasks.count, 2)
        },
        ConformanceCase("executions: deleteTasks removes the tasks with their queue entries and logs") { store in
            let workflow = Fixtures.workflow(id: "wf-delete-tasks")
            let doomed = Fixtures.task(id: "t-doomed", of: workflow, seq: 1)
            let kept = Fixtures.task(id: "t-kept", of: workflow, reference: "left_ref", seq: 2)
            try await store.insert(workflow)
            try await store.insert([doomed, kept])
            try await store.write { tx in
                try tx.enqueue(Fixtures.entry("t-doomed", workflowId: "wf-delete-tasks"))
                try tx.enqueue(Fixtures.entry("t-kept", workflowId: "wf-delete-tasks"))
                try tx.append([TaskExecLog(log: "doomed", taskId: "t-doomed", createdTime: 1)], taskId: "t-doomed")
                try tx.append([TaskExecLog(log: "kept", taskId: "t-kept", createdTime: 2)], taskId: "t-kept")
            }
            try await store.write { try $0.deleteTasks(ids: ["t-doomed", "t-never-existed"]) }
            try expect(try await store.task("t-doomed") == nil, "the deleted task is gone")
            try expectEqual(try await store.workflow("wf-delete-tasks", includeTasks: true)?.tasks.map(\.taskId),
                            ["t-kept"])
            try expectEqual(try await store.read { try $0.queueSize("charge") }, 1, "its queue entry is gone")
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 0) }, ["t-kept"])
            try expectEqual(try await store.read { try $0.logs(taskId: "t-doomed") }, [], "its logs are gone")
            try expectEqual(try await store.read { try $0.logs(taskId: "t-kept") }.map(\.log), ["kept"])
        },
        ConformanceCase("executions: deleteWorkflow removes everything of it and only it") { store in
            let doomed = Fixtures.workflow(id: "wf-doomed")
            let kept = Fixtures.workflow(id: "wf-kept")
            try await store.insert(doomed, kept)
            try await store.insert([Fixtures.task(id: "d-1", of: doomed, seq: 1),
                                    Fixtures.task(id: "d-2", of: doomed, reference: "left_ref", seq: 2),
                                    Fixtures.task(id: "k-1", of: kept, seq: 1)])
            try await store.write { tx in
                for (task, workflow) in [("d-1", "wf-doomed"), ("d-2", "wf-doomed"), ("k-1", "wf-kept")] {
                    try tx.enqueue(Fixtures.entry(task, workflowId: workflow))
                    try tx.append([TaskExecLog(log: "log of \(task)", taskId: task, createdTime: 5)], taskId: task)
                    try tx.append(WorkflowEvent(workflowId: workflow, time: 5, kind: "task.scheduled", actor: "engine",
                                                taskId: task))
                }
                try tx.setWakeUp(workflowId: "wf-doomed", at: 10)
            }
            try expect(try await store.write { try $0.deleteWorkflow(id: "wf-doomed") }, "deleting it returns true")
            try expect(try await store.workflow("wf-doomed") == nil, "the workflow is gone")
            try expect(try await store.task("d-1") == nil, "its first task is gone")
            try expect(try await store.task("d-2") == nil, "its second task is gone")
            try expectEqual(try await store.read { try $0.queueSize("charge") }, 1, "its queue entries are gone")
            try expectEqual(try await store.read { try $0.logs(taskId: "d-1") }, [], "its task logs are gone")
            try expectEqual(try await store.read { try $0.events(workflowId: "wf-doomed") }, [], "its events are gone")
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 100, limit: 10) }, [], "no wake-up is due")
            try expect(try await store.workflow("wf-kept", includeTasks: true)?.tasks.count == 1, "the other remains")
            try expectEqual(try await store.read { try $0.logs(taskId: "k-1") }.count, 1)
            try expectEqual(try await store.read { try $0.events(workflowId: "wf-kept") }.count, 1)
            try expect(!(try await store.write { try $0.deleteWorkflow(id: "wf-doomed") }), "deleting again returns false")
            try expect(!(try await store.write { try $0.deleteWorkflow(id: "wf-unknown") }), "unknown returns false")
        },
        ConformanceCase("executions: inserting an existing id fails as duplicate and changes nothing") { store in
            let workflow = Fixtures.workflow(id: "wf-dup")
            try await store.insert(workflow)
            var other = workflow
            other.status = .completed
            try await expectThrows("second insert", matching: { ($0 as? StoreError)?.code == .duplicate }) {
                try await store.insert(other)
            }
            try expectEqual(try await store.workflow("wf-dup")?.status, .running, "the first insert stands")
        },
    ]
}
