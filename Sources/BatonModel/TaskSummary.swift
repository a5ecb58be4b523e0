/// The short form of a task that `/api/tasks/search` returns (Conductor's `TaskSummary`: times as ISO-8601 UTC
/// strings, always present; input and output as JSON text).
public struct TaskSummary: Codable, Sendable, Hashable {
    public var taskId: String
    public var taskDefName: String
    public var taskType: String
    public var workflowId: String
    public var workflowType: String?
    public var workflowPriority: Int
    public var correlationId: String?
    public var scheduledTime: String
    public var startTime: String
    public var updateTime: String
    public var endTime: String
    public var status: TaskStatus
    public var reasonForIncompletion: String?
    public var executionTime: Int64
    public var queueWaitTime: Int64
    public var domain: String?
    public var input: String
    public var output: String

    /// Summarizes a task attempt as Conductor's index does.
    public init(_ task: TaskExecution) {
        taskId = task.taskId
        taskDefName = task.taskDefName
        taskType = task.taskType
        workflowId = task.workflowInstanceId
        workflowType = task.workflowType
        workflowPriority = task.workflowPriority
        correlationId = task.correlationId
        scheduledTime = ISOTime.string(fromMillis: task.scheduledTime)
        startTime = ISOTime.string(fromMillis: task.startTime)
        updateTime = ISOTime.string(fromMillis: task.updateTime)
        endTime = ISOTime.string(fromMillis: task.endTime)
        status = task.status
        reasonForIncompletion = task.reasonForIncompletion
        executionTime = task.endTime > 0 ? task.endTime - task.startTime : 0
        queueWaitTime = task.queueWaitTime
        domain = task.domain
        input = JSONValue.object(task.inputData).compactJSON
        output = JSONValue.object(task.outputData).compactJSON
    }
}
