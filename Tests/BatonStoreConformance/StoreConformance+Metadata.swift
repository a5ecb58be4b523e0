import BatonModel
import BatonPersistence

extension StoreConformance {
    static let metadataCases: [ConformanceCase] = [
        ConformanceCase("metadata: task definitions save, replace, list by name and delete") { store in
            var full = TaskDef(name: "charge", retryCount: 5, retryLogic: .exponentialBackoff, retryDelaySeconds: 2,
                               timeoutSeconds: 600, responseTimeoutSeconds: 30, timeoutPolicy: .retry)
            full.description = "Charges a card — ünïcode"
            full.totalTimeoutSeconds = 900
            full.inputKeys = ["amount", "card"]
            full.outputKeys = ["receipt"]
            full.backoffScaleFactor = 3
            full.maxRetryDelaySeconds = 120
            full.backoffJitterMs = 250
            full.pollTimeoutSeconds = 45
            full.concurrentExecLimit = 8
            full.rateLimitPerFrequency = 100
            full.rateLimitFrequencyInSeconds = 60
            full.inputTemplate = ["currency": "EUR", "limits": [1, 2.5]]
            full.isolationGroupId = "isolated"
            full.executionNameSpace = "ns"
            full.ownerEmail = "owner@example.com"
            full.ownerApp = "shop"
            full.createTime = 1_700_000_000_000
            full.updateTime = 1_700_000_000_500
            full.createdBy = "alice"
            full.updatedBy = "bob"
            full.inputSchema = ["type": "object"]
            full.outputSchema = ["type": "object", "required": ["receipt"]]
            full.enforceSchema = true
            let audit = TaskDef(name: "audit")
            try await store.write { [full] tx in
                try tx.save(full)
                try tx.save(audit)
            }
            try expectEqual(try await store.read { try $0.taskDef(named: "charge") }, Optional(full), "every field")
            try expect(try await store.read { try $0.taskDef(named: "missing") } == nil, "unknown is nil")
            var replaced = full
            replaced.retryCount = 0
            replaced.description = nil
            try await store.write { [replaced] in try $0.save(replaced) }
            try expectEqual(try await store.read { try $0.taskDef(named: "charge") }, Optional(replaced), "replaced")
            try expectEqual(try await store.read { try $0.taskDefs() }, [audit, replaced], "listed by name")
            try expect(try await store.write { try $0.deleteTaskDef(named: "charge") }, "delete returns true")
            try expect(!(try await store.write { try $0.deleteTaskDef(named: "charge") }), "then false")
            try expect(try await store.read { try $0.taskDef(named: "charge") } == nil, "deleted")
            try expectEqual(try await store.read { try $0.taskDefs() }, [audit], "the other remains")
        },
        ConformanceCase("metadata: workflow definitions by version, latest, ordered list and delete") { store in
            var full = Fixtures.definition(name: "alpha", version: 2)
            full.failureWorkflow = "alpha_failure"
            full.failureWorkflowVersion = 1
            full.restartable = false
            full.workflowStatusListenerEnabled = true
            full.workflowStatusListenerSink = "sink"
            full.ownerApp = "shop"
            full.inputTemplate = ["kind": "standard"]
            full.inputSchema = ["type": "object"]
            full.outputSchema = ["type": "object"]
            full.enforceSchema = false
            full.maskedFields = ["card"]
            full.rateLimitConfig = ["rateLimitKey": "k", "concurrentExecLimit": 3]
            full.createTime = 1_700_000_000_000
            full.updateTime = 1_700_000_000_001
            full.createdBy = "alice"
            full.updatedBy = "bob"
            let alpha1 = Fixtures.definition(name: "alpha", version: 1)
            let alpha10 = Fixtures.definition(name: "alpha", version: 10)
            let beta1 = Fixtures.definition(name: "beta", version: 1)
            try await store.write { [full] tx in
                for definition in [alpha10, beta1, full, alpha1] { try tx.save(definition) }
            }
            try expectEqual(try await store.read { try $0.workflowDef(named: "alpha", version: 2) }, Optional(full), "every field")
            try expectEqual(try await store.read { try $0.workflowDef(named: "alpha", version: nil) }, Optional(alpha10),
                            "nil version is the highest, compared as numbers")
            try expect(try await store.read { try $0.workflowDef(named: "alpha", version: 3) } == nil, "no version 3")
            try expect(try await store.read { try $0.workflowDef(named: "gamma", version: nil) } == nil, "unknown")
            try expectEqual(try await store.read { try $0.workflowDefs() }.map { "\($0.name) v\($0.version)" },
                            ["alpha v1", "alpha v2", "alpha v10", "beta v1"], "by name then version")
            var replaced = full
            replaced.description = "replaced"
            try await store.write { [replaced] in try $0.save(replaced) }
            try expectEqual(try await store.read { try $0.workflowDef(named: "alpha", version: 2) }, Optional(replaced))
            try expectEqual(try await store.read { try $0.workflowDefs() }.count, 4, "replacing adds no version")
            try expect(try await store.write { try $0.deleteWorkflowDef(named: "alpha", version: 10) }, "deleted")
            try expect(!(try await store.write { try $0.deleteWorkflowDef(named: "alpha", version: 10) }), "then false")
            try expectEqual(try await store.read { try $0.workflowDef(named: "alpha", version: nil) }, Optional(replaced),
                            "the latest is now version 2")
            try expectEqual(try await store.read { try $0.workflowDefs() }.map(\.version), [1, 2, 1])
        },
    ]
}
