import BatonModel
import BatonPersistence

extension StoreConformance {
    static let lookupCases: [ConformanceCase] = [
        ConformanceCase("lookups: an idempotency key finds its newest execution") { store in
            func keyed(_ id: String, _ key: String, _ time: Int64, _ status: WorkflowStatus) -> Workflow {
                var workflow = Fixtures.workflow(id: id, status: status, createTime: time)
                workflow.idempotencyKey = key
                return workflow
            }
            let newest = keyed("wf-new", "key-1", 300, .running)
            try await store.insert(keyed("wf-old", "key-1", 100, .completed), newest,
                                   keyed("wf-mid", "key-1", 200, .failed), keyed("wf-other", "key-2", 400, .running))
            let found = try await store.read { try $0.workflow(idempotencyKey: "key-1") }
            try expectEqual(found?.id, "wf-new")
            try expectEqual(found?.status, .running)
            var finished = newest
            finished.status = .terminated
            try await store.write { [finished] in try $0.save(finished, previous: newest) }
            try expectEqual(try await store.read { try $0.workflow(idempotencyKey: "key-1") }?.status, .terminated,
                            "the status is the current one")
            try expect(try await store.read { try $0.workflow(idempotencyKey: "key-none") } == nil, "unknown is nil")
        },
        ConformanceCase("lookups: a correlation id finds executions of one name, newest first") { store in
            func correlated(_ id: String, _ name: String, _ correlation: String, _ time: Int64) -> Workflow {
                var workflow = Fixtures.workflow(id: id, name: name, createTime: time)
                workflow.correlationId = correlation
                return workflow
            }
            try await store.insert(correlated("wf-1", "order", "c-1", 100), correlated("wf-3", "order", "c-1", 300),
                                   correlated("wf-2", "order", "c-1", 200), correlated("wf-4", "refund", "c-1", 400),
                                   correlated("wf-5", "order", "c-2", 500))
            try expectEqual(try await store.read { try $0.workflowIds(name: "order", correlationId: "c-1") },
                            ["wf-3", "wf-2", "wf-1"])
            try expectEqual(try await store.read { try $0.workflowIds(name: "refund", correlationId: "c-2") }, [])
        },
        ConformanceCase("lookups: running ids by name and version") { store in
            try await store.insert(
                Fixtures.workflow(id: "a1-run", name: "a", version: 1, createTime: 100),
                Fixtures.workflow(id: "a2-run", name: "a", version: 2, createTime: 200),
                Fixtures.workflow(id: "a1-done", name: "a", version: 1, status: .completed, createTime: 300),
                Fixtures.workflow(id: "a1-paused", name: "a", version: 1, status: .paused, createTime: 400),
                Fixtures.workflow(id: "b1-run", name: "b", version: 1, createTime: 500))
            try expectEqual(Set(try await store.read { try $0.runningWorkflowIds(name: "a", version: nil) }),
                            ["a1-run", "a2-run"], "every version")
            try expectEqual(try await store.read { try $0.runningWorkflowIds(name: "a", version: 1) }, ["a1-run"])
            try expectEqual(try await store.read { try $0.runningWorkflowIds(name: "a", version: 3) }, [])
            try expectEqual(try await store.read { try $0.runningWorkflowIds(name: "c", version: nil) }, [])
        },
        ConformanceCase("lookups: ids by name, version and creation range, ends included") { store in
            try await store.insert(
                Fixtures.workflow(id: "t099", name: "a", createTime: 99),
                Fixtures.workflow(id: "t100", name: "a", createTime: 100),
                Fixtures.workflow(id: "t150", name: "a", status: .failed, createTime: 150),
                Fixtures.workflow(id: "t150-v2", name: "a", version: 2, createTime: 150),
                Fixtures.workflow(id: "t200", name: "a", status: .completed, createTime: 200),
                Fixtures.workflow(id: "t201", name: "a", createTime: 201),
                Fixtures.workflow(id: "b150", name: "b", createTime: 150))
            try expectEqual(
                Set(try await store.read { try $0.workflowIds(name: "a", version: 1, createdFrom: 100, to: 200) }),
                ["t100", "t150", "t200"], "version 1, any status")
            try expectEqual(
                Set(try await store.read { try $0.workflowIds(name: "a", version: nil, createdFrom: 100, to: 200) }),
                ["t100", "t150", "t150-v2", "t200"], "every version")
            try expectEqual(try await store.read { try $0.workflowIds(name: "a", version: 1, createdFrom: 202, to: 900) },
                            [])
        },
    ]
}
