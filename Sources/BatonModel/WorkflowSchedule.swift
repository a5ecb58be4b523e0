/// A schedule: starts a workflow each time its cron expression fires, as Conductor's scheduler
/// (`/api/scheduler/schedules`). Saved by name; the server keeps the times and who changed it.
public struct WorkflowSchedule: Codable, Sendable, Hashable {
    public var name: String
    /// Spring's six-field cron expression (second precision), read in `zoneId`; unused when `cronSchedules` has any.
    public var cronExpression: String?
    /// The time zone the expression's wall-clock times are in (`America/New_York`); UTC by default.
    public var zoneId: String
    /// Several expressions, each in its own zone: the schedule fires at every time any of them gives.
    public var cronSchedules: [CronSchedule]
    /// What each firing starts; its input gets `_scheduledTime`, `_executedTime` and the other scheduler fields.
    public var startWorkflowRequest: StartWorkflowRequest?
    /// Whether slots missed while no server ran are fired later, each once and in order (otherwise skipped).
    public var runCatchupScheduleInstances: Bool
    public var paused: Bool
    public var pausedReason: String?
    /// No slot before this (epoch ms).
    public var scheduleStartTime: Int64?
    /// No slot after this (epoch ms).
    public var scheduleEndTime: Int64?
    public var description: String?
    public var createTime: Int64?
    public var updatedTime: Int64?
    public var createdBy: String?
    public var updatedBy: String?
    /// When it fires next (epoch ms); nil while paused and once past its end.
    public var nextRunTime: Int64?

    public init(name: String, cronExpression: String?, zoneId: String = "UTC", cronSchedules: [CronSchedule] = [],
                startWorkflowRequest: StartWorkflowRequest?, runCatchupScheduleInstances: Bool = false, paused: Bool = false,
                scheduleStartTime: Int64? = nil, scheduleEndTime: Int64? = nil, description: String? = nil) {
        self.name = name
        self.cronExpression = cronExpression
        self.zoneId = zoneId
        self.cronSchedules = cronSchedules
        self.startWorkflowRequest = startWorkflowRequest
        self.runCatchupScheduleInstances = runCatchupScheduleInstances
        self.paused = paused
        self.scheduleStartTime = scheduleStartTime
        self.scheduleEndTime = scheduleEndTime
        self.description = description
    }

    /// The name of the workflow each firing starts ("" when the request names none).
    public var workflowName: String {
        startWorkflowRequest?.name ?? startWorkflowRequest?.workflowDef?.name ?? ""
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(.name, or: "")
        cronExpression = try c.decodeIfPresent(String.self, forKey: .cronExpression)
        zoneId = try c.value(.zoneId, or: "UTC")
        cronSchedules = try c.value(.cronSchedules, or: [])
        startWorkflowRequest = try c.decodeIfPresent(StartWorkflowRequest.self, forKey: .startWorkflowRequest)
        runCatchupScheduleInstances = try c.value(.runCatchupScheduleInstances, or: false)
        paused = try c.value(.paused, or: false)
        pausedReason = try c.decodeIfPresent(String.self, forKey: .pausedReason)
        scheduleStartTime = try c.decodeIfPresent(Int64.self, forKey: .scheduleStartTime)
        scheduleEndTime = try c.decodeIfPresent(Int64.self, forKey: .scheduleEndTime)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        createTime = try c.decodeIfPresent(Int64.self, forKey: .createTime)
        updatedTime = try c.decodeIfPresent(Int64.self, forKey: .updatedTime)
        createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
        updatedBy = try c.decodeIfPresent(String.self, forKey: .updatedBy)
        nextRunTime = try c.decodeIfPresent(Int64.self, forKey: .nextRunTime)
        try decoder.refuseNonEmptyArray("tags", because: "schedule tags are Orkes Conductor's, not Conductor OSS's, "
            + "and Baton does not keep them")
    }
}

/// One of a schedule's cron expressions with its time zone.
public struct CronSchedule: Codable, Sendable, Hashable {
    public var cronExpression: String
    public var zoneId: String

    public init(cronExpression: String, zoneId: String = "UTC") {
        self.cronExpression = cronExpression
        self.zoneId = zoneId
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cronExpression = try c.value(.cronExpression, or: "")
        zoneId = try c.value(.zoneId, or: "UTC")
    }
}

/// What one slot of a schedule did: the workflow it started, or why it could not (Conductor's
/// `WorkflowScheduleExecutionModel`, searched with `GET /api/scheduler/search/executions`).
public struct ScheduleExecution: Codable, Sendable, Hashable {
    /// Whether the slot started its workflow. (Conductor's POLLED, a slot taken but not yet started, is never
    /// seen in Baton: a slot is taken and its workflow started in one transaction.)
    public enum State: String, Codable, Sendable, CaseIterable {
        case executed = "EXECUTED"
        case failed = "FAILED"
    }

    public var executionId: String
    public var scheduleName: String
    /// The slot (epoch ms).
    public var scheduledTime: Int64
    /// When the workflow was started for it (epoch ms).
    public var executionTime: Int64
    public var workflowName: String
    public var workflowId: String?
    /// Why the workflow did not start.
    public var reason: String?
    public var startWorkflowRequest: StartWorkflowRequest?
    public var state: State
    public var zoneId: String

    public init(executionId: String, scheduleName: String, scheduledTime: Int64, executionTime: Int64,
                workflowName: String, workflowId: String?, reason: String?, startWorkflowRequest: StartWorkflowRequest?,
                state: State, zoneId: String) {
        self.executionId = executionId
        self.scheduleName = scheduleName
        self.scheduledTime = scheduledTime
        self.executionTime = executionTime
        self.workflowName = workflowName
        self.workflowId = workflowId
        self.reason = reason
        self.startWorkflowRequest = startWorkflowRequest
        self.state = state
        self.zoneId = zoneId
    }
}
