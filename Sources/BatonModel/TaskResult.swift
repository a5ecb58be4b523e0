import Foundation

/// One log line a worker attached to a task.
public struct TaskExecLog: Codable, Sendable, Hashable {
    public var log: String
    public var taskId: String?
    public var createdTime: Int64

    public init(log: String, taskId: String?, createdTime: Int64) {
        self.log = log
        self.taskId = taskId
        self.createdTime = createdTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        log = try c.value(.log, or: "")
        taskId = try c.decodeIfPresent(String.self, forKey: .taskId)
        createdTime = try c.value(.createdTime, or: 0)
    }
}

/// A worker's report on a task: `POST /api/tasks` and `/api/tasks/update-v2`.
public struct TaskResult: Codable, Sendable, Hashable {
    public var workflowInstanceId: String
    public var taskId: String
    public var status: TaskResultStatus?
    public var outputData: JSONObject?
    public var reasonForIncompletion: String?
    public var callbackAfterSeconds: Int64
    public var workerId: String?
    public var logs: [TaskExecLog]
    public var subWorkflowId: String?
    public var extendLease: Bool

    public init(workflowInstanceId: String, taskId: String, status: TaskResultStatus, outputData: JSONObject? = nil,
                reasonForIncompletion: String? = nil, callbackAfterSeconds: Int64 = 0, workerId: String? = nil) {
        self.workflowInstanceId = workflowInstanceId
        self.taskId = taskId
        self.status = status
        self.outputData = outputData
        self.reasonForIncompletion = reasonForIncompletion
        self.callbackAfterSeconds = callbackAfterSeconds
        self.workerId = workerId
        self.logs = []
        self.extendLease = false
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workflowInstanceId = try c.value(.workflowInstanceId, or: "")
        taskId = try c.value(.taskId, or: "")
        status = try c.decodeIfPresent(TaskResultStatus.self, forKey: .status)
        outputData = try c.decodeIfPresent(JSONObject.self, forKey: .outputData)
        reasonForIncompletion = try c.decodeIfPresent(String.self, forKey: .reasonForIncompletion)
        callbackAfterSeconds = try c.value(.callbackAfterSeconds, or: 0)
        workerId = try c.decodeIfPresent(String.self, forKey: .workerId)
        logs = try c.value(.logs, or: [])
        subWorkflowId = try c.decodeIfPresent(String.self, forKey: .subWorkflowId)
        extendLease = try c.value(.extendLease, or: false)
        try decoder.refuseExternalPayloadPath("externalOutputPayloadStoragePath")
    }
}
