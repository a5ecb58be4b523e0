import Foundation

/// A workflow execution, as Conductor's `Workflow` JSON.
public struct Workflow: Codable, Sendable, Hashable {
    public var workflowId: String
    public var workflowName: String
    public var workflowVersion: Int
    public var status: WorkflowStatus
    public var input: JSONObject
    public var output: JSONObject
    public var tasks: [TaskExecution]
    public var createTime: Int64
    public var updateTime: Int64
    public var endTime: Int64
    public var correlationId: String?
    public var reasonForIncompletion: String?
    public var parentWorkflowId: String?
    public var parentWorkflowTaskId: String?
    public var reRunFromWorkflowId: String?
    public var event: String?
    public var taskToDomain: [String: String]
    public var failedReferenceTaskNames: [String]
    public var failedTaskNames: [String]
    public var workflowDefinition: WorkflowDef?
    public var priority: Int
    public var variables: JSONObject
    public var lastRetriedTime: Int64
    public var idempotencyKey: String?
    public var createdBy: String?
    public var updatedBy: String?

    /// Engine bookkeeping, never sent (SPI `Engine`: the engine and the stores import it, SDK users do not see it): when the current pause began (epoch ms, 0 when not paused).
    @_spi(Engine) public var pausedAt: Int64 = 0
    /// Engine bookkeeping, never sent (SPI `Engine`: the engine and the stores import it, SDK users do not see it): paused time (ms) that does not count toward the workflow timeout.
    @_spi(Engine) public var pausedMillis: Int64 = 0

    /// Creates a RUNNING execution of `definition`.
    public init(workflowId: String, definition: WorkflowDef, input: JSONObject, createTime: Int64) {
        self.workflowId = workflowId
        self.workflowName = definition.name
        self.workflowVersion = definition.version
        self.status = .running
        self.input = input
        self.output = [:]
        self.tasks = []
        self.createTime = createTime
        self.updateTime = createTime
        self.endTime = 0
        self.taskToDomain = [:]
        self.failedReferenceTaskNames = []
        self.failedTaskNames = []
        self.workflowDefinition = definition
        self.priority = 0
        self.variables = definition.variables
        self.lastRetriedTime = 0
    }

    enum CodingKeys: String, CodingKey {
        case workflowId, workflowName, workflowVersion, workflowType, version, status, input, output, tasks
        case createTime, startTime, updateTime, endTime, correlationId, reasonForIncompletion
        case parentWorkflowId, parentWorkflowTaskId, reRunFromWorkflowId, event, taskToDomain
        case failedReferenceTaskNames, failedTaskNames, workflowDefinition, priority, variables, lastRetriedTime
        case idempotencyKey, createdBy, updatedBy, history
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workflowId = try c.value(.workflowId, or: "")
        let legacyName = try c.decodeIfPresent(String.self, forKey: .workflowType)
        workflowName = try c.decodeIfPresent(String.self, forKey: .workflowName) ?? legacyName ?? ""
        let legacyVersion = try c.decodeIfPresent(Int.self, forKey: .version)
        workflowVersion = try c.decodeIfPresent(Int.self, forKey: .workflowVersion) ?? legacyVersion ?? 1
        status = try c.value(.status, or: .running)
        input = try c.value(.input, or: [:])
        output = try c.value(.output, or: [:])
        tasks = try c.value(.tasks, or: [])
        let startTime = try c.decodeIfPresent(Int64.self, forKey: .startTime)
        createTime = try c.decodeIfPresent(Int64.self, forKey: .createTime) ?? startTime ?? 0
        updateTime = try c.value(.updateTime, or: 0)
        endTime = try c.value(.endTime, or: 0)
        correlationId = try c.decodeIfPresent(String.self, forKey: .correlationId)
        reasonForIncompletion = try c.decodeIfPresent(String.self, forKey: .reasonForIncompletion)
        parentWorkflowId = try c.decodeIfPresent(String.self, forKey: .parentWorkflowId)
        parentWorkflowTaskId = try c.decodeIfPresent(String.self, forKey: .parentWorkflowTaskId)
        reRunFromWorkflowId = try c.decodeIfPresent(String.self, forKey: .reRunFromWorkflowId)
        event = try c.decodeIfPresent(String.self, forKey: .event)
        taskToDomain = try c.value(.taskToDomain, or: [:])
        failedReferenceTaskNames = try c.value(.failedReferenceTaskNames, or: [])
        failedTaskNames = try c.value(.failedTaskNames, or: [])
        workflowDefinition = try c.decodeIfPresent(WorkflowDef.self, forKey: .workflowDefinition)
        priority = try c.value(.priority, or: 0)
        variables = try c.value(.variables, or: [:])
        lastRetriedTime = try c.value(.lastRetriedTime, or: 0)
        idempotencyKey = try c.decodeIfPresent(String.self, forKey: .idempotencyKey)
        createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
        updatedBy = try c.decodeIfPresent(String.self, forKey: .updatedBy)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workflowId, forKey: .workflowId)
        try c.encode(workflowName, forKey: .workflowName)
        try c.encode(workflowVersion, forKey: .workflowVersion)
        try c.encode(status, forKey: .status)
        try c.encode(input, forKey: .input)
        try c.encode(output, forKey: .output)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(createTime, forKey: .createTime)
        try c.encode(createTime, forKey: .startTime)
        try c.encode(updateTime, forKey: .updateTime)
        try c.encode(endTime, forKey: .endTime)
        try c.encodeIfPresent(correlationId, forKey: .correlationId)
        try c.encodeIfPresent(reasonForIncompletion, forKey: .reasonForIncompletion)
        try c.encodeIfPresent(parentWorkflowId, forKey: .parentWorkflowId)
        try c.encodeIfPresent(parentWorkflowTaskId, forKey: .parentWorkflowTaskId)
        try c.encodeIfPresent(reRunFromWorkflowId, forKey: .reRunFromWorkflowId)
        try c.encodeIfPresent(event, forKey: .event)
        try c.encode(taskToDomain, forKey: .taskToDomain)
        try c.encode(failedReferenceTaskNames, forKey: .failedReferenceTaskNames)
        try c.encode(failedTaskNames, forKey: .failedTaskNames)
        try c.encodeIfPresent(workflowDefinition, forKey: .workflowDefinition)
        try c.encode(priority, forKey: .priority)
        try c.encode(variables, forKey: .variables)
        try c.encode(lastRetriedTime, forKey: .lastRetriedTime)
        try c.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try c.encodeIfPresent(createdBy, forKey: .createdBy)
        try c.encodeIfPresent(updatedBy, forKey: .updatedBy)
        try c.encode([Workflow](), forKey: .history)
    }
}

/// The short form of a workflow that `/api/workflow/search` returns.
public struct WorkflowSummary: Codable, Sendable, Hashable {
    public var workflowType: String
    public var version: Int
    public var workflowId: String
    public var correlationId: String?
    public var startTime: String
    public var updateTime: String
    public var endTime: String?
    public var status: WorkflowStatus
    public var input: String
    public var output: String
    /// The length of `input` in UTF-16 code units, as Java's `String.length()` counts it.
    public var inputSize: Int64
    /// The length of `output` in UTF-16 code units.
    public var outputSize: Int64
    public var reasonForIncompletion: String?
    public var executionTime: Int64
    public var event: String?
    public var failedReferenceTaskNames: String
    public var failedTaskNames: [String]
    public var priority: Int
    public var createdBy: String?
    public var taskToDomain: [String: String]
    public var idempotencyKey: String?
    public var parentWorkflowId: String

    /// Summarizes an execution the way Conductor's index does (times as ISO-8601 UTC strings).
    public init(_ workflow: Workflow) {
        workflowType = workflow.workflowName
        version = workflow.workflowVersion
        workflowId = workflow.workflowId
        correlationId = workflow.correlationId
        startTime = ISOTime.string(fromMillis: workflow.createTime)
        updateTime = ISOTime.string(fromMillis: workflow.updateTime)
        endTime = workflow.endTime > 0 ? ISOTime.string(fromMillis: workflow.endTime) : nil
        status = workflow.status
        input = JSONValue.object(workflow.input).compactJSON
        output = JSONValue.object(workflow.output).compactJSON
        inputSize = Int64(input.utf16.count)
        outputSize = Int64(output.utf16.count)
        reasonForIncompletion = workflow.reasonForIncompletion
        executionTime = workflow.endTime > 0 ? workflow.endTime - workflow.createTime : 0
        event = workflow.event
        failedReferenceTaskNames = workflow.failedReferenceTaskNames.joined(separator: ",")
        failedTaskNames = workflow.failedTaskNames
        priority = workflow.priority
        createdBy = workflow.createdBy
        taskToDomain = workflow.taskToDomain
        idempotencyKey = workflow.idempotencyKey
        parentWorkflowId = workflow.parentWorkflowId ?? ""
    }
}

/// Formats epoch milliseconds as Conductor's summaries do: `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.
public enum ISOTime {
    /// The UTC ISO-8601 text, with milliseconds, of an epoch-millis instant.
    public static func string(fromMillis millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let ms = ((millis % 1000) + 1000) % 1000
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):"
            + "\(pad(c.second, 2)).\(pad(Int(ms), 3))Z"
    }
}
