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

    /// Three more tasks beside `s-task` (a `charge` of `s-order-1`): a completed and a failed `charge`, and a SKIPPED
    /// `ship` of the sub-workflow `s-ship-4`.
    static func insertTaskSearchFixtures(_ workflows: [Workflow], into store: any Store) async throws {
        func make(_ id: String, _ type: String, of workflow: Workflow, _ status: TaskStatus, started: Int64) -> TaskExecution {
            var task = Fixtures.task(id: id, of: workflow, reference: type + "_ref")
            task.taskType = type
            task.status = status
            task.startTime = started
            return task
        }
        var charged = make("t-charge-2", "charge", of: workflows[1], .completed, started: 2_100)
        charged.outputData = ["id": "ch-2"]
        charged.workerId = "w-1"
        var declined = make("t-charge-3", "charge", of: workflows[2], .failed, started: 3_100)
        declined.reasonForIncompletion = "card declined"
        declined.retryCount = 1
        declined.workerId = "w-2"
        var shipped = make("t-ship-4", "ship", of: workflows[3], .skipped, started: 4_100)
        shipped.inputData = ["note": "fragile parcel"]
        var first = Fixtures.task(id: "s-task", of: workflows[0])
        first.taskType = "charge"
        first.startTime = 1_100
        let tasks = [charged, declined, shipped]
        try await store.write { [first] tx in
            try tx.save(first, previous: Fixtures.task(id: "s-task", of: workflows[0]))
            for task in tasks { try tx.save(task, previous: nil) }
        }
    }

    /// The ids of the tasks a parsed query matches, sorted.
    static func taskMatches(_ query: String, freeText: String? = nil, in store: any Store) async throws -> [String] {
        let search = try TaskSearch(query: query, freeText: freeText, sort: [], start: nil, size: nil)
        let result = try await store.read { try $0.search(search) }
        try expectEqual(result.totalHits, Int64(result.tasks.count), "totalHits of \(query) with one page")
        return result.tasks.map(\.taskId).sorted()
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
        ConformanceCase("task search: conditions on task and workflow fields, free text, sort, paging") { store in
            let workflows = try await insertSearchFixtures(into: store)
            try await insertTaskSearchFixtures(workflows, into: store)
            try expectEqual(try await taskMatches("taskType = charge", in: store), ["s-task", "t-charge-2", "t-charge-3"])
            try expectEqual(try await taskMatches("taskType = charge AND status = FAILED", in: store), ["t-charge-3"])
            try expectEqual(try await taskMatches("status IN (completed,SKIPPED)", in: store), ["t-charge-2", "t-ship-4"],
                            "task statuses in any case")
            try expectEqual(try await taskMatches("workflowType = order AND referenceTaskName STARTS_WITH charge", in: store),
                            ["s-task", "t-charge-2", "t-charge-3"])
            try expectEqual(try await taskMatches("correlationId = corr-2", in: store), ["t-charge-2"])
            try expectEqual(try await taskMatches("workflowId = s-ship-4", in: store), ["t-ship-4"])
            try expectEqual(try await taskMatches("startTime > 2500 AND retryCount = 1", in: store), ["t-charge-3"])
            try expectEqual(try await taskMatches("workerId = 'w-*'", in: store), ["t-charge-2", "t-charge-3"])
            try expectEqual(try await taskMatches("", freeText: "parcel", in: store), ["t-ship-4"], "free text in the input")
            try expectEqual(try await taskMatches("", freeText: "declined", in: store), ["t-charge-3"], "free text in the reason")

            let sorted = try TaskSearch(query: "taskType = charge", freeText: nil, sort: ["startTime:DESC"], start: 1, size: 1)
            let page = try await store.read { try $0.search(sorted) }
            try expectEqual(page.totalHits, 3, "totalHits counts every match")
            try expectEqual(page.tasks.map(\.taskId), ["t-charge-2"])
            try expectEqual(page.tasks.first?.workflowType, "order", "a found task carries its workflow's name")
            try expectEqual(page.tasks.first?.outputData, ["id": "ch-2"])
        },
        ConformanceCase("search by tasks: the executions holding a matching task, with workflow sort and paging") { store in
            let workflows = try await insertSearchFixtures(into: store)
            try await insertTaskSearchFixtures(workflows, into: store)
            func holding(_ taskQuery: String?, freeText: String? = nil,
                         workflowQuery: String? = nil) async throws -> (totalHits: Int64, ids: [String]) {
                var search = try WorkflowSearch(query: workflowQuery, freeText: nil, sort: ["startTime:DESC"], start: nil,
                                                size: nil)
                search.havingTask = try TaskSearch.Filter(query: taskQuery, freeText: freeText)
                let result = try await store.read { [search] in try $0.search(search) }
                return (result.totalHits, result.workflows.map(\.workflowId))
            }
            let charged = try await holding("taskType = charge")
            try expectEqual(charged.ids, ["s-order-3", "s-order-2", "s-order-1"])
            try expectEqual(charged.totalHits, 3)
            try expectEqual(try await holding("status = FAILED AND workflowType = order").ids, ["s-order-3"])
            try expectEqual(try await holding(nil, freeText: "parcel", workflowQuery: "status = RUNNING").ids, ["s-ship-4"])
            try expectEqual(try await holding("taskType = nothing").totalHits, 0)
        },
    ]
}
