import BatonModel
import BatonPersistence

extension StoreConformance {
    /// Six executions to search: three `order`, two `shipment` (one a sub-workflow of `s-order-1`), one `refund`.
    static func insertSearchFixtures(into store: any Store) async throws -> [Workflow] {
        func make(
            _ id: String, _ name: String, version: Int = 1, _ status: WorkflowStatus, created: Int64,
            ended: Int64 = 0, correlation: String? = nil, input: JSONObject = [:], priority: Int = 0,
            parent: String? = nil, reason: String? = nil, idempotencyKey: String? = nil
        ) -> Workflow {
            var workflow = Fixtures.workflow(id: id, name: name, version: version, status: status, createTime: created)
            workflow.updateTime = created + 50
            workflow.endTime = ended
            workflow.correlationId = correlation
            workflow.input = input
            workflow.priority = priority
            workflow.parentWorkflowId = parent
            workflow.reasonForIncompletion = reason
            workflow.idempotencyKey = idempotencyKey
            return workflow
        }
        let workflows = [
            make("s-order-1", "order", .running, created: 1_000, correlation: "corr-1", input: ["customer": "alice"],
                 priority: 1),
            make("s-order-2", "order", version: 2, .completed, created: 2_000, ended: 2_500, correlation: "corr-2",
                 input: ["customer": "bob"], priority: 5),
            make("s-order-3", "order", .failed, created: 3_000, ended: 3_500, input: ["customer": "carol"],
                 reason: "card declined", idempotencyKey: "idem-3"),
            make("s-ship-4", "shipment", .running, created: 4_000, correlation: "ship-4",
                 input: ["note": "fragile parcel"], parent: "s-order-1"),
            make("s-ship-5", "shipment", version: 3, .terminated, created: 5_000, ended: 5_100, correlation: "corr-5",
                 priority: 9, reason: "cancelled by customer"),
            make("s-refund-6", "refund", .paused, created: 6_000, input: ["customer": "dave"]),
        ]
        try await store.insert(workflows)
        try await store.insert([Fixtures.task(id: "s-task", of: workflows[0])])
        return workflows
    }

    /// The ids a parsed query matches, sorted.
    static func matches(_ query: String, freeText: String? = nil, in store: any Store) async throws -> [String] {
        let search = try WorkflowSearch(query: query, freeText: freeText, sort: [], start: nil, size: nil)
        let result = try await store.searchIds(search)
        try expectEqual(result.total, Int64(result.ids.count), "totalHits of \(query) with one page")
        return result.ids.sorted()
    }

    static let searchCases: [ConformanceCase] = [
        ConformanceCase("search: equality, IN and inequality") { store in
            _ = try await insertSearchFixtures(into: store)
            try expectEqual(try await matches("status IN (RUNNING,FAILED)", in: store),
                            ["s-order-1", "s-order-3", "s-ship-4"])
            try expectEqual(try await matches("status = COMPLETED", in: store), ["s-order-2"])
            try expectEqual(try await matches("workflowType = order", in: store), ["s-order-1", "s-order-2", "s-order-3"])
            try expectEqual(try await matches("workflowType IN (refund,shipment)", in: store),
                            ["s-refund-6", "s-ship-4", "s-ship-5"])
            try expectEqual(try await matches("workflowId IN (s-order-1,s-ship-5,missing)", in: store),
                            ["s-order-1", "s-ship-5"])
            try expectEqual(try await matches("workflowType != order", in: store), ["s-refund-6", "s-ship-4", "s-ship-5"])
            try expectEqual(try await matches("correlationId != corr-1", in: store),
                            ["s-order-2", "s-order-3", "s-refund-6", "s-ship-4", "s-ship-5"],
                            "!= also matches executions without the field")
            try expectEqual(try await matches("version = 2", in: store), ["s-order-2"])
            try expectEqual(try await matches("version IN (1,3) AND workflowType = shipment", in: store),
                            ["s-ship-4", "s-ship-5"])
            try expectEqual(try await matches("idempotencyKey = idem-3", in: store), ["s-order-3"])
            try expectEqual(try await matches("reasonForIncompletion = 'card declined'", in: store), ["s-order-3"])
            try expectEqual(try await matches("workflowType = order AND status IN (RUNNING,COMPLETED)", in: store),
                            ["s-order-1", "s-order-2"], "conditions join with AND")
            try expectEqual(try await matches("status = TIMED_OUT", in: store), [])
        },
        ConformanceCase("search: ranges on times and numbers") { store in
            _ = try await insertSearchFixtures(into: store)
            try expectEqual(try await matches("startTime > 3000", in: store), ["s-refund-6", "s-ship-4", "s-ship-5"],
                            "> excludes the bound")
            try expectEqual(try await matches("startTime < 3000", in: store), ["s-order-1", "s-order-2"])
            try expectEqual(try await matches("startTime BETWEEN 2000 AND 4000", in: store),
                            ["s-order-2", "s-order-3", "s-ship-4"], "BETWEEN includes both ends")
            try expectEqual(try await matches("startTime > 1970-01-01T00:00:04.500Z", in: store),
                            ["s-refund-6", "s-ship-5"], "ISO-8601 instants")
            try expectEqual(try await matches("endTime > 0 AND endTime < 3500", in: store), ["s-order-2"])
            try expectEqual(try await matches("updateTime BETWEEN 1050 AND 2050", in: store), ["s-order-1", "s-order-2"])
            try expectEqual(try await matches("modifiedTime > 5049", in: store), ["s-refund-6", "s-ship-5"])
            try expectEqual(try await matches("priority > 4", in: store), ["s-order-2", "s-ship-5"],
                            "numbers compare as numbers (9 > 4, 5 > 4)")
            try expectEqual(try await matches("priority > 10", in: store), [], "numbers compare as numbers (9 < 10)")
            try expectEqual(try await matches("version < 3", in: store).count, 5)
        },
        ConformanceCase("search: wildcards, prefixes, top level and IS NULL") { store in
            _ = try await insertSearchFixtures(into: store)
            try expectEqual(try await matches("workflowType = ord*", in: store), ["s-order-1", "s-order-2", "s-order-3"])
            try expectEqual(try await matches("workflowType = *ment", in: store), ["s-ship-4", "s-ship-5"])
            try expectEqual(try await matches("correlationId = corr-*", in: store), ["s-order-1", "s-order-2", "s-ship-5"])
            try expectEqual(try await matches("workflowId = s-*-4", in: store), ["s-ship-4"])
            try expectEqual(try await matches("correlationId = corr_*", in: store), [], "_ is not a wildcard")
            try expectEqual(try await matches("correlationId = corr%*", in: store), [], "% is not a wildcard")
            try expectEqual(try await matches("correlationId STARTS_WITH ship", in: store), ["s-ship-4"])
            try expectEqual(try await matches("parentWorkflowId = ''", in: store),
                            ["s-order-1", "s-order-2", "s-order-3", "s-refund-6", "s-ship-5"], "top level")
            let topLevel = try WorkflowSearch(query: "workflowType = shipment", freeText: nil, sort: [], start: nil,
                                              size: nil, topLevelOnly: true)
            try expectEqual(try await store.searchIds(topLevel).ids, ["s-ship-5"], "topLevelOnly")
            try expectEqual(try await matches("parentWorkflowId = s-order-1", in: store), ["s-ship-4"])
            try expectEqual(try await matches("correlationId IS NULL", in: store), ["s-order-3", "s-refund-6"])
            try expectEqual(try await matches("reasonForIncompletion IS NOT NULL", in: store), ["s-order-3", "s-ship-5"])
        },
        ConformanceCase("search: free text over id, correlation id and input") { store in
            _ = try await insertSearchFixtures(into: store)
            try expectEqual(try await matches("", freeText: "s-order-2", in: store), ["s-order-2"], "by id")
            try expectEqual(try await matches("", freeText: "corr-5", in: store), ["s-ship-5"], "by correlation id")
            try expectEqual(try await matches("", freeText: "alice", in: store), ["s-order-1"], "by input")
            try expectEqual(try await matches("", freeText: "parcel", in: store), ["s-ship-4"], "by a word of input")
            try expectEqual(try await matches("status = RUNNING", freeText: "parcel", in: store), ["s-ship-4"])
            try expectEqual(try await matches("status = COMPLETED", freeText: "parcel", in: store), [])
            try expectEqual(try await matches("", freeText: "zebra", in: store), [])
            try expectEqual(try await matches("*", freeText: "*", in: store).count, 6, "* matches everything")
        },
        ConformanceCase("search: sort keys") { store in
            _ = try await insertSearchFixtures(into: store)
            func ids(sortedBy keys: [String]) async throws -> [String] {
                let search = try WorkflowSearch(query: nil, freeText: nil, sort: keys, start: nil, size: nil)
                let result = try await store.searchIds(search)
                return result.ids
            }
            try expectEqual(try await ids(sortedBy: ["startTime:ASC"]),
                            ["s-order-1", "s-order-2", "s-order-3", "s-ship-4", "s-ship-5", "s-refund-6"])
            try expectEqual(try await ids(sortedBy: ["startTime:DESC"]),
                            ["s-refund-6", "s-ship-5", "s-ship-4", "s-order-3", "s-order-2", "s-order-1"])
            try expectEqual(try await ids(sortedBy: ["workflowType", "startTime:DESC"]),
                            ["s-order-3", "s-order-2", "s-order-1", "s-refund-6", "s-ship-5", "s-ship-4"],
                            "several keys, most significant first")
            try expectEqual(try await ids(sortedBy: ["priority:DESC|startTime:ASC"]),
                            ["s-ship-5", "s-order-2", "s-order-1", "s-order-3", "s-ship-4", "s-refund-6"])
            try expectEqual(try await ids(sortedBy: ["workflowId:DESC"]),
                            ["s-ship-5", "s-ship-4", "s-refund-6", "s-order-3", "s-order-2", "s-order-1"])
            try expectEqual(try await ids(sortedBy: ["endTime:DESC", "workflowId"]),
                            ["s-ship-5", "s-order-3", "s-order-2", "s-order-1", "s-refund-6", "s-ship-4"])
        },
        ConformanceCase("search: paging keeps totalHits; results are whole executions without tasks") { store in
            let workflows = try await insertSearchFixtures(into: store)
            func page(_ start: Int, _ size: Int, _ query: String? = nil) async throws -> (total: Int64, ids: [String]) {
                try await store.searchIds(
                    WorkflowSearch(query: query, freeText: nil, sort: ["startTime"], start: start, size: size))
            }
            try expectEqual(try await page(0, 2).ids, ["s-order-1", "s-order-2"])
            try expectEqual(try await page(2, 2).ids, ["s-order-3", "s-ship-4"])
            try expectEqual(try await page(4, 2).ids, ["s-ship-5", "s-refund-6"])
            try expectEqual(try await page(5, 2).ids, ["s-refund-6"], "a short last page")
            try expectEqual(try await page(2, 2).total, 6, "totalHits counts every match")
            let beyond = try await page(10, 2)
            try expectEqual(beyond.ids, [], "a page past the end is empty")
            try expectEqual(beyond.total, 6)
            let none = try await page(0, 0)
            try expectEqual(none.ids, [], "size 0 returns only the count")
            try expectEqual(none.total, 6)
            let filtered = try await page(1, 1, "workflowType = order")
            try expectEqual(filtered.ids, ["s-order-2"])
            try expectEqual(filtered.total, 3, "totalHits counts matches, not the page")
            let result = try await store.read {
                try $0.search(WorkflowSearch(conditions: [.init(field: .workflowId, comparison: .equals("s-order-1"))]))
            }
            try expectEqual(result.workflows, [stored(workflows[0])], "the whole execution, without its tasks")
        },
        ConformanceCase("search: totals by name and status follow status changes, deletions and rollbacks") { store in
            let workflows = try await insertSearchFixtures(into: store)
            let total: @Sendable (String?) async throws -> Int64 = { query in
                let search = try WorkflowSearch(query: query, freeText: nil, sort: [], start: 0, size: 0)
                return try await store.searchIds(search).total
            }
            let finished = { var workflow = workflows[0]; workflow.status = .completed; return workflow }()
            try await store.write { try $0.save(finished, previous: workflows[0]) }
            _ = try await store.write { try $0.deleteWorkflow(id: "s-order-3") }
            do {
                try await store.write { tx in
                    var failed = workflows[3]
                    failed.status = .failed
                    try tx.save(failed, previous: workflows[3])
                    throw IntendedFailure()
                }
            } catch is IntendedFailure {}
            try expectEqual(try await total(nil), 5, "every workflow")
            try expectEqual(try await total("workflowType = order"), 2)
            try expectEqual(try await total("workflowType IN (order) AND status IN (COMPLETED)"), 2)
            try expectEqual(try await total("status IN (RUNNING)"), 1, "s-ship-4, whose failure rolled back")
            try expectEqual(try await total("status = FAILED"), 0, "the failed one was deleted")
            try expectEqual(try await total("status IN (RUNNING,COMPLETED) AND workflowType IN (shipment,order)"), 3)
            try expectEqual(try await total("workflowType = nothing"), 0)
        },
    ]
}
