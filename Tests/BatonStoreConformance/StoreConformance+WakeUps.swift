import BatonModel
import BatonPersistence

extension StoreConformance {
    static let wakeUpCases: [ConformanceCase] = [
        ConformanceCase("wake-ups: bringing forward moves only running executions' wake-ups within the window") { store in
            try await store.insert(["wf-past", "wf-soon", "wf-edge", "wf-late", "wf-unset", "wf-done"].map {
                Fixtures.workflow(id: $0, status: $0 == "wf-done" ? .completed : .running)
            })
            try await store.write { tx in
                for (id, at) in [("wf-past", 50), ("wf-soon", 120), ("wf-edge", 130), ("wf-late", 131), ("wf-done", 110)] {
                    try tx.setWakeUp(workflowId: id, at: Int64(at))
                }
            }
            let moved = try await store.write { try $0.bringForwardWakeUps(dueBy: 130, to: 100) }
            try expectEqual(moved, 2, "the two running wake-ups after now and no later than the limit")
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 100, limit: 10) }.sorted(),
                            ["wf-edge", "wf-past", "wf-soon"], "due now: the one already due and the two brought forward")
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 130, limit: 10) }.sorted(),
                            ["wf-edge", "wf-past", "wf-soon"], "the later one is untouched")
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 131, limit: 10) }.last, "wf-late")
        },
        ConformanceCase("wake-ups: saving a workflow with its wake-up sets, moves and clears it with the update") { store in
            let stored = Fixtures.workflow(id: "wf-saved")
            try await store.insert(stored)
            func due() async throws -> [String] {
                try await store.read { try $0.dueWorkflowIds(at: 10_000, limit: 10) }
            }
            var changed = stored
            changed.updateTime += 1
            try await store.write { [changed] in try $0.save(changed, previous: stored, wakeUp: 500) }
            try expectEqual(try await due(), ["wf-saved"], "set with the update")
            try expectEqual(try await store.workflow("wf-saved")?.updateTime, changed.updateTime, "the update is saved")
            var later = changed
            later.output = ["n": 1]
            try await store.write { [later, changed] in try $0.save(later, previous: changed, wakeUp: 20_000) }
            try expectEqual(try await due(), [], "moved later")
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 20_000, limit: 10) }, ["wf-saved"])
            var cleared = later
            cleared.output = ["n": 2]
            try await store.write { [cleared, later] in try $0.save(cleared, previous: later, wakeUp: nil) }
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 50_000, limit: 10) }, [], "nil clears it")
            try expectEqual(try await store.workflow("wf-saved")?.output, ["n": 2], "with the update")
        },
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
        ConformanceCase("wake-ups: a claim takes due executions earliest first and hides them until the lease ends") { store in
            try await store.insert(["wf-30", "wf-10", "wf-20", "wf-later", "wf-done"].map {
                Fixtures.workflow(id: $0, status: $0 == "wf-done" ? .completed : .running)
            })
            try await store.write { tx in
                for (id, at) in [("wf-30", 30), ("wf-10", 10), ("wf-20", 20), ("wf-later", 500), ("wf-done", 5)] {
                    try tx.setWakeUp(workflowId: id, at: Int64(at))
                }
            }
            func claim(_ now: Int64, _ limit: Int, until lease: Int64) async throws -> [String] {
                try await store.write { try $0.claimDueWorkflowIds(at: now, limit: limit, leaseUntil: lease) }
            }
            try expectEqual(try await claim(100, 2, until: 1_000), ["wf-10", "wf-20"], "the earliest, up to the limit")
            try expectEqual(try await claim(100, 10, until: 1_000), ["wf-30"], "claimed ones are not claimed again")
            try expectEqual(try await claim(100, 10, until: 1_000), [], "nothing else is due")
            try expectEqual(try await store.read { try $0.dueWorkflowIds(at: 999, limit: 10) }, ["wf-later"],
                            "claimed ones are due again only at the lease's end")
            let again = try await claim(1_000, 10, until: 2_000)
            try expectEqual(again.first, "wf-later", "the earliest first")
            try expectEqual(Set(again), ["wf-later", "wf-10", "wf-20", "wf-30"], "after the lease they are due again")
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
