import Foundation

/// Schedules (`/api/scheduler`): so far, when a cron expression fires.
public struct SchedulerClient: Sendable {
    let transport: HTTPTransport

    /// The next fire times (epoch milliseconds, at most 5, ascending) of a Spring six-field `cronExpression` in UTC
    /// from now, none before `startTime` or after `endTime`; a cron expression the server cannot read is refused.
    public func nextFireTimes(cronExpression: String, startTime: Int64? = nil, endTime: Int64? = nil,
                              limit: Int? = nil) async throws -> [Int64] {
        try await transport.get([Int64].self, "/api/scheduler/nextFewSchedules",
                                query: [("cronExpression", cronExpression), ("scheduleStartTime", startTime.map(String.init)),
                                        ("scheduleEndTime", endTime.map(String.init)), ("limit", limit.map(String.init))])
    }
}
