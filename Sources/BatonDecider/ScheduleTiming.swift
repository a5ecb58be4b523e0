public import BatonModel
public import Foundation

/// When a schedule fires: every time any of its cron expressions gives in its zone, none before its start time and
/// none after its end time.
public struct ScheduleTiming: Sendable {
    /// One expression in its zone.
    public struct Cron: Sendable {
        public let expression: CronExpression
        public let zone: TimeZone
        /// The zone's name as the schedule gives it (`UTC` by default).
        public let zoneId: String
        /// The expression and the zone's name, as Conductor passes it to the workflow (`_schedulerCron`).
        public let text: String
    }

    /// A time the schedule fires, and the expression that gives it.
    public struct Slot: Sendable, Equatable {
        public let time: Int64
        public let cron: String
    }

    public let crons: [Cron]
    public let startTime: Int64?
    public let endTime: Int64?

    /// Reads a schedule's expressions and zones; the error names the one at fault.
    public init(_ schedule: WorkflowSchedule) throws(ScheduleProblem) {
        let entries = schedule.cronSchedules.isEmpty
            ? [CronSchedule(cronExpression: schedule.cronExpression ?? "", zoneId: schedule.zoneId)]
            : schedule.cronSchedules
        var crons: [Cron] = []
        for (index, entry) in entries.enumerated() {
            let field = schedule.cronSchedules.isEmpty ? "cronExpression" : "cronSchedules[\(index)].cronExpression"
            let text = entry.cronExpression.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { throw ScheduleProblem("\(field) is required") }
            let expression: CronExpression
            do { expression = try CronExpression(text) } catch {
                throw ScheduleProblem("\(field) '\(text)' is not a valid cron expression: \(error.description)")
            }
            let zoneName = entry.zoneId.isEmpty ? "UTC" : entry.zoneId
            guard let zone = TimeZone(identifier: zoneName) else {
                let zoneField = schedule.cronSchedules.isEmpty ? "zoneId" : "cronSchedules[\(index)].zoneId"
                throw ScheduleProblem("\(zoneField) '\(zoneName)' is not a known time zone (use an IANA name such as "
                    + "America/New_York)")
            }
            crons.append(Cron(expression: expression, zone: zone, zoneId: zoneName, text: "\(text) \(zoneName)"))
        }
        if let start = schedule.scheduleStartTime, let end = schedule.scheduleEndTime, end < start {
            throw ScheduleProblem("scheduleEndTime \(end) is before scheduleStartTime \(start)")
        }
        self.crons = crons
        startTime = schedule.scheduleStartTime
        endTime = schedule.scheduleEndTime
    }

    /// The first slot strictly after `instant`, within the start and end times; nil when none is left.
    ///
    /// As Conductor, a start time counts from half a second before it, so a start time on a slot includes the slot.
    public func firstSlot(after instant: Int64) -> Slot? {
        let from = startTime.map { max(instant, $0 > Int64.min + 500 ? $0 - 500 : .min) } ?? instant
        var first: Slot?
        for cron in crons {
            guard let time = cron.expression.nextFireTime(after: from, in: cron.zone) else { continue }
            if first == nil || time < first!.time { first = Slot(time: time, cron: cron.text) }
        }
        guard let first, endTime.map({ first.time <= $0 }) ?? true else { return nil }
        return first
    }

    /// How many slots fall in `(after, upTo)`, counting at most `limit` of them.
    public func slots(after instant: Int64, before end: Int64, limit: Int) -> Int {
        var count = 0
        var last = instant
        while count < limit, let slot = firstSlot(after: last), slot.time < end {
            count += 1
            last = slot.time
        }
        return count
    }
}

/// Why a schedule cannot be saved, naming the field at fault.
public struct ScheduleProblem: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
