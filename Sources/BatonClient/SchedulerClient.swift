public import BatonModel
import Foundation
import NIOHTTP1

/// Schedules (`/api/scheduler`): workflows started on a cron, the record of what each slot did, and when an
/// expression fires.
public struct SchedulerClient: Sendable {
    let transport: HTTPTransport

    /// Creates or replaces the schedule named `schedule.name`; returns it as saved, with its next run time.
    @discardableResult
    public func save(_ schedule: WorkflowSchedule) async throws -> WorkflowSchedule {
        try transport.decode(WorkflowSchedule.self, from: await transport.send(.POST, "/api/scheduler/schedules", json: schedule))
    }

    /// The schedule named `name`; a 404 `ClientError` when there is none.
    public func schedule(named name: String) async throws -> WorkflowSchedule {
        try await transport.get(WorkflowSchedule.self, "/api/scheduler/schedules/\(HTTPTransport.segment(name))")
    }

    /// Every schedule, or those that start `workflowName`, by name.
    public func schedules(workflowName: String? = nil) async throws -> [WorkflowSchedule] {
        try await transport.get([WorkflowSchedule].self, "/api/scheduler/schedules", query: [("workflowName", workflowName)])
    }

    /// Deletes the schedule named `name` and its slot records (nothing when there is none).
    public func delete(scheduleNamed name: String) async throws {
        _ = try await transport.send(.DELETE, "/api/scheduler/schedules/\(HTTPTransport.segment(name))")
    }

    /// Pauses a schedule, with an optional reason shown beside it.
    public func pause(scheduleNamed name: String, reason: String? = nil) async throws {
        _ = try await transport.send(.PUT, "/api/scheduler/schedules/\(HTTPTransport.segment(name))/pause",
                                     query: [("reason", reason)])
    }

    /// Resumes a paused schedule from now (slots missed while paused are not caught up).
    public func resume(scheduleNamed name: String) async throws {
        _ = try await transport.send(.PUT, "/api/scheduler/schedules/\(HTTPTransport.segment(name))/resume")
    }

    /// The slot records that match `query` (e.g. `scheduleName IN (nightly) AND state IN (FAILED)`), latest first
    /// unless `sort` says otherwise (`scheduledTime:ASC`).
    public func executions(query: String? = nil, freeText: String? = nil, sort: String? = nil, start: Int = 0,
                           size: Int = 100) async throws -> SearchResult<ScheduleExecution> {
        try await transport.get(SearchResult<ScheduleExecution>.self, "/api/scheduler/search/executions",
                                query: [("query", query), ("freeText", freeText), ("sort", sort),
                                        ("start", String(start)), ("size", String(size))])
    }

    /// The next fire times (epoch milliseconds, at most 5, ascending) of a Spring six-field `cronExpression` read in
    /// `zoneId` (UTC when nil) from now, none before `startTime` or after `endTime`; a cron expression or zone the
    /// server cannot read is refused.
    public func nextFireTimes(cronExpression: String, zoneId: String? = nil, startTime: Int64? = nil,
                              endTime: Int64? = nil, limit: Int? = nil) async throws -> [Int64] {
        try await transport.get([Int64].self, "/api/scheduler/nextFewSchedules",
                                query: [("cronExpression", cronExpression), ("zoneId", zoneId),
                                        ("scheduleStartTime", startTime.map(String.init)),
                                        ("scheduleEndTime", endTime.map(String.init)), ("limit", limit.map(String.init))])
    }
}
