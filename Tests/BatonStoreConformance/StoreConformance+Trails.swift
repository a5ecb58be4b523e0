import BatonModel
import BatonPersistence

extension StoreConformance {
    static let trailCases: [ConformanceCase] = [
        ConformanceCase("trails: events append and read back oldest first") { store in
            let events = [
                WorkflowEvent(workflowId: "wf-1", time: 100, kind: "workflow.started", actor: "api"),
                WorkflowEvent(workflowId: "wf-1", time: 200, kind: "task.completed", actor: "worker-7", taskId: "t-1",
                              detail: "{\"ok\":true} — ünïcode"),
                WorkflowEvent(workflowId: "wf-1", time: 200, kind: "status.paused", actor: "operator", detail: "hold"),
                WorkflowEvent(workflowId: "wf-1", time: 150, kind: "clock.skew", actor: "engine"),
            ]
            try await store.write { tx in  // two of one workflow's events in one transaction, another's between
                try tx.append(events[0])
                try tx.append(WorkflowEvent(workflowId: "wf-2", time: 50, kind: "workflow.started", actor: "api"))
                try tx.append(events[1])
            }
            for event in events.dropFirst(2) { try await store.write { try $0.append(event) } }
            try expectEqual(try await store.read { try $0.events(workflowId: "wf-1") }, events,
                            "in the order appended, with every field")
            try expectEqual(try await store.read { try $0.events(workflowId: "wf-2") }.map(\.kind), ["workflow.started"])
            try expectEqual(try await store.read { try $0.events(workflowId: "wf-none") }, [])
        },
        ConformanceCase("trails: task logs append and read back oldest first") { store in
            @Sendable func log(_ text: String, _ time: Int64, _ task: String = "t-1") -> TaskExecLog {
                TaskExecLog(log: text, taskId: task, createdTime: time)
            }
            try await store.write { tx in
                try tx.append([log("first", 10), log("second ✓", 10)], taskId: "t-1")
                try tx.append([log("other", 5, "t-2")], taskId: "t-2")
            }
            try await store.write { try $0.append([log("third", 5)], taskId: "t-1") }
            try await store.write { try $0.append([], taskId: "t-1") }
            try expectEqual(try await store.read { try $0.logs(taskId: "t-1") },
                            [log("first", 10), log("second ✓", 10), log("third", 5)])
            try expectEqual(try await store.read { try $0.logs(taskId: "t-2") }, [log("other", 5, "t-2")])
            try expectEqual(try await store.read { try $0.logs(taskId: "t-none") }, [])
        },
    ]
}
