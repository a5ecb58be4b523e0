import Foundation

/// The body of `PUT /api/workflow/{id}/skiptask/{taskReferenceName}`: what the skipped task records as its
/// input and output.
public struct SkipTaskRequest: Codable, Sendable, Hashable {
    public var taskInput: JSONObject?
    public var taskOutput: JSONObject?

    public init(taskInput: JSONObject? = nil, taskOutput: JSONObject? = nil) {
        self.taskInput = taskInput
        self.taskOutput = taskOutput
    }
}

/// What the reply to a synchronous execute or signal holds (Conductor's `WorkflowSignalReturnStrategy`).
public enum WorkflowSignalReturnStrategy: String, Codable, Sendable, Hashable, CaseIterable {
    /// The workflow the request named, even when the blocking task is in a sub-workflow.
    case targetWorkflow = "TARGET_WORKFLOW"
    /// The workflow that holds the blocking task (possibly a deep sub-workflow).
    case blockingWorkflow = "BLOCKING_WORKFLOW"
    /// The blocking task.
    case blockingTask = "BLOCKING_TASK"
    /// The blocking task, read for its input.
    case blockingTaskInput = "BLOCKING_TASK_INPUT"
}

/// A workflow's state in the reply to a synchronous execute or signal (Conductor's `WorkflowRun`).
public struct WorkflowRun: Codable, Sendable, Hashable {
    public var responseType: WorkflowSignalReturnStrategy
    public var targetWorkflowId: String
    public var targetWorkflowStatus: String
    public var requestId: String
    public var workflowId: String
    public var correlationId: String?
    public var input: JSONObject
    public var output: JSONObject
    public var signalTimeout: Bool
    public var priority: Int
    public var variables: JSONObject
    public var tasks: [TaskExecution]
    public var createdBy: String?
    public var createTime: Int64
    public var status: WorkflowStatus
    public var updateTime: Int64

    /// The state of `workflow`, answered for a request about `target`.
    public init(_ workflow: Workflow, target: Workflow, responseType: WorkflowSignalReturnStrategy, requestId: String,
                signalTimeout: Bool) {
        self.responseType = responseType
        targetWorkflowId = target.workflowId
        targetWorkflowStatus = target.status.rawValue
        self.requestId = requestId
        workflowId = workflow.workflowId
        correlationId = workflow.correlationId
        input = workflow.input
        output = workflow.output
        self.signalTimeout = signalTimeout
        priority = workflow.priority
        variables = workflow.variables
        tasks = workflow.tasks
        createdBy = workflow.createdBy
        createTime = workflow.createTime
        status = workflow.status
        updateTime = workflow.updateTime
    }
}

/// A task's state in the reply to a synchronous execute or signal (Conductor's `TaskRun`).
public struct TaskRun: Codable, Sendable, Hashable {
    public var responseType: WorkflowSignalReturnStrategy
    public var targetWorkflowId: String
    public var targetWorkflowStatus: String
    public var requestId: String
    public var workflowId: String
    public var correlationId: String?
    public var input: JSONObject
    public var output: JSONObject
    public var signalTimeout: Bool
    public var taskType: String
    public var taskId: String
    public var referenceTaskName: String
    public var retryCount: Int
    public var taskDefName: String
    public var retriedTaskId: String?
    public var workflowType: String?
    public var reasonForIncompletion: String?
    public var priority: Int
    public var createdBy: String?
    public var createTime: Int64
    public var updateTime: Int64
    public var status: TaskStatus

    /// The state of `task`, answered for a request about `target` (as Conductor fills it: the worker as
    /// `createdBy`, the start time as `createTime`).
    public init(_ task: TaskExecution, target: Workflow, responseType: WorkflowSignalReturnStrategy, requestId: String,
                signalTimeout: Bool) {
        self.responseType = responseType
        targetWorkflowId = target.workflowId
        targetWorkflowStatus = target.status.rawValue
        self.requestId = requestId
        workflowId = task.workflowInstanceId
        correlationId = task.correlationId
        input = task.inputData
        output = task.outputData
        self.signalTimeout = signalTimeout
        taskType = task.taskType
        taskId = task.taskId
        referenceTaskName = task.referenceTaskName
        retryCount = task.retryCount
        taskDefName = task.taskDefName
        retriedTaskId = task.retriedTaskId
        workflowType = task.workflowType
        reasonForIncompletion = task.reasonForIncompletion
        priority = task.workflowPriority
        createdBy = task.workerId
        createTime = task.startTime
        updateTime = task.updateTime
        status = task.status
    }
}

/// The reply to a synchronous execute or signal (Conductor's `SignalResponse`): a workflow's state or a task's,
/// told apart on the wire by `responseType`.
public enum SignalResponse: Codable, Sendable, Hashable {
    case workflow(WorkflowRun)
    case task(TaskRun)

    private enum CodingKeys: String, CodingKey { case responseType }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: CodingKeys.self).decode(WorkflowSignalReturnStrategy.self, forKey: .responseType)
        switch type {
        case .targetWorkflow, .blockingWorkflow: self = .workflow(try WorkflowRun(from: decoder))
        case .blockingTask, .blockingTaskInput: self = .task(try TaskRun(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .workflow(let run): try run.encode(to: encoder)
        case .task(let run): try run.encode(to: encoder)
        }
    }
}
