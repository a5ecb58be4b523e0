import BatonDecider
public import BatonModel
public import BatonPersistence
import Foundation
import Logging
import Synchronization

/// Schedules: workflows started on a cron, as Conductor's scheduler (`/api/scheduler`). A schedule lives in the store
/// with its next run time; the sweeper finds it due and fires the slot in one transaction that starts the workflow,
/// records the slot and sets the next run time, so a slot fires once whatever crashes and however many servers sweep.
extension Engine {
    /// The most fire times `nextFireTimes` answers, as Conductor's `nextFewSchedules`.
    public static let maximumFireTimesListed = 5
    /// How many slot records each schedule keeps (the oldest are forgotten).
    public static let scheduleExecutionsKept = 1_000

    /// The next fire times (epoch milliseconds, at most `maximumFireTimesListed`, ascending) of `cronExpression` read
    /// in `zoneId` (UTC by default, as Conductor's `GET /api/scheduler/nextFewSchedules`) from now: none before
    /// `startTime` (when it is later than now), none after `endTime`.
    public func nextFireTimes(cronExpression: String, zoneId: String = "UTC", startTime: Int64? = nil,
                              endTime: Int64? = nil, limit: Int = maximumFireTimesListed) throws(EngineError) -> [Int64] {
        var probe = WorkflowSchedule(name: "preview", cronExpression: cronExpression, zoneId: zoneId,
                                     startWorkflowRequest: nil)
        probe.scheduleStartTime = startTime
        probe.scheduleEndTime = endTime
        let timing: ScheduleTiming
        do { timing = try ScheduleTiming(probe) } catch {
            throw EngineError.invalid(error.description.hasPrefix("zoneId") ? error.description
                                      : "Invalid cron expression: \(error.description)")
        }
        var times: [Int64] = []
        var last = clock.now()
        while times.count < max(0, min(Self.maximumFireTimesListed, limit)), let slot = timing.firstSlot(after: last) {
            times.append(slot.time)
            last = slot.time
        }
        return times
    }

    /// Creates or replaces the schedule named `schedule.name` and returns it as saved: its next run time counted from
    /// now (none while paused), its creation kept from the schedule it replaces.
    public func saveSchedule(_ schedule: WorkflowSchedule, actor: String) async throws(EngineError) -> WorkflowSchedule {
        let timing = try Self.validated(schedule)
        return try await transaction { tx, _ in
            let now = self.clock.now()
            let existing = try tx.lockSchedule(named: schedule.name, skippingIfBusy: false)
            var saved = schedule
            saved.createTime = existing?.createTime ?? now
            saved.createdBy = existing?.createdBy ?? actor
            saved.updatedTime = now
            saved.updatedBy = actor
            if !saved.paused { saved.pausedReason = nil }
            saved.nextRunTime = saved.paused ? nil : timing.firstSlot(after: now)?.time
            try tx.save(saved)
            return saved
        }
    }

    /// The schedule named `name`.
    public func schedule(named name: String) async throws(EngineError) -> WorkflowSchedule {
        guard let schedule = try await reading({ try $0.schedule(named: name) }) else {
            throw EngineError.notFound("Schedule '\(name)' not found")
        }
        return schedule
    }

    /// Every schedule, or those that start `workflowName`, by name.
    public func schedules(workflowName: String? = nil) async throws(EngineError) -> [WorkflowSchedule] {
        try await reading { try $0.schedules(workflowName: workflowName) }
    }

    /// Deletes the schedule named `name` with its slot records; nothing when there is none (as Conductor).
    public func deleteSchedule(named name: String) async throws(EngineError) {
        _ = try await transaction { tx, _ in try tx.deleteSchedule(named: name) }
    }

    /// Pauses a schedule: no slot fires until it is resumed, and the slots in between are not caught up.
    public func pauseSchedule(named name: String, reason: String?, actor: String) async throws(EngineError) {
        try await changeSchedule(named: name, actor: actor) { schedule, _ in
            schedule.paused = true
            schedule.pausedReason = reason
            schedule.nextRunTime = nil
        }
    }

    /// Resumes a paused schedule from now; a schedule that is not paused is left as it is.
    public func resumeSchedule(named name: String, actor: String) async throws(EngineError) {
        try await changeSchedule(named: name, actor: actor) { schedule, now in
            guard schedule.paused else { return }
            schedule.paused = false
            schedule.pausedReason = nil
            schedule.nextRunTime = try Self.validated(schedule).firstSlot(after: now)?.time
        }
    }

    /// The slot records that match `search`, and how many match in all.
    public func searchScheduleExecutions(_ search: ScheduleExecutionSearch) async throws(EngineError)
        -> (totalHits: Int64, executions: [ScheduleExecution]) {
        try await reading { try $0.search(search) }
    }

    /// Fires every schedule due now, one slot each, and returns how many slots it fired, failed or skipped (the
    /// sweeper calls it until it returns fewer than `limit`). A slot later than now by more than `misfireThreshold`
    /// (no server ran when it came) is skipped, with every slot up to now, unless the schedule catches up.
    @discardableResult
    public func fireDueSchedules(limit: Int = 100, misfireThreshold: Duration = .seconds(60)) async -> Int {
        guard !isSchedulingPaused else { return 0 }
        let names: [String]
        do {
            let now = clock.now()
            names = try await reading { try $0.dueScheduleNames(at: now, limit: limit) }
        } catch {
            logger.error("Could not read the schedules due", metadata: ["baton.error": "\(error.message)"])
            return 0
        }
        let threshold = misfireThreshold.components.seconds * 1000 + misfireThreshold.components.attoseconds / 1_000_000_000_000_000
        var handled = 0
        for name in names {
            do {
                // A schedule another server holds, or changed since it was read, is left: no progress to count, so
                // the sweeper pauses rather than asking again at once.
                if try await fireSlot(ofScheduleNamed: name, misfireThreshold: threshold) { handled += 1 }
            } catch {
                logger.error("Could not fire a schedule's slot", metadata: ["baton.schedule": "\(name)",
                                                                             "baton.error": "\(error.message)"])
            }
        }
        return handled
    }

    /// What became of a due slot.
    private enum SlotOutcome: Sendable {
        /// Another server fired it, or it changed since it was found due.
        case notDue
        case fired(ScheduleExecution)
        case missed(count: Int)
    }

    /// Fires the due slot of the schedule named `name`, in one transaction: the workflow started (or the refusal
    /// recorded), the slot recorded, the next run time set.
    /// Returns whether a slot was fired, failed or skipped (false when the schedule was not due after all).
    @discardableResult
    private func fireSlot(ofScheduleNamed name: String, misfireThreshold: Int64) async throws(EngineError) -> Bool {
        let outcome: SlotOutcome = try await transaction(inBackground: true) { tx, changes in
            let now = self.clock.now()
            guard var schedule = try tx.lockSchedule(named: name, skippingIfBusy: true), let slotTime = schedule.nextRunTime,
                  slotTime <= now else { return .notDue }
            let timing: ScheduleTiming
            do { timing = try Self.validated(schedule) } catch {
                // Saved valid; only a store edited by hand gets here. Stopped, not retried every sweep.
                schedule.nextRunTime = nil
                try tx.save(schedule)
                changes.log(.error, "A stored schedule is invalid and was stopped",
                            metadata: ["baton.schedule": "\(name)", "baton.error": "\(error)"])
                return .notDue
            }
            if !schedule.runCatchupScheduleInstances, now - slotTime > misfireThreshold {
                schedule.nextRunTime = timing.firstSlot(after: now)?.time
                try tx.save(schedule)
                return .missed(count: 1 + timing.slots(after: slotTime, before: now, limit: 100_000))
            }
            let execution = try self.start(slotAt: slotTime, of: schedule, timing: timing, now: now, in: tx,
                                           changes: &changes)
            let next = timing.firstSlot(after: schedule.runCatchupScheduleInstances ? slotTime : max(now, slotTime))
            schedule.nextRunTime = next?.time
            try tx.append(execution, keeping: Self.scheduleExecutionsKept)
            try tx.save(schedule)
            return .fired(execution)
        }
        switch outcome {
        case .notDue:
            return false
        case .fired(let execution) where execution.state == .executed:
            metrics.recordScheduleSlots("fired", schedule: name)
        case .fired(let execution):
            metrics.recordScheduleSlots("failed", schedule: name)
            logger.warning("A schedule's workflow could not start", metadata: [
                "baton.schedule": "\(name)", "baton.slot": "\(execution.scheduledTime)", "baton.error": "\(execution.reason ?? "")",
            ])
        case .missed(let count):
            metrics.recordScheduleSlots("missed", schedule: name, count: count)
            logger.notice("A schedule's slots came while no server ran, and were skipped (no catch-up)",
                          metadata: ["baton.schedule": "\(name)", "baton.count": "\(count)"])
        }
        return true
    }

    /// Starts the workflow of `schedule` for the slot at `slotTime` with Conductor's scheduler inputs, and returns the
    /// slot's record: EXECUTED with the workflow's id, or FAILED with why the start was refused (a definition deleted
    /// since, an idempotency key in use…), which leaves the schedule's later slots as they were.
    private func start(slotAt slotTime: Int64, of schedule: WorkflowSchedule, timing: ScheduleTiming, now: Int64,
                       in tx: any StoreTransaction, changes: inout Changes) throws -> ScheduleExecution {
        let executionId = UUID().uuidString.lowercased()
        let cron = timing.crons.first { $0.expression.nextFireTime(after: slotTime - 1, in: $0.zone) == slotTime }
            ?? timing.crons[0]
        var request = schedule.startWorkflowRequest ?? StartWorkflowRequest(name: "")
        request.input["_startedByScheduler"] = .string(schedule.name)
        request.input["_scheduledTime"] = .int(slotTime)
        request.input["_executedTime"] = .int(now)
        request.input["_executionId"] = .string(executionId)
        request.input["_schedulerCron"] = .string(cron.text)
        request.createdBy = schedule.createdBy
        var execution = ScheduleExecution(
            executionId: executionId, scheduleName: schedule.name, scheduledTime: slotTime, executionTime: now,
            workflowName: schedule.workflowName, workflowId: nil, reason: nil,
            startWorkflowRequest: schedule.startWorkflowRequest, state: .executed, zoneId: cron.zoneId)
        do {
            let name = try Self.validatedName(of: request)
            execution.workflowId = try createWorkflow(request, name: name, actor: "scheduler", decider: decider(at: now),
                                                      in: tx, changes: &changes).workflowId
        } catch let error as EngineError where error.code != .unavailable && error.code != .internalFailure {
            // Refused before anything was written (the definition, the input, the idempotency key): recorded.
            execution.state = .failed
            execution.reason = error.message
        }
        return execution
    }

    /// Changes the schedule named `name` in one transaction (`change` gets the time it runs), stamping who and when.
    private func changeSchedule(
        named name: String, actor: String,
        _ change: @escaping @Sendable (inout WorkflowSchedule, Int64) throws -> Void
    ) async throws(EngineError) {
        try await transaction { tx, _ in
            guard var schedule = try tx.lockSchedule(named: name, skippingIfBusy: false) else {
                throw EngineError.notFound("Schedule '\(name)' not found")
            }
            let now = self.clock.now()
            let before = schedule
            try change(&schedule, now)
            guard schedule != before else { return }
            schedule.updatedTime = now
            schedule.updatedBy = actor
            try tx.save(schedule)
        }
    }

    /// The timing of a schedule that may be saved: a name, valid expressions and zones, and a workflow to start.
    static func validated(_ schedule: WorkflowSchedule) throws(EngineError) -> ScheduleTiming {
        guard !schedule.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError.invalid("Schedule name is required")
        }
        guard !schedule.name.contains("/") else {
            throw EngineError.invalid("Schedule name '\(schedule.name)' cannot contain '/' (it is a path segment)")
        }
        guard let request = schedule.startWorkflowRequest else {
            throw EngineError.invalid("startWorkflowRequest is required: the workflow each slot starts")
        }
        do {
            _ = try validatedName(of: request)
        } catch {
            throw EngineError.invalid("startWorkflowRequest: \(error.message)")
        }
        do {
            return try ScheduleTiming(schedule)
        } catch {
            throw EngineError.invalid(error.description)
        }
    }
}

/// A search of schedules (`GET /api/scheduler/schedules/search`), as Conductor's: by workflow name, part of the
/// schedule's name, paused or not, and free text in the name, description or workflow name; by name unless sorted.
public struct ScheduleSearch: Sendable {
    public var workflowName: String?
    /// Part of the schedule's name, any case.
    public var scheduleName: String?
    public var paused: Bool?
    public var freeText: String?
    public var start: Int
    public var size: Int
    /// Sort keys as `field:ASC|DESC` on name, nextRunTime, createTime or updatedTime.
    public var sort: [(field: String, ascending: Bool)]

    public static let sortFields = ["name", "nextRunTime", "createTime", "updatedTime"]

    /// A search from the request's parameters; throws `.invalid` naming a bad sort key or page.
    public init(workflowName: String?, scheduleName: String?, paused: Bool?, freeText: String?, start: Int?, size: Int?,
                sort: [String]) throws(EngineError) {
        func given(_ text: String?) -> String? {
            let trimmed = text?.trimmingCharacters(in: .whitespaces) ?? ""
            return trimmed.isEmpty || trimmed == "*" ? nil : trimmed
        }
        self.workflowName = given(workflowName)
        self.scheduleName = given(scheduleName)
        self.paused = paused
        self.freeText = given(freeText)
        self.start = start ?? 0
        self.size = size ?? 100
        guard self.start >= 0, (1...1_000).contains(self.size) else {
            throw EngineError.invalid("start must be 0 or more and size between 1 and 1000 (start \(self.start), size \(self.size))")
        }
        var keys: [(String, Bool)] = []
        for key in sort.flatMap({ $0.split(separator: ",") }) {
            let parts = key.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let field = Self.sortFields.first(where: { $0.lowercased() == parts[0].lowercased() }),
                  parts.count <= 2, parts.count == 1 || ["ASC", "DESC"].contains(parts[1].uppercased()) else {
                throw EngineError.invalid("Cannot sort schedules by '\(key)': use field:ASC or field:DESC with field one of "
                    + Self.sortFields.joined(separator: ", "))
            }
            keys.append((field, parts.count == 1 || parts[1].uppercased() == "ASC"))
        }
        self.sort = keys
    }

    func matches(_ schedule: WorkflowSchedule) -> Bool {
        if let workflowName, schedule.workflowName != workflowName { return false }
        if let scheduleName, !schedule.name.localizedCaseInsensitiveContains(scheduleName) { return false }
        if let paused, schedule.paused != paused { return false }
        if let freeText {
            return [schedule.name, schedule.description ?? "", schedule.workflowName]
                .contains { $0.localizedCaseInsensitiveContains(freeText) }
        }
        return true
    }

    func ordered(_ schedules: [WorkflowSchedule]) -> [WorkflowSchedule] {
        schedules.sorted { left, right in
            for (field, ascending) in sort {
                let (a, b): (Int64?, Int64?) = switch field {
                case "nextRunTime": (left.nextRunTime, right.nextRunTime)
                case "createTime": (left.createTime, right.createTime)
                case "updatedTime": (left.updatedTime, right.updatedTime)
                default: (nil, nil)
                }
                if field == "name", left.name != right.name { return ascending == (left.name < right.name) }
                if a != b { return ascending == ((a ?? .min) < (b ?? .min)) }
            }
            return left.name < right.name
        }
    }
}

extension Engine {
    /// The schedules that match `search`, and how many match in all.
    public func searchSchedules(_ search: ScheduleSearch) async throws(EngineError) -> (totalHits: Int64, schedules: [WorkflowSchedule]) {
        let matching = search.ordered(try await schedules(workflowName: search.workflowName).filter(search.matches))
        return (Int64(matching.count), Array(matching.dropFirst(search.start).prefix(search.size)))
    }

    /// Whether this server fires no schedules (`GET /api/scheduler/admin/pause`, for debugging, as Conductor's; other
    /// servers on the same database still fire them).
    public var isSchedulingPaused: Bool { schedulingPaused.load(ordering: .relaxed) }

    /// Stops (or restarts) firing schedules on this server.
    public func pauseScheduling(_ paused: Bool) {
        schedulingPaused.store(paused, ordering: .relaxed)
    }
}
