import BatonModel
import BatonPersistence

extension StoreConformance {
    static let wakeUpCases: [ConformanceCase] = [
        ConformanceCase("wake-ups: due ids come earliest first, up to the limit") { store in
            try await store.insert(["wf-300", "wf-100", "wf-200", "wf-unset"].map { Fixtures.workflow(id: $0) })
            try await store.write { tx in
                try tx.setWakeUp(workflowId: "wf-300", at: 300)
                try tx.setWakeUp(workflowId: "wf-100", at: 100)
                try tx.setWakeUp(workflowId: "wf-200", at: 200)
            }
            func due(_ now: Int64, _ limit: Int) async throws -> [String] {
                try await store.read { try $0.dueWorkflowIds(at: now, limit: limit) }
            }
            try expectEqual(try await due(99, 10), [], "nothing is due before the earliest")
            try expectEqual(try await due(200, 10), ["wf-100", "wf-200"], "due at exactly now")
            try expectEqual(try await due(1_000, 2), ["wf-100", "wf-200"], "the limit keeps the earliest")
            try expectEqual(try await due(1_000, 10), ["wf-100", "wf-200", "wf-300"])
        },
        ConformanceCase("wake-ups: set moves either way, nil clears, advance only moves earlier") { store in
            try await store.insert(["wf-a", "wf-b", "wf-c"].map { Fixtures.workflow(id: $0) })
            try await store.write { tx in
                try tx.setWakeUp(workflowId: "wf-a", at: 300)
                try tx.setWakeUp(workflowId: "wf-b", at: 100)
            }
            func due() async throws -> [String] {
                try await store.read { try $0.dueWorkflowIds(at: 10_000, limit: 10) }
            }
            try await store.write { try $0.advanceWakeUp(workflowId: "wf-a", to: 400) }
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 350, limit: 10) }, ["wf-b", "wf-a"],
                            "advancing to a later time changes nothing")
            try await store.write { try $0.advanceWakeUp(workflowId: "wf-a", to: 50) }
            try expectEqual(try await due(), ["wf-a", "wf-b"], "advancing to an earlier time moves it")
            try await store.write { try $0.advanceWakeUp(workflowId: "wf-c", to: 75) }
            try expectEqual(try await due(), ["wf-a", "wf-c", "wf-b"], "advancing an unset wake-up sets it")
            try await store.write { try $0.setWakeUp(workflowId: "wf-a", at: 5_000) }
            try expectEqual(try await due(), ["wf-c", "wf-b", "wf-a"], "set moves it later")
            try await store.write { try $0.setWakeUp(workflowId: "wf-c", at: nil) }
            try expectEqual(try await due(), ["wf-b", "wf-a"], "nil clears it")
            try await store.write { try $0.setWakeUp(workflowId: "wf-unknown", at: 1) }
            try expectEqual(try await due(), ["wf-b", "wf-a"], "an unknown workflow gets no wake-up")
        },
        ConformanceCase("wake-ups: only RUNNING executions are due") { store in
            try await store.insert(
                Fixtures.workflow(id: "wf-running"), Fixtures.workflow(id: "wf-paused", status: .paused),
                Fixtures.workflow(id: "wf-completed", status: .completed))
            try await store.write { tx in
                for id in ["wf-running", "wf-paused", "wf-completed"] { try tx.setWakeUp(workflowId: id, at: 10) }
            }
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 100, limit: 10) }, ["wf-running"])
        },
    ]
}
