import BatonDecider
import Foundation

/// Schedules: when a cron expression fires (the start of Conductor's scheduler, issue #27).
extension Engine {
    /// The most fire times `nextFireTimes` answers, as Conductor's `nextFewSchedules`.
    public static let maximumFireTimesListed = 5

    /// The next fire times (epoch milliseconds, at most `maximumFireTimesListed`, ascending) of `cronExpression` in
    /// UTC from now, as Conductor's `GET /api/scheduler/nextFewSchedules` answers: none before `startTime` (when it
    /// is later than now), none after `endTime`.
    public func nextFireTimes(cronExpression: String, startTime: Int64? = nil, endTime: Int64? = nil,
                              limit: Int = maximumFireTimesListed) throws(EngineError) -> [Int64] {
        let expression: CronExpression
        do {
            expression = try CronExpression(cronExpression)
        } catch {
            throw EngineError.invalid("Invalid cron expression: \(error.description)")
        }
        let now = clock.now()
        // As Conductor: a start time a moment from now is taken as the first slot itself.
        let from = startTime.map { max($0, Int64.min + 500) - 500 }.map { $0 > now ? $0 : now } ?? now
        let times = expression.nextFireTimes(after: from, in: TimeZone(identifier: "UTC")!,
                                             count: max(0, min(Self.maximumFireTimesListed, limit)))
        guard let endTime else { return times }
        return Array(times.prefix { $0 <= endTime })
    }
}
