import BatonClient
import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// `/api/scheduler`: schedules saved, fired, paused and searched over HTTP, and when a cron expression fires
/// (`nextFewSchedules`, the scenarios of Conductor's `SchedulerServiceTest` for `getListOfNextSchedules`), with the
/// refusals. The server's clock is moved by the test; slots are fired by asking the engine (its sweeper may too: a
/// slot fires once either way).
@Suite struct SchedulerAPITests {
    /// 2021-08-26T17:46:40Z, the instant Conductor's tests take as now.
    static let now: Int64 = 1_630_000_000_000

    static func nextFew(_ server: RunningServer, _ query: String) async throws -> (status: Int, times: [Int64], body: String) {
        let reply = try await server.client.get("/api/scheduler/nextFewSchedules?" + query)
        let body = reply.text
        return (Int(reply.status), reply.status == 200 ? try reply.decode([Int64].self) : [], body)
    }

    @Test("at most 5 fire times, ascending, each a slot of the expression after now, whatever the limit asked")
    func capsAtFive() async throws {
        try await withRunningServer { server in
            server.clock.advance(by: Self.now - server.clock.now())
            let every = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20%3F&limit=10")
            let minutes: [Int64] = (0..<5).map { 1_630_000_020_000 + Int64($0) * 60_000 }  // 17:47:00, 17:48:00, …
            #expect(every.times == minutes)
            let three = try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20MON-FRI&limit=3")
            // Friday 27 August, Monday 30 and Tuesday 31 August 2021 at 09:00 UTC.
            #expect(three.times == [1_630_054_800_000, 1_630_314_000_000, 1_630_400_400_000])
            #expect(try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20*").times.count == 5)
            #expect(try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20*&limit=0").times.isEmpty)
        }
    }

    @Test("the end time stops the list early; a start time later than now is where it begins")
    func window() async throws {
        try await withRunningServer { server in
            server.clock.advance(by: Self.now - server.clock.now())
            let ended = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20%3F&scheduleEndTime=\(Self.now + 90_000)")
            #expect(ended.times == [1_630_000_020_000, 1_630_000_080_000], "only the fires before the end")
            let start = Self.now + 3_600_000  // 18:46:40
            let later = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20*&scheduleStartTime=\(start)&limit=2")
            #expect(later.times == [1_630_003_620_000, 1_630_003_680_000])
            // A start time exactly on a slot is that slot (Conductor looks from half a second before it).
            let onSlot = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20*&scheduleStartTime=1630003620000&limit=1")
            #expect(onSlot.times == [1_630_003_620_000])
            let past = try await Self.nextFew(server, "cronExpression=0%20*%20*%20*%20*%20*&scheduleStartTime=1&limit=1")
            #expect(past.times == [1_630_000_020_000], "a start time already passed changes nothing")
            let never = try await Self.nextFew(server, "cronExpression=0%200%200%2031%206%20*")
            #expect(never.status == 200 && never.times.isEmpty, "June has no 31st")
        }
    }

    @Test("a zone reads the expression in that zone's wall-clock time (Baton's zoneId); an unknown zone is a 400")
    func zone() async throws {
        try await withRunningServer { server in
            server.clock.advance(by: Self.now - server.clock.now())
            // 09:00 in New York on 27 and 30 August 2021 (EDT, UTC-4).
            let newYork = try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20MON-FRI&zoneId=America/New_York&limit=2")
            #expect(newYork.times == [1_630_069_200_000, 1_630_328_400_000], "\(newYork.body)")
            let unknown = try await Self.nextFew(server, "cronExpression=0%200%209%20*%20*%20*&zoneId=Mars/Base")
            #expect(unknown.status == 400 && unknown.body.contains("zoneId 'Mars/Base'"), "\(unknown.body)")
            try await withBatonClient(baseURL: server.baseURL) { client in
                let times = try await client.scheduler.nextFireTimes(cronExpression: "0 0 9 * * MON-FRI",
                                                                     zoneId: "America/New_York", limit: 2)
                #expect(times == newYork.times)
            }
        }
    }

    @Test("an expression that is not Spring's cron, or none, is refused with a 400 naming what is wrong")
    func refusals() async throws {
        try await withRunningServer { server in
            let notCron = try await Self.nextFew(server, "cronExpression=not-a-cron")
            #expect(notCron.status == 400)
            #expect(notCron.body.contains("Invalid cron expression"), "\(notCron.body)")
            let fiveFields = try await Self.nextFew(server, "cronExpression=0%209%20*%20*%20*")
            #expect(fiveFields.status == 400 && fiveFields.body.contains("six fields"), "\(fiveFields.body)")
            let hour = try await Self.nextFew(server, "cronExpression=0%200%2025%20*%20*%20*")
            #expect(hour.status == 400 && hour.body.contains("hour '25': 25 is outside 0-23"), "\(hour.body)")
            #expect(try await Self.nextFew(server, "limit=3").status == 400)
            #expect(try await Self.nextFew(server, "cronExpression=*%20*%20*%20*%20*%20*&limit=x").status == 400)
        }
    }

    @Test("the SDK asks the same and gets the same; a refusal is a ClientError with the server's message")
    func sdk() async throws {
        try await withRunningServer { server in
            server.clock.advance(by: Self.now - server.clock.now())
            try await withBatonClient(baseURL: server.baseURL) { client in
                let times = try await client.scheduler.nextFireTimes(cronExpression: "0 * * * * ?", endTime: Self.now + 90_000)
                #expect(times == [1_630_000_020_000, 1_630_000_080_000])
                let error = await #expect(throws: ClientError.self) {
                    try await client.scheduler.nextFireTimes(cronExpression: "0 0 25 * * *")
                }
                #expect(error?.status == 400)
                #expect(error?.message.contains("hour '25'") == true, "\(String(describing: error))")
            }
        }
    }

    static let report = #"{"name":"sched_report","version":1,"tasks":[{"name":"sched_build","taskReferenceName":"build","type":"SIMPLE"}]}"#

    @Test("an every-second schedule saved over HTTP starts one workflow per slot, each with its slot in its input, and records each")
    func everySecond() async throws {
        try await withRunningServer { server in
            #expect(try await server.client.send(.POST, "/api/metadata/workflow", body: Self.report).status == 200)
            server.clock.advance(by: Self.now - server.clock.now())
            let body = #"{"name":"tick","cronExpression":"* * * * * *","startWorkflowRequest":{"name":"sched_report","input":{"a":1}}}"#
            let saved = try await server.client.send(.POST, "/api/scheduler/schedules", body: body)
            #expect(saved.status == 200, "\(saved.text)")
            let schedule = try saved.decode(WorkflowSchedule.self)
            #expect(schedule.nextRunTime == Self.now + 1_000 && schedule.zoneId == "UTC" && !schedule.paused)
            for _ in 0..<3 {
                server.clock.advance(by: 1_000)
                await server.engine.fireDueSchedules()
            }
            let found = try await server.client.get("/api/scheduler/search/executions?query=scheduleName%20IN%20(tick)&sort=scheduledTime:ASC")
            let records = try found.decode(SearchResult<ScheduleExecution>.self)
            #expect(records.totalHits == 3 && records.results.map(\.scheduledTime) == [1_000, 2_000, 3_000].map { Self.now + $0 })
            #expect(records.results.allSatisfy { $0.state == .executed && $0.workflowName == "sched_report" })
            for record in records.results {
                let workflow = try await server.client.get("/api/workflow/\(record.workflowId ?? "")").decode(Workflow.self)
                #expect(workflow.input["_scheduledTime"] == .int(record.scheduledTime) && workflow.input["a"] == 1)
                #expect(workflow.input["_startedByScheduler"] == "tick" && workflow.input["_executionId"] == .string(record.executionId))
            }
            let listed = try await server.client.get("/api/scheduler/schedules?workflowName=sched_report").decode([WorkflowSchedule].self)
            #expect(listed.map(\.name) == ["tick"] && listed.first?.nextRunTime == Self.now + 4_000)
            let searched = try await server.client.get("/api/scheduler/schedules/search?scheduleName=TIC&paused=false")
            #expect(try searched.decode(SearchResult<WorkflowSchedule>.self).results.map(\.name) == ["tick"], "\(searched.text)")
            #expect(try await server.client.send(.PUT, "/api/scheduler/schedules/tick/pause?reason=later").status == 200)
            let paused = try await server.client.get("/api/scheduler/schedules/tick").decode(WorkflowSchedule.self)
            #expect(paused.paused && paused.pausedReason == "later" && paused.nextRunTime == nil)
            server.clock.advance(by: 5_000)
            await server.engine.fireDueSchedules()
            #expect(try await server.client.get("/api/scheduler/search/executions?query=tick").decode(
                SearchResult<ScheduleExecution>.self).totalHits == 3, "nothing while paused")
            #expect(try await server.client.send(.PUT, "/api/scheduler/schedules/tick/resume").status == 200)
            #expect(try await server.client.send(.DELETE, "/api/scheduler/schedules/tick").status == 200)
            #expect(try await server.client.get("/api/scheduler/schedules/tick").status == 404)
            #expect(try await server.client.send(.DELETE, "/api/scheduler/schedules/tick").status == 200, "deleting twice is no error")
        }
    }

    @Test("a bad schedule is a 400 naming the field, and changes nothing; an unknown one is a 404", arguments: [
        (#"{"cronExpression":"* * * * * *","startWorkflowRequest":{"name":"w"}}"#, "Schedule name is required"),
        (#"{"name":"s","cronExpression":"0 0 25 * * *","startWorkflowRequest":{"name":"w"}}"#, "hour '25'"),
        (#"{"name":"s","cronExpression":"0 0 9 * * *","zoneId":"Mars/Base","startWorkflowRequest":{"name":"w"}}"#, "zoneId 'Mars/Base'"),
        (#"{"name":"s","cronExpression":"0 0 9 * * *"}"#, "startWorkflowRequest is required"),
        (#"{"name":"s","cronExpression":"0 0 9 * * *","startWorkflowRequest":{"name":"w"},"tags":[{"key":"a","value":"b"}]}"#,
         "tags is not supported"),
        (#"{"name":"s","cronExpression":"0 0 9 * * *","startWorkflowRequest":{"name":"w"},"scheduleStartTime":"soon"}"#,
         "scheduleStartTime"),
        (#"[1]"#, "Invalid JSON body"),
    ])
    func refusals(body: String, fragment: String) async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.POST, "/api/scheduler/schedules", body: body)
            #expect(reply.status == 400, "\(reply.text)")
            let error = try reply.decode(ErrorResponse.self)
            #expect(error.status == 400 && error.message.contains(fragment), "\(error.message)")
            #expect(try await server.client.get("/api/scheduler/schedules").decode([WorkflowSchedule].self).isEmpty)
            for (method, path) in [(HTTPMethod.GET, "/api/scheduler/schedules/nope"), (.PUT, "/api/scheduler/schedules/nope/pause"),
                                   (.PUT, "/api/scheduler/schedules/nope/resume")] {
                let missing = try await server.client.send(method, path)
                #expect(missing.status == 404 && missing.text.contains("Schedule 'nope' not found"), "\(path): \(missing.text)")
            }
            let badQuery = try await server.client.get("/api/scheduler/search/executions?query=color%20%3D%20red")
            #expect(badQuery.status == 400 && badQuery.text.contains("valid fields are"), "\(badQuery.text)")
            let badSort = try await server.client.get("/api/scheduler/schedules/search?sort=color:ASC")
            #expect(badSort.status == 400 && badSort.text.contains("Cannot sort schedules by 'color:ASC'"), "\(badSort.text)")
        }
    }

    @Test("bulk pause and resume apply to each named schedule on its own; an unknown one is reported, an empty list refused")
    func bulk() async throws {
        try await withRunningServer { server in
            for name in ["b1", "b2"] {
                let body = #"{"name":"\#(name)","cronExpression":"0 0 9 * * *","startWorkflowRequest":{"name":"w"}}"#
                #expect(try await server.client.send(.POST, "/api/scheduler/schedules", body: body).status == 200)
            }
            let paused = try await server.client.send(.PUT, "/api/scheduler/bulk/pause", body: #"["b1","b2","nope"]"#)
                .decode(BulkResponse.self)
            #expect(paused.bulkSuccessfulResults == ["b1", "b2"])
            #expect(paused.bulkErrorResults == ["nope": "Schedule 'nope' not found"])
            let listed = try await server.client.get("/api/scheduler/schedules").decode([WorkflowSchedule].self)
            #expect(listed.allSatisfy { $0.paused })
            let resumed = try await server.client.send(.PUT, "/api/scheduler/bulk/resume", body: #"["b2"]"#).decode(BulkResponse.self)
            #expect(resumed.bulkSuccessfulResults == ["b2"])
            #expect(try await server.client.get("/api/scheduler/schedules/b2").decode(WorkflowSchedule.self).nextRunTime != nil)
            let empty = try await server.client.send(.PUT, "/api/scheduler/bulk/pause", body: "[]")
            #expect(empty.status == 400 && empty.text.contains("Schedule names list cannot be null."))
            let many = "[" + (0...1000).map { "\"s\($0)\"" }.joined(separator: ",") + "]"
            let tooMany = try await server.client.send(.PUT, "/api/scheduler/bulk/resume", body: many)
            #expect(tooMany.status == 400 && tooMany.text.contains("Cannot process more than 1000 schedules"), "\(tooMany.text)")
        }
    }

    @Test("searching schedules: free text in the name, description or workflow name; sorted by a field either way; paged")
    func searchSchedules() async throws {
        try await withRunningServer { server in
            for (name, cron, description) in [("alpha", "0 0 9 * * *", "morning report"), ("beta", "0 0 3 * * *", "nightly"),
                                              ("gamma", "0 0 12 * * *", "noon")] {
                let body = #"{"name":"\#(name)","cronExpression":"\#(cron)","description":"\#(description)","startWorkflowRequest":{"name":"w"}}"#
                #expect(try await server.client.send(.POST, "/api/scheduler/schedules", body: body).status == 200)
            }
            func names(_ query: String) async throws -> (Int64, [String]) {
                let found = try await server.client.get("/api/scheduler/schedules/search?" + query)
                    .decode(SearchResult<WorkflowSchedule>.self)
                return (found.totalHits, found.results.map(\.name))
            }
            #expect(try await names("freeText=REPORT").1 == ["alpha"], "the description, any case")
            #expect(try await names("sort=nextRunTime:DESC").1 == ["gamma", "alpha", "beta"], "latest next run first")
            let page = try await names("sort=name:DESC&start=1&size=1")
            #expect(page.0 == 3 && page.1 == ["beta"])
            #expect(try await server.client.get("/api/scheduler/schedules/search?size=0").status == 400)
        }
    }

    @Test("saving a schedule needs OPERATOR, and ADMIN when it starts an inline definition; reading it, VIEWER")
    func roles() async throws {
        try await AuthFixtures.withAuthServer { server in
            let body = #"{"name":"s","cronExpression":"0 0 9 * * *","startWorkflowRequest":{"name":"w"}}"#
            let inline = #"{"name":"s2","cronExpression":"0 0 9 * * *","startWorkflowRequest":{"name":"w","workflowDef":"#
                + #"{"name":"w","tasks":[{"name":"t","taskReferenceName":"t","type":"SIMPLE"}]}}}"#
            let (viewer, operatorKey, admin) = (try await server.token("viewer"), try await server.token("operator"),
                                                try await server.token("admin"))
            #expect(try await server.send(.POST, "/api/scheduler/schedules", body: body, as: viewer).status == 403)
            #expect(try await server.send(.POST, "/api/scheduler/schedules", body: body, as: operatorKey).status == 200)
            let refused = try await server.send(.POST, "/api/scheduler/schedules", body: inline, as: operatorKey)
            #expect(refused.status == 403 && refused.text.contains("inline workflowDef"), "\(refused.text)")
            #expect(try await server.send(.POST, "/api/scheduler/schedules", body: inline, as: admin).status == 200)
            let saved = try await server.send(.GET, "/api/scheduler/schedules/s", as: viewer).decode(WorkflowSchedule.self)
            #expect(saved.createdBy != nil && saved.createdBy != "anonymous", "who saved it: \(saved.createdBy ?? "nil")")
            #expect(try await server.send(.GET, "/api/scheduler/admin/pause", as: operatorKey).status == 403)
        }
    }

    @Test("the SDK saves, reads, pauses, resumes, searches and deletes schedules; a refusal carries the server's message")
    func sdkSchedules() async throws {
        try await withRunningServer { server in
            #expect(try await server.client.send(.POST, "/api/metadata/workflow", body: Self.report).status == 200)
            server.clock.advance(by: Self.now - server.clock.now())
            try await withBatonClient(baseURL: server.baseURL) { client in
                let saved = try await client.scheduler.save(WorkflowSchedule(
                    name: "sdk", cronExpression: "0 * * * * *", startWorkflowRequest: StartWorkflowRequest(name: "sched_report")))
                #expect(saved.nextRunTime == 1_630_000_020_000)
                #expect(try await client.scheduler.schedule(named: "sdk") == saved)
                server.clock.advance(by: 20_000)
                await server.engine.fireDueSchedules()
                let executions = try await client.scheduler.executions(query: "scheduleName = sdk")
                #expect(executions.results.map(\.scheduledTime) == [1_630_000_020_000])
                try await client.scheduler.pause(scheduleNamed: "sdk", reason: "r")
                #expect(try await client.scheduler.schedules().first?.paused == true)
                try await client.scheduler.resume(scheduleNamed: "sdk")
                #expect(try await client.scheduler.schedule(named: "sdk").nextRunTime == 1_630_000_080_000)
                try await client.scheduler.delete(scheduleNamed: "sdk")
                let error = await #expect(throws: ClientError.self) { try await client.scheduler.schedule(named: "sdk") }
                #expect(error?.status == 404)
            }
        }
    }
}
