@testable import BatonEngine
import BatonModel
import BatonPersistence
import BatonSQLite
import Foundation
import Testing

/// Schedules on a clock the tests move, with no sweeper running: each firing is asked for (`fireDueSchedules`), so
/// every slot's fate is known. Scenarios from Conductor's `SchedulerServiceTest` (save, pause, resume, catch-up,
/// start and end times, the scheduler inputs) and the issue's (misfires, DST, a deleted definition, one firing).
@Suite("Engine: schedules")
struct ScheduleTests {
    /// 2023-11-14T22:13:20Z.
    static let start: Int64 = 1_700_000_000_000

    /// An engine over a fresh SQLite file with the workflow `report` registered, and its clock.
    static func withEngine(_ body: (Engine, ManualClock) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-schedules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path)
        let clock = ManualClock(start: start)
        let engine = Engine(store: store, clock: clock)
        try await engine.register(workflowDef: WorkflowDef(name: "report", tasks: [
            WorkflowTask(name: "build", taskReferenceName: "build"),
        ]), overwrite: true)
        try await body(engine, clock)
        try await store.close()
    }

    static func schedule(_ name: String = "nightly", cron: String, zone: String = "UTC", catchUp: Bool = false,
                         input: JSONObject = ["team": "ops"]) -> WorkflowSchedule {
        WorkflowSchedule(name: name, cronExpression: cron, zoneId: zone,
                         startWorkflowRequest: StartWorkflowRequest(name: "report", input: input),
                         runCatchupScheduleInstances: catchUp)
    }

    // Untyped-throwing forms of the engine's calls, for `#expect(try await …)`.
    static func schedule(named name: String, in engine: Engine) async throws -> WorkflowSchedule {
        try await engine.schedule(named: name)
    }

    static func schedules(of workflowName: String? = nil, in engine: Engine) async throws -> [WorkflowSchedule] {
        try await engine.schedules(workflowName: workflowName)
    }

    static func save(_ schedule: WorkflowSchedule, in engine: Engine) async throws -> WorkflowSchedule {
        try await engine.saveSchedule(schedule, actor: "a")
    }

    static func started(_ engine: Engine) async throws -> [Workflow] {
        try await engine.search(WorkflowSearch(query: "workflowType = report", freeText: nil, sort: ["startTime:ASC"],
                                               start: 0, size: 1000)).results
    }

    static func executions(_ engine: Engine, query: String? = nil) async throws -> [ScheduleExecution] {
        try await engine.searchScheduleExecutions(ScheduleExecutionSearch(query: query, freeText: nil,
                                                                          sort: ["scheduledTime:ASC"], start: 0, size: 1000))
            .executions
    }

    @Test("a saved schedule's next run time is its first slot after now; saving again keeps its creation")
    func saveAndNextRunTime() async throws {
        try await Self.withEngine { engine, clock in
            let saved = try await engine.saveSchedule(Self.schedule(cron: "0 0 * * * *"), actor: "ana")
            #expect(saved.nextRunTime == 1_700_002_800_000, "23:00:00Z, the next whole hour")
            #expect(saved.createTime == Self.start && saved.createdBy == "ana" && saved.updatedBy == "ana")
            clock.advance(by: 1_000)
            var changed = Self.schedule(cron: "0 */30 * * * *")
            changed.description = "twice an hour"
            let again = try await engine.saveSchedule(changed, actor: "bo")
            #expect(again.createTime == Self.start && again.createdBy == "ana")
            #expect(again.updatedTime == Self.start + 1_000 && again.updatedBy == "bo")
            #expect(again.nextRunTime == 1_700_001_000_000, "22:30:00Z")
            #expect(try await Self.schedule(named: "nightly", in: engine) == again)
            #expect(try await Self.schedules(of: "report", in: engine).map(\.name) == ["nightly"])
            #expect(try await Self.schedules(of: "other", in: engine).isEmpty)
        }
    }

    @Test("a schedule that cannot fire is refused, naming the field", arguments: [
        (ScheduleTests.schedule("", cron: "0 * * * * *"), "name is required"),
        (ScheduleTests.schedule("a/b", cron: "0 * * * * *"), "cannot contain '/'"),
        (ScheduleTests.schedule(cron: "0 0 25 * * *"), "hour '25'"),
        (ScheduleTests.schedule(cron: "* * * * *"), "cronExpression"),
        (ScheduleTests.schedule(cron: "0 0 9 * * *", zone: "Mars/Olympus"), "zoneId 'Mars/Olympus'"),
        (WorkflowSchedule(name: "n", cronExpression: "0 * * * * *", startWorkflowRequest: nil), "startWorkflowRequest is required"),
        (WorkflowSchedule(name: "n", cronExpression: "0 * * * * *",
                          startWorkflowRequest: StartWorkflowRequest(name: "report", priority: 100)), "priority"),
    ])
    func refusals(schedule: WorkflowSchedule, fragment: String) async throws {
        try await Self.withEngine { engine, _ in
            let error = await #expect(throws: EngineError.self) { try await engine.saveSchedule(schedule, actor: "a") }
            #expect(error?.code == .invalid)
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
            let saved = try await Self.schedules(in: engine)
            #expect(saved.isEmpty, "nothing saved")
        }
    }

    @Test("start and end times at the ends of Int64 are taken, not a crash")
    func extremeTimes() async throws {
        try await Self.withEngine { engine, _ in
            var schedule = Self.schedule(cron: "0 0 * * * *")
            (schedule.scheduleStartTime, schedule.scheduleEndTime) = (.min, .max)
            let saved = try await Self.save(schedule, in: engine)
            #expect(saved.nextRunTime == 1_700_002_800_000)
            (schedule.scheduleStartTime, schedule.scheduleEndTime) = (.max, .max)
            let never = try await Self.save(schedule, in: engine)
            #expect(never.nextRunTime == nil, "no slot after the year 9999")
            #expect(try engine.nextFireTimes(cronExpression: "0 0 * * * *", startTime: .min, endTime: .min).isEmpty)
        }
    }

    @Test("an end time before the start time is refused")
    func endBeforeStart() async throws {
        try await Self.withEngine { engine, _ in
            var schedule = Self.schedule(cron: "0 * * * * *")
            (schedule.scheduleStartTime, schedule.scheduleEndTime) = (Self.start + 10_000, Self.start)
            let error = await #expect(throws: EngineError.self) { try await engine.saveSchedule(schedule, actor: "a") }
            #expect(error?.message.contains("scheduleEndTime") == true)
        }
    }

    @Test("each slot starts one workflow with Conductor's scheduler inputs and is recorded EXECUTED; nothing fires before its time or twice")
    func firesOncePerSlot() async throws {
        try await Self.withEngine { engine, clock in
            _ = try await engine.saveSchedule(Self.schedule(cron: "* * * * * *"), actor: "ana")
            #expect(await engine.fireDueSchedules() == 0, "the first slot is a second away")
            clock.advance(by: 1_250)
            // Several sweeps at once (as several sweepers would): one workflow.
            async let a = engine.fireDueSchedules()
            async let b = engine.fireDueSchedules()
            async let c = engine.fireDueSchedules()
            _ = await (a, b, c)
            var workflows = try await Self.started(engine)
            try #require(workflows.count == 1)
            let input = workflows[0].input
            #expect(input["team"] == "ops")
            #expect(input["_startedByScheduler"] == "nightly")
            #expect(input["_scheduledTime"] == .int(Self.start + 1_000))
            #expect(input["_executedTime"] == .int(Self.start + 1_250))
            #expect(input["_schedulerCron"] == "* * * * * * UTC")
            #expect(workflows[0].createdBy == "ana")
            let records = try await Self.executions(engine)
            #expect(records.count == 1)
            #expect(records.first?.state == .executed && records.first?.workflowId == workflows[0].workflowId)
            #expect(records.first?.zoneId == "UTC" && records.first?.workflowName == "report")
            #expect(input["_executionId"] == .string(records.first?.executionId ?? ""))
            #expect(try await Self.schedule(named: "nightly", in: engine).nextRunTime == Self.start + 2_000)
            for _ in 0..<3 {
                clock.advance(by: 1_000)
                await engine.fireDueSchedules()
            }
            workflows = try await Self.started(engine)
            #expect(workflows.compactMap { $0.input["_scheduledTime"]?.intValue }
                    == [1_000, 2_000, 3_000, 4_000].map { Self.start + $0 })
        }
    }

    @Test("slots that came while no server ran are skipped without catch-up, and each fired once, in order, with it")
    func misfiresAndCatchUp() async throws {
        try await Self.withEngine { engine, clock in
            _ = try await engine.saveSchedule(Self.schedule("skips", cron: "0 * * * * *"), actor: "a")
            _ = try await engine.saveSchedule(Self.schedule("catches-up", cron: "0 * * * * *", catchUp: true), actor: "a")
            clock.advance(by: 5 * 60_000)  // five minutes down: five slots of each
            for _ in 0..<10 { await engine.fireDueSchedules() }
            let workflows = try await Self.started(engine)
            #expect(workflows.allSatisfy { $0.input["_startedByScheduler"] == "catches-up" })
            let slots = workflows.compactMap { $0.input["_scheduledTime"]?.intValue }
            #expect(slots == [1_700_000_040_000, 1_700_000_100_000, 1_700_000_160_000, 1_700_000_220_000, 1_700_000_280_000])
            #expect(try await Self.schedule(named: "skips", in: engine).nextRunTime == 1_700_000_340_000, "the first slot after now")
            #expect(try await Self.schedule(named: "catches-up", in: engine).nextRunTime == 1_700_000_340_000)
            // A slot found late by less than the threshold (a busy sweeper) still fires.
            clock.advance(by: 40_000 + 30_000)
            await engine.fireDueSchedules()
            #expect(try await Self.executions(engine, query: "skips").map(\.scheduledTime) == [1_700_000_340_000])
        }
    }

    @Test("a paused schedule fires nothing; resumed, it goes on from now without catching up")
    func pauseAndResume() async throws {
        try await Self.withEngine { engine, clock in
            _ = try await engine.saveSchedule(Self.schedule(cron: "0 * * * * *", catchUp: true), actor: "a")
            try await engine.pauseSchedule(named: "nightly", reason: "maintenance", actor: "bo")
            var paused = try await engine.schedule(named: "nightly")
            #expect(paused.paused && paused.pausedReason == "maintenance" && paused.nextRunTime == nil)
            #expect(paused.updatedBy == "bo")
            clock.advance(by: 180_000)
            #expect(await engine.fireDueSchedules() == 0)
            try await engine.resumeSchedule(named: "nightly", actor: "bo")
            paused = try await engine.schedule(named: "nightly")
            #expect(!paused.paused && paused.pausedReason == nil && paused.nextRunTime == 1_700_000_220_000)
            try await engine.resumeSchedule(named: "nightly", actor: "bo")  // not paused: unchanged
            #expect(try await Self.schedule(named: "nightly", in: engine) == paused)
            clock.advance(by: 40_000)
            await engine.fireDueSchedules()
            #expect(try await Self.executions(engine).map(\.scheduledTime) == [1_700_000_220_000])
            let missing = await #expect(throws: EngineError.self) {
                try await engine.pauseSchedule(named: "nope", reason: nil, actor: "a")
            }
            #expect(missing?.code == .notFound)
            #expect(await #expect(throws: EngineError.self) { try await engine.schedule(named: "nope") }?.code == .notFound)
        }
    }

    @Test("a schedule saved paused, or saved again as paused, has no next run and fires nothing (Conductor's pausedScheduleCreation, scheduleUpdatedPaused)")
    func savedPaused() async throws {
        try await Self.withEngine { engine, clock in
            var schedule = Self.schedule(cron: "* * * * * *")
            schedule.paused = true
            schedule.pausedReason = "not yet"
            let created = try await Self.save(schedule, in: engine)
            #expect(created.nextRunTime == nil && created.pausedReason == "not yet")
            schedule.paused = false
            #expect(try await Self.save(schedule, in: engine).nextRunTime == Self.start + 1_000)
            schedule.paused = true
            #expect(try await Self.save(schedule, in: engine).nextRunTime == nil)
            clock.advance(by: 5_000)
            #expect(await engine.fireDueSchedules() == 0)
            #expect(try await Self.started(engine).isEmpty)
        }
    }

    @Test("no slot before the start time, none after the end time; past its end a schedule has no next run time")
    func startAndEndTimes() async throws {
        try await Self.withEngine { engine, clock in
            var schedule = Self.schedule(cron: "0 * * * * *")
            schedule.scheduleStartTime = 1_700_000_160_000  // a slot: included (Conductor counts from 500 ms before it)
            schedule.scheduleEndTime = 1_700_000_220_000
            let saved = try await Self.save(schedule, in: engine)
            #expect(saved.nextRunTime == 1_700_000_160_000)
            for _ in 0..<6 {
                clock.advance(by: 60_000)
                await engine.fireDueSchedules()
            }
            #expect(try await Self.executions(engine).map(\.scheduledTime) == [1_700_000_160_000, 1_700_000_220_000])
            #expect(try await Self.schedule(named: "nightly", in: engine).nextRunTime == nil)
        }
    }

    @Test("a slot whose workflow cannot start is recorded FAILED with why, and the later slots go on")
    func deletedDefinition() async throws {
        try await Self.withEngine { engine, clock in
            _ = try await engine.saveSchedule(Self.schedule(cron: "0 * * * * *"), actor: "a")
            try await engine.deleteWorkflowDef(named: "report", version: 1)
            clock.advance(by: 40_000)
            await engine.fireDueSchedules()
            let failed = try await Self.executions(engine)
            #expect(failed.map(\.state) == [.failed])
            #expect(failed.first?.reason?.contains("No such workflow defined. name=report") == true, "\(failed)")
            #expect(failed.first?.workflowId == nil)
            #expect(try await Self.schedule(named: "nightly", in: engine).nextRunTime == 1_700_000_100_000)
            try await engine.register(workflowDef: WorkflowDef(name: "report", tasks: [
                WorkflowTask(name: "build", taskReferenceName: "build"),
            ]), overwrite: true)
            clock.advance(by: 60_000)
            await engine.fireDueSchedules()
            #expect(try await Self.executions(engine).map(\.state) == [.failed, .executed])
            #expect(try await Self.executions(engine, query: "state IN (FAILED)").count == 1)
        }
    }

    @Test("a 02:30 slot in New York: none on the day the clocks skip it, once on the day 01:30 comes twice")
    func daylightSaving() async throws {
        try await Self.withEngine { engine, clock in
            // 2021-03-13T12:00:00-05:00.
            clock.advance(by: 1_615_654_800_000 - Self.start)
            _ = try await engine.saveSchedule(Self.schedule("spring", cron: "0 30 2 * * *", zone: "America/New_York",
                                                            catchUp: true), actor: "a")
            _ = try await engine.saveSchedule(Self.schedule("autumn", cron: "0 30 1 7 11 *", zone: "America/New_York",
                                                            catchUp: true), actor: "a")
            clock.advance(by: 3 * 86_400_000)  // to 2021-03-16 noon
            for _ in 0..<10 { await engine.fireDueSchedules() }
            // 2021-03-14 02:30 does not exist in New York.
            #expect(try await Self.executions(engine, query: "spring").map(\.scheduledTime)
                    == [1_615_789_800_000, 1_615_876_200_000])
            #expect(try await Self.schedule(named: "autumn", in: engine).nextRunTime == 1_636_263_000_000,
                    "2021-11-07 01:30 EDT, the first of the two")
            clock.advance(by: 1_636_300_800_000 - clock.now())  // 2021-11-07 11:00 EST
            for _ in 0..<5 { await engine.fireDueSchedules() }
            #expect(try await Self.executions(engine, query: "autumn").map(\.scheduledTime) == [1_636_263_000_000])
        }
    }

    @Test("several expressions, each in its own zone: the schedule fires at every time either gives")
    func severalExpressions() async throws {
        try await Self.withEngine { engine, clock in
            var schedule = Self.schedule(cron: "", catchUp: true)
            schedule.cronExpression = nil
            schedule.cronSchedules = [CronSchedule(cronExpression: "0 0 9 * * *", zoneId: "Europe/Paris"),
                                      CronSchedule(cronExpression: "0 0 9 * * *", zoneId: "America/New_York")]
            let saved = try await engine.saveSchedule(schedule, actor: "a")
            #expect(saved.nextRunTime == 1_700_035_200_000, "2023-11-15 09:00 in Paris (08:00Z)")
            clock.advance(by: 86_400_000)
            for _ in 0..<5 { await engine.fireDueSchedules() }
            let workflows = try await Self.started(engine)
            #expect(workflows.compactMap { $0.input["_schedulerCron"]?.stringValue }
                    == ["0 0 9 * * * Europe/Paris", "0 0 9 * * * America/New_York"])
            var broken = schedule
            broken.cronSchedules[1].zoneId = "Nowhere/Land"
            let error = await #expect(throws: EngineError.self) { try await engine.saveSchedule(broken, actor: "a") }
            #expect(error?.message.contains("cronSchedules[1].zoneId") == true)
        }
    }

    @Test("deleting a schedule removes it and its records; deleting one that is not there is no error")
    func delete() async throws {
        try await Self.withEngine { engine, clock in
            _ = try await engine.saveSchedule(Self.schedule(cron: "* * * * * *"), actor: "a")
            clock.advance(by: 1_000)
            await engine.fireDueSchedules()
            try await engine.deleteSchedule(named: "nightly")
            try await engine.deleteSchedule(named: "nightly")
            #expect(try await Self.schedules(in: engine).isEmpty)
            #expect(try await Self.executions(engine).isEmpty)
            clock.advance(by: 1_000)
            #expect(await engine.fireDueSchedules() == 0)
        }
    }

    @Test("with scheduling paused on this server, nothing fires until it is resumed")
    func schedulingPaused() async throws {
        try await Self.withEngine { engine, clock in
            _ = try await engine.saveSchedule(Self.schedule(cron: "* * * * * *"), actor: "a")
            engine.pauseScheduling(true)
            clock.advance(by: 1_000)
            #expect(await engine.fireDueSchedules() == 0)
            engine.pauseScheduling(false)
            #expect(await engine.fireDueSchedules() == 1)
            #expect(try await Self.started(engine).count == 1)
        }
    }
}
