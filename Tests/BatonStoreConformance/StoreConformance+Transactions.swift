import BatonModel
import BatonPersistence

extension StoreConformance {
    /// Writes one of everything a transaction can write for `workflowId`, then throws when `failing`.
    static func writeEverything(
        _ tx: any StoreTransaction, workflowId: String, definition: WorkflowDef, failing: Bool
    ) throws {
        let workflow = Fixtures.workflow(id: workflowId, definition: definition)
        try tx.save(workflow, previous: nil)
        try tx.save(Fixtures.task(id: "\(workflowId)-task", of: workflow), previous: nil)
        try tx.enqueue(Fixtures.entry("\(workflowId)-task", queue: "q-\(workflowId)", workflowId: workflowId))
        try tx.setWakeUp(workflowId: workflowId, at: 10)
        try tx.append(WorkflowEvent(workflowId: workflowId, time: 1, kind: "workflow.started", actor: "api"))
        try tx.append([TaskExecLog(log: "hello", taskId: "\(workflowId)-task", createdTime: 1)],
                      taskId: "\(workflowId)-task")
        try tx.save(TaskDef(name: "def-\(workflowId)"))
        try tx.save(WorkflowDef(name: "def-\(workflowId)", tasks: []))
        try tx.recordPoll(PollData(queueName: "q-\(workflowId)", domain: nil, workerId: "w", lastPollTime: 1))
        if failing { throw IntendedFailure() }
    }

    /// Throws unless nothing `writeEverything` writes for `workflowId` exists.
    static func expectNothing(of workflowId: String, in store: any Store) async throws {
        let traces = try await store.read { reader -> [String] in
            var traces: [String] = []
            if try reader.workflow(id: workflowId, includeTasks: true) != nil { traces.append("workflow") }
            if try reader.task(id: "\(workflowId)-task") != nil { traces.append("task") }
            if try reader.queueSize("q-\(workflowId)") != 0 { traces.append("queue entry") }
            if try reader.dueWorkflowIds(at: 100, limit: 1_000).contains(workflowId) { traces.append("wake-up") }
            if try !reader.events(workflowId: workflowId).isEmpty { traces.append("events") }
            if try !reader.logs(taskId: "\(workflowId)-task").isEmpty { traces.append("logs") }
            if try reader.taskDef(named: "def-\(workflowId)") != nil { traces.append("task definition") }
            if try reader.workflowDef(named: "def-\(workflowId)", version: nil) != nil {
                traces.append("workflow definition")
            }
            if try !reader.pollData(taskType: "q-\(workflowId)").isEmpty { traces.append("poll data") }
            return traces
        }
        try expectEqual(traces, [], "what a failed transaction left behind for \(workflowId)")
    }

    /// Throws unless everything `writeEverything` writes for `workflowId` exists.
    static func expectEverything(of workflowId: String, in store: any Store) async throws {
        let counts = try await store.read { reader -> [Int] in
            [
                try reader.workflow(id: workflowId, includeTasks: true)?.tasks.count ?? -1,
                try reader.queueSize("q-\(workflowId)"),
                try reader.events(workflowId: workflowId).count,
                try reader.logs(taskId: "\(workflowId)-task").count,
                try reader.taskDef(named: "def-\(workflowId)") == nil ? 0 : 1,
                try reader.workflowDef(named: "def-\(workflowId)", version: nil) == nil ? 0 : 1,
                try reader.pollData(taskType: "q-\(workflowId)").count,
            ]
        }
        try expectEqual(counts, [1, 1, 1, 1, 1, 1, 1], "workflow tasks, queue, events, logs, defs, polls of \(workflowId)")
    }

    static let transactionCases: [ConformanceCase] = [
        ConformanceCase("transactions: a write that throws leaves nothing behind and rethrows its error") { store in
            let definition = Fixtures.definition(name: "atomic")
            try await expectThrows("the failing write", matching: { $0 is IntendedFailure }) {
                try await store.write { try writeEverything($0, workflowId: "wf-atomic", definition: definition, failing: true) }
            }
            try await expectNothing(of: "wf-atomic", in: store)
            try await store.write { try writeEverything($0, workflowId: "wf-atomic", definition: definition, failing: false) }
            try await expectEverything(of: "wf-atomic", in: store)
            try expectEqual(try await store.workflow("wf-atomic")?.workflowDefinition, definition,
                            "the retried write stores the definition the failed one introduced")
        },
        ConformanceCase("transactions: a failed update leaves the committed version") { store in
            let original = Fixtures.workflow(id: "wf-kept")
            try await store.insert(original)
            var changed = original
            changed.status = .completed
            changed.workflowDefinition = Fixtures.definition(description: "never committed")
            try await expectThrows("the failing update", matching: { $0 is IntendedFailure }) {
                try await store.write { [changed] tx in
                    try tx.save(changed, previous: original)
                    try expectEqual(try tx.workflow(id: "wf-kept", includeTasks: false)?.status, .completed,
                                    "the transaction sees its own change")
                    throw IntendedFailure()
                }
            }
            try expectEqual(try await store.workflow("wf-kept"), stored(original))
            try await store.write { [changed] in try $0.save(changed, previous: original) }
            try expectEqual(try await store.workflow("wf-kept"), stored(changed), "the same update then succeeds")
        },
        ConformanceCase("transactions: a read after a write sees it, and write returns the body's result") { store in
            let result = try await store.write { tx -> String in
                try tx.save(Fixtures.workflow(id: "wf-visible"), previous: nil)
                return try tx.workflow(id: "wf-visible", includeTasks: false)?.workflowId ?? "missing"
            }
            try expectEqual(result, "wf-visible")
            try expectEqual(try await store.workflow("wf-visible")?.workflowId, "wf-visible")
            for round in 1...20 {
                try await store.write { try $0.setWakeUp(workflowId: "wf-visible", at: Int64(round)) }
                try expectEqual(try await store.read { try $0.dueWorkflowIds(at: Int64(round), limit: 1) }, ["wf-visible"],
                                "round \(round)")
                try expectEqual(try await store.read { try $0.dueWorkflowIds(at: Int64(round) - 1, limit: 1) }, [],
                                "round \(round)")
            }
            try await expectThrows("a throwing read", matching: { $0 is IntendedFailure }) {
                _ = try await store.read { _ -> Int in throw IntendedFailure() }
            }
        },
        ConformanceCase("transactions: 200 concurrent writes all land") { store in
            let definition = Fixtures.definition(name: "concurrent")
            let results = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await store.write { tx -> String in
                            try tx.save(Fixtures.workflow(id: "wf-c\(index)", definition: definition), previous: nil)
                            try tx.append(WorkflowEvent(workflowId: "wf-c\(index)", time: Int64(index), kind: "started",
                                                        actor: "api"))
                            try tx.enqueue(Fixtures.entry("t-c\(index)", queue: "concurrent", workflowId: "wf-c\(index)"))
                            return "wf-c\(index)"
                        }
                    }
                }
                var results: [String] = []
                for try await result in group { results.append(result) }
                return results
            }
            try expectEqual(Set(results), Set((0..<200).map { "wf-c\($0)" }), "each write returns its own result")
            let total = try await store.read { try $0.search(WorkflowSearch(size: 0)).totalHits }
            try expectEqual(total, 200, "every execution landed")
            try expectEqual(try await store.read { try $0.queueSize("concurrent") }, 200, "every queue entry landed")
            for index in [0, 99, 199] {
                try expectEqual(try await store.read { try $0.events(workflowId: "wf-c\(index)") }.count, 1)
                try expectEqual(try await store.workflow("wf-c\(index)")?.workflowDefinition, definition)
            }
        },
        ConformanceCase("transactions: failing writes among concurrent ones roll back alone") { store in
            let definition = Fixtures.definition(name: "mixed")
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<120 {
                    group.addTask {
                        let failing = index % 10 == 5
                        // The failing writes each introduce a definition no other write uses.
                        let used = failing ? Fixtures.definition(name: "mixed-\(index)") : definition
                        do {
                            try await store.write {
                                try writeEverything($0, workflowId: "wf-m\(index)", definition: used, failing: failing)
                            }
                            return (index, true)
                        } catch {
                            return (index, false)
                        }
                    }
                }
                var outcomes: [Int: Bool] = [:]
                for await (index, succeeded) in group { outcomes[index] = succeeded }
                return outcomes
            }
            let failed = outcomes.filter { !$0.value }.keys.sorted()
            try expectEqual(failed, Array(stride(from: 5, to: 120, by: 10)), "exactly the failing writes failed")
            for index in 0..<120 {
                if index % 10 == 5 {
                    try await expectNothing(of: "wf-m\(index)", in: store)
                } else {
                    try await expectEverything(of: "wf-m\(index)", in: store)
                }
            }
            for index in failed {
                let retried = Fixtures.definition(name: "mixed-\(index)")
                try await store.write {
                    try writeEverything($0, workflowId: "wf-m\(index)", definition: retried, failing: false)
                }
                try await expectEverything(of: "wf-m\(index)", in: store)
            }
            let total = try await store.read { try $0.search(WorkflowSearch(size: 0)).totalHits }
            try expectEqual(total, 120)
        },
        ConformanceCase("transactions: writing each of many bodies answers in order, and a failing one rolls back alone") { store in
            let definition = Fixtures.definition(name: "each")
            let bodies: [@Sendable (any StoreTransaction) throws -> String] = (0..<60).map { index in
                { tx in
                    let failing = index % 7 == 3
                    let used = failing ? Fixtures.definition(name: "each-\(index)") : definition
                    try writeEverything(tx, workflowId: "wf-e\(index)", definition: used, failing: failing)
                    return "wf-e\(index)"
                }
            }
            let outcomes = await store.writeEach(bodies)
            try expectEqual(outcomes.count, 60)
            for (index, outcome) in outcomes.enumerated() {
                switch outcome {
                case .success(let id):
                    try expectEqual(index % 7 == 3, false, "body \(index) succeeded")
                    try expectEqual(id, "wf-e\(index)", "outcome \(index) is its own body's")
                    try await expectEverything(of: id, in: store)
                case .failure:
                    try expectEqual(index % 7 == 3, true, "body \(index) failed")
                    try await expectNothing(of: "wf-e\(index)", in: store)
                }
            }
            try expectEqual(await store.writeEach([] as [@Sendable (any StoreTransaction) throws -> Int]).count, 0)
        },
    ]
}
