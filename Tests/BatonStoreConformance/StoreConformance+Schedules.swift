import BatonModel
import BatonPersistence

extension StoreConformance {
    static let scheduleCases: [ConformanceCase] = [
        ConformanceCase("schedules: save, replace, by name, by workflow, due by next run time, delete with records") { store in
            var nightly = WorkflowSchedule(
                name: "nightly", cronExpression: "0 0 2 * * *", zoneId: "Europe/Paris",
                startWorkflowRequest: StartWorkflowRequest(name: "report", version: 2, input: ["team": "ops", "n": 1]),
                runCatchupScheduleInstances: true, scheduleStartTime: 1_000, scheduleEndTime: 9_000_000,
                description: "Nightly — ünïcode")
            nightly.cronSchedules = [CronSchedule(cronExpression: "0 0 3 * * *", zoneId: "UTC")]
            (nightly.createTime, nightly.updatedTime, nightly.createdBy, nightly.updatedBy) = (10, 20, "ana", "bo")
            nightly.nextRunTime = 5_000
            var hourly = WorkflowSchedule(name: "hourly", cronExpression: "0 0 * * * *",
                                          startWorkflowRequest: StartWorkflowRequest(name: "sync"))
            hourly.nextRunTime = 3_000
            var paused = WorkflowSchedule(name: "paused", cronExpression: "0 0 * * * *",
                                          startWorkflowRequest: StartWorkflowRequest(name: "report"), paused: true)
            paused.pausedReason = "maintenance"
            try await store.write { [nightly, hourly, paused] tx in
                try tx.save(nightly)
                try tx.save(hourly)
                try tx.save(paused)
            }
            try expectEqual(try await store.read { try $0.schedule(named: "nightly") }, Optional(nightly), "every field")
            try expect(try await store.read { try $0.schedule(named: "missing") } == nil, "unknown is nil")
            try expectEqual(try await store.read { try $0.schedules(workflowName: nil) }.map(\.name),
                            ["hourly", "nightly", "paused"], "listed by name")
            try expectEqual(try await store.read { try $0.schedules(workflowName: "report") }.map(\.name),
                            ["nightly", "paused"], "by workflow")
            try expectEqual(try await store.read { try $0.dueScheduleNames(at: 4_999, limit: 10) }, ["hourly"], "due")
            try expectEqual(try await store.read { try $0.dueScheduleNames(at: 5_000, limit: 10) }, ["hourly", "nightly"],
                            "earliest first, paused never")
            try expectEqual(try await store.read { try $0.dueScheduleNames(at: 5_000, limit: 1) }, ["hourly"], "limit")
            var moved = nightly
            moved.nextRunTime = nil
            moved.startWorkflowRequest?.name = "digest"
            try await store.write { [moved] in try $0.save(moved) }
            try expectEqual(try await store.write { try $0.lockSchedule(named: "nightly", skippingIfBusy: true) },
                            Optional(moved), "replaced, and read to change")
            try expectEqual(try await store.read { try $0.dueScheduleNames(at: 10_000, limit: 10) }, ["hourly"],
                            "no next run time: not due")
            try expectEqual(try await store.read { try $0.schedules(workflowName: "digest") }.map(\.name), ["nightly"],
                            "the workflow name follows the request")
            try await store.write { tx in
                try tx.append(Self.execution("e1", schedule: "hourly", at: 3_000), keeping: 10)
            }
            try expect(try await store.write { try $0.deleteSchedule(named: "hourly") }, "delete returns true")
            try expect(!(try await store.write { try $0.deleteSchedule(named: "hourly") }), "then false")
            try expectEqual(try await store.read { try $0.search(ScheduleExecutionSearch()) }.totalHits, 0,
                            "its records went with it")
        },
        ConformanceCase("schedules: slot records keep the newest per schedule and are searched, sorted and paged") { store in
            try await store.write { tx in
                for slot in 1...6 {
                    try tx.append(Self.execution("a\(slot)", schedule: "alpha", at: Int64(slot) * 1_000,
                                                 failed: slot == 2 ? "No such workflow defined. name=report" : nil),
                                  keeping: 4)
                }
                try tx.append(Self.execution("b1", schedule: "beta", at: 2_500, workflow: "Sync_Job"), keeping: 4)
            }
            func search(_ query: String?, freeText: String? = nil, sort: [String] = [], start: Int? = nil,
                        size: Int? = nil) async throws -> (Int64, [String]) {
                let search = try ScheduleExecutionSearch(query: query, freeText: freeText, sort: sort, start: start, size: size)
                let found = try await store.read { try $0.search(search) }
                return (found.totalHits, found.executions.map(\.executionId))
            }
            try expectEqual(try await search(nil).1, ["a6", "a5", "a4", "a3", "b1"], "the newest 4 of alpha kept; latest first")
            try expectEqual(try await search("alpha").1, ["a6", "a5", "a4", "a3"], "a bare name is the schedule's")
            try expectEqual(try await search("scheduleName IN (beta,gamma)").1, ["b1"], "IN")
            try expectEqual(try await search("scheduledTime>3000 AND scheduledTime<6000").1, ["a5", "a4"], "time range")
            try expectEqual(try await search("state IN (EXECUTED) AND workflowName = Sync_Job").1, ["b1"], "state and workflow")
            try expectEqual(try await search(nil, freeText: "sync_").1, ["b1"], "free text in the workflow name, any case")
            let page = try await search(nil, sort: ["scheduledTime:ASC"], start: 1, size: 2)
            try expectEqual(page.1, ["a3", "a4"], "sorted and paged")
            try expectEqual(page.0, 5, "with the total")
            try await store.write { tx in
                try tx.append(Self.execution("a7", schedule: "alpha", at: 7_000, failed: "Workflow w was already started"),
                              keeping: 4)
            }
            let failed = try await store.read { try $0.search(try ScheduleExecutionSearch(query: "state = FAILED", freeText: nil,
                                                                                          sort: [], start: nil, size: nil)) }
            try expectEqual(failed.executions, [Self.execution("a7", schedule: "alpha", at: 7_000,
                                                               failed: "Workflow w was already started")], "every field")
        },
    ]

    static func execution(_ id: String, schedule: String, at time: Int64, workflow: String = "report",
                          failed reason: String? = nil) -> ScheduleExecution {
        ScheduleExecution(executionId: id, scheduleName: schedule, scheduledTime: time, executionTime: time + 7,
                          workflowName: workflow, workflowId: reason == nil ? "wf-\(id)" : nil, reason: reason,
                          startWorkflowRequest: StartWorkflowRequest(name: workflow, input: ["k": "v"]),
                          state: reason == nil ? .executed : .failed, zoneId: "UTC")
    }
}
