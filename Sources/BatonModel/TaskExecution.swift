import Foundation

/// One attempt of one task in a workflow execution, with Conductor's `Task` JSON (named apart from Swift's `Task`).
public struct TaskExecution: Codable, Sendable, Hashable, JSONObjectReadable, JSONObjectMembers, CustomReflectable {
    /// The members, behind one reference: an execution's tasks are copied whole far more often than one is
    /// changed (every decision reads them all, the store keeps large executions' tasks between decisions), and a
    /// copy of a task then costs one retain, an unchanged one compares equal by identity.
    private var storage = CopyOnWrite(Fields())

    private struct Fields: Hashable, Sendable {
        var taskId: String = ""
        var taskType: String = ""
        var taskDefName: String = ""
        var referenceTaskName: String = ""
        var status: TaskStatus = .scheduled
        var inputData: JSONObject = [:]
        var outputData: JSONObject = [:]
        var workflowInstanceId: String = ""
        var workflowType: String? = nil
        var correlationId: String? = nil
        var seq: Int = 0
        var retryCount: Int = 0
        var retried: Bool = false
        var retriedTaskId: String? = nil
        var executed: Bool = false
        var pollCount: Int = 0
        var scheduledTime: Int64 = 0
        var startTime: Int64 = 0
        var endTime: Int64 = 0
        var updateTime: Int64 = 0
        var firstStartTime: Int64 = 0
        var startDelayInSeconds: Int = 0
        var callbackAfterSeconds: Int64 = 0
        var callbackFromWorker: Bool = false
        var responseTimeoutSeconds: Int64 = 0
        var workerId: String? = nil
        var reasonForIncompletion: String? = nil
        var workflowTask: WorkflowTask? = nil
        var domain: String? = nil
        var workflowPriority: Int = 0
        var iteration: Int = 0
        var subWorkflowId: String? = nil
        var subworkflowChanged: Bool = false
        var parentTaskId: String? = nil
        var rateLimitPerFrequency: Int = 0
        var rateLimitFrequencyInSeconds: Int = 0
        var executionNameSpace: String? = nil
        var isolationGroupId: String? = nil
        var waitUntil: Int64 = 0
        var pausedMillis: Int64 = 0
    }

    public var taskId: String {
        get { storage.fields.taskId }
        set { storage.fields.taskId = newValue }
    }
    public var taskType: String {
        get { storage.fields.taskType }
        set { storage.fields.taskType = newValue }
    }
    public var taskDefName: String {
        get { storage.fields.taskDefName }
        set { storage.fields.taskDefName = newValue }
    }
    public var referenceTaskName: String {
        get { storage.fields.referenceTaskName }
        set { storage.fields.referenceTaskName = newValue }
    }
    public var status: TaskStatus {
        get { storage.fields.status }
        set { storage.fields.status = newValue }
    }
    public var inputData: JSONObject {
        get { storage.fields.inputData }
        set { storage.fields.inputData = newValue }
    }
    public var outputData: JSONObject {
        get { storage.fields.outputData }
        set { storage.fields.outputData = newValue }
    }
    public var workflowInstanceId: String {
        get { storage.fields.workflowInstanceId }
        set { storage.fields.workflowInstanceId = newValue }
    }
    public var workflowType: String? {
        get { storage.fields.workflowType }
        set { storage.fields.workflowType = newValue }
    }
    public var correlationId: String? {
        get { storage.fields.correlationId }
        set { storage.fields.correlationId = newValue }
    }
    public var seq: Int {
        get { storage.fields.seq }
        set { storage.fields.seq = newValue }
    }
    public var retryCount: Int {
        get { storage.fields.retryCount }
        set { storage.fields.retryCount = newValue }
    }
    public var retried: Bool {
        get { storage.fields.retried }
        set { storage.fields.retried = newValue }
    }
    public var retriedTaskId: String? {
        get { storage.fields.retriedTaskId }
        set { storage.fields.retriedTaskId = newValue }
    }
    public var executed: Bool {
        get { storage.fields.executed }
        set { storage.fields.executed = newValue }
    }
    public var pollCount: Int {
        get { storage.fields.pollCount }
        set { storage.fields.pollCount = newValue }
    }
    public var scheduledTime: Int64 {
        get { storage.fields.scheduledTime }
        set { storage.fields.scheduledTime = newValue }
    }
    public var startTime: Int64 {
        get { storage.fields.startTime }
        set { storage.fields.startTime = newValue }
    }
    public var endTime: Int64 {
        get { storage.fields.endTime }
        set { storage.fields.endTime = newValue }
    }
    public var updateTime: Int64 {
        get { storage.fields.updateTime }
        set { storage.fields.updateTime = newValue }
    }
    public var firstStartTime: Int64 {
        get { storage.fields.firstStartTime }
        set { storage.fields.firstStartTime = newValue }
    }
    public var startDelayInSeconds: Int {
        get { storage.fields.startDelayInSeconds }
        set { storage.fields.startDelayInSeconds = newValue }
    }
    public var callbackAfterSeconds: Int64 {
        get { storage.fields.callbackAfterSeconds }
        set { storage.fields.callbackAfterSeconds = newValue }
    }
    public var callbackFromWorker: Bool {
        get { storage.fields.callbackFromWorker }
        set { storage.fields.callbackFromWorker = newValue }
    }
    public var responseTimeoutSeconds: Int64 {
        get { storage.fields.responseTimeoutSeconds }
        set { storage.fields.responseTimeoutSeconds = newValue }
    }
    public var workerId: String? {
        get { storage.fields.workerId }
        set { storage.fields.workerId = newValue }
    }
    public var reasonForIncompletion: String? {
        get { storage.fields.reasonForIncompletion }
        set { storage.fields.reasonForIncompletion = newValue }
    }
    public var workflowTask: WorkflowTask? {
        get { storage.fields.workflowTask }
        set { storage.fields.workflowTask = newValue }
    }
    public var domain: String? {
        get { storage.fields.domain }
        set { storage.fields.domain = newValue }
    }
    public var workflowPriority: Int {
        get { storage.fields.workflowPriority }
        set { storage.fields.workflowPriority = newValue }
    }
    public var iteration: Int {
        get { storage.fields.iteration }
        set { storage.fields.iteration = newValue }
    }
    public var subWorkflowId: String? {
        get { storage.fields.subWorkflowId }
        set { storage.fields.subWorkflowId = newValue }
    }
    public var subworkflowChanged: Bool {
        get { storage.fields.subworkflowChanged }
        set { storage.fields.subworkflowChanged = newValue }
    }
    public var parentTaskId: String? {
        get { storage.fields.parentTaskId }
        set { storage.fields.parentTaskId = newValue }
    }
    public var rateLimitPerFrequency: Int {
        get { storage.fields.rateLimitPerFrequency }
        set { storage.fields.rateLimitPerFrequency = newValue }
    }
    public var rateLimitFrequencyInSeconds: Int {
        get { storage.fields.rateLimitFrequencyInSeconds }
        set { storage.fields.rateLimitFrequencyInSeconds = newValue }
    }
    public var executionNameSpace: String? {
        get { storage.fields.executionNameSpace }
        set { storage.fields.executionNameSpace = newValue }
    }
    public var isolationGroupId: String? {
        get { storage.fields.isolationGroupId }
        set { storage.fields.isolationGroupId = newValue }
    }
    /// Engine bookkeeping, never sent (SPI `Engine`: the engine and the stores import it, SDK users do not see it): when a WAIT task with a duration or `until` completes (epoch ms, 0 = never).
    @_spi(Engine) public var waitUntil: Int64 {
        get { storage.fields.waitUntil }
        set { storage.fields.waitUntil = newValue }
    }
    /// Engine bookkeeping, never sent (SPI `Engine`: the engine and the stores import it, SDK users do not see it): paused time (ms) that does not count toward this task's timeouts.
    @_spi(Engine) public var pausedMillis: Int64 {
        get { storage.fields.pausedMillis }
        set { storage.fields.pausedMillis = newValue }
    }

    /// Shows the members, not the box that holds them (in test failures and `dump`).
    public var customMirror: Mirror { Mirror(reflecting: storage.fields) }

    /// Creates a task attempt in the SCHEDULED state.
    public init(taskId: String, taskType: String, taskDefName: String, referenceTaskName: String,
                workflowInstanceId: String, seq: Int, scheduledTime: Int64) {
        self.taskId = taskId
        self.taskType = taskType
        self.taskDefName = taskDefName
        self.referenceTaskName = referenceTaskName
        self.status = .scheduled
        self.inputData = [:]
        self.outputData = [:]
        self.workflowInstanceId = workflowInstanceId
        self.seq = seq
        self.retryCount = 0
        self.retried = false
        self.executed = false
        self.pollCount = 0
        self.scheduledTime = scheduledTime
        self.startTime = 0
        self.endTime = 0
        self.updateTime = scheduledTime
        self.firstStartTime = 0
        self.startDelayInSeconds = 0
        self.callbackAfterSeconds = 0
        self.callbackFromWorker = true
        self.responseTimeoutSeconds = 0
        self.workflowPriority = 0
        self.iteration = 0
        self.subworkflowChanged = false
        self.rateLimitPerFrequency = 0
        self.rateLimitFrequencyInSeconds = 1
    }

    /// Every member of a task's JSON, in the order written: how each is decoded, encoded, read and written.
    static let members: [JSONMember<TaskExecution>] = [
        .member("taskId", { $0.taskId }, { $0.taskId = $1 }), .member("taskType", { $0.taskType }, { $0.taskType = $1 }), .member("taskDefName", { $0.taskDefName }, { $0.taskDefName = $1 }),
        .member("referenceTaskName", { $0.referenceTaskName }, { $0.referenceTaskName = $1 }), .member("status", { $0.status }, { $0.status = $1 }),
        .member("inputData", { $0.inputData }, { $0.inputData = $1 }), .member("outputData", { $0.outputData }, { $0.outputData = $1 }),
        .member("workflowInstanceId", { $0.workflowInstanceId }, { $0.workflowInstanceId = $1 }), .optional("workflowType", { $0.workflowType }, { $0.workflowType = $1 }),
        .optional("correlationId", { $0.correlationId }, { $0.correlationId = $1 }), .member("seq", { $0.seq }, { $0.seq = $1 }), .member("retryCount", { $0.retryCount }, { $0.retryCount = $1 }),
        .member("retried", { $0.retried }, { $0.retried = $1 }), .optional("retriedTaskId", { $0.retriedTaskId }, { $0.retriedTaskId = $1 }), .member("executed", { $0.executed }, { $0.executed = $1 }),
        .member("pollCount", { $0.pollCount }, { $0.pollCount = $1 }), .member("scheduledTime", { $0.scheduledTime }, { $0.scheduledTime = $1 }), .member("startTime", { $0.startTime }, { $0.startTime = $1 }),
        .member("endTime", { $0.endTime }, { $0.endTime = $1 }), .member("updateTime", { $0.updateTime }, { $0.updateTime = $1 }), .member("firstStartTime", { $0.firstStartTime }, { $0.firstStartTime = $1 }),
        .member("startDelayInSeconds", { $0.startDelayInSeconds }, { $0.startDelayInSeconds = $1 }), .member("callbackAfterSeconds", { $0.callbackAfterSeconds }, { $0.callbackAfterSeconds = $1 }),
        .member("callbackFromWorker", { $0.callbackFromWorker }, { $0.callbackFromWorker = $1 }), .member("responseTimeoutSeconds", { $0.responseTimeoutSeconds }, { $0.responseTimeoutSeconds = $1 }),
        .optional("workerId", { $0.workerId }, { $0.workerId = $1 }), .optional("reasonForIncompletion", { $0.reasonForIncompletion }, { $0.reasonForIncompletion = $1 }),
        .node("workflowTask", { $0.workflowTask }, { $0.workflowTask = $1 }), .optional("domain", { $0.domain }, { $0.domain = $1 }),
        .member("workflowPriority", { $0.workflowPriority }, { $0.workflowPriority = $1 }),
        .member("iteration", writing: { .integer(Int64($0.wireIteration)) }, { $0.iteration = $1 }),
        .written("loopOverTask") { .bool($0.wireIteration > 0) },
        .written("queueWaitTime") { .integer($0.queueWaitTime) },
        .optional("subWorkflowId", { $0.subWorkflowId }, { $0.subWorkflowId = $1 }), .member("subworkflowChanged", { $0.subworkflowChanged }, { $0.subworkflowChanged = $1 }),
        .optional("parentTaskId", { $0.parentTaskId }, { $0.parentTaskId = $1 }), .member("rateLimitPerFrequency", { $0.rateLimitPerFrequency }, { $0.rateLimitPerFrequency = $1 }),
        .member("rateLimitFrequencyInSeconds", { $0.rateLimitFrequencyInSeconds }, { $0.rateLimitFrequencyInSeconds = $1 }),
        .optional("executionNameSpace", { $0.executionNameSpace }, { $0.executionNameSpace = $1 }), .optional("isolationGroupId", { $0.isolationGroupId }, { $0.isolationGroupId = $1 }),
    ]

    /// The members by name, for the fast reader.
    private static let membersByName = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })

    /// Reads a task as `init(from:)` does, with its defaults (a SCHEDULED task, `callbackFromWorker`,
    /// `rateLimitFrequencyInSeconds` 1).
    public init(from decoder: any Decoder) throws {
        self.init(taskId: "", taskType: "", taskDefName: "", referenceTaskName: "", workflowInstanceId: "", seq: 0,
                  scheduledTime: 0)
        try Self.members.decode(into: &self, from: decoder)
    }

    /// Reads a task in its usual shape, as `init(from:)` reads it, without a decoder's container per member
    /// (a worker reads every task it polls). Nil when a member it reads has a value of another type: the
    /// `Decodable` conformance then reads the task, with its errors.
    init?(reading members: JSONObject, nested: JSONNestedReader) {
        self.init(taskId: "", taskType: "", taskDefName: "", referenceTaskName: "", workflowInstanceId: "", seq: 0,
                  scheduledTime: 0)
        for (key, value) in members {
            if case .null = value { continue }
            guard let read = Self.membersByName[key]?.read else { continue }  // unknown, or written only
            guard read(&self, value, nested) else { return nil }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.members.encode(self, to: encoder)
    }

    /// The `iteration` clients see: a DO_WHILE task's own is its current iteration, as in Conductor (Baton keeps
    /// the count in the loop's output and, in `iteration`, the iteration of an enclosing loop); any other task's is
    /// the iteration of the loop it runs in.
    public var wireIteration: Int {
        guard taskType == TaskType.doWhile.rawValue, case .int(let count)? = outputData["iteration"] else { return iteration }
        return max(iteration, Int(count))
    }

    /// How long the attempt waited in its queue before a worker took it (ms).
    public var queueWaitTime: Int64 {
        guard startTime > 0, scheduledTime > 0 else { return 0 }
        return max(0, startTime - scheduledTime - callbackAfterSeconds * 1000)
    }

    /// The reference name without a DO_WHILE iteration suffix (`ref__2` → `ref`).
    public var baseReferenceName: String { TaskExecution.baseReferenceName(of: referenceTaskName) }

    /// Strips a DO_WHILE iteration suffix (`ref__2` → `ref`) from a reference name.
    public static func baseReferenceName(of name: String) -> String {
        // Most names hold no `__`: read their bytes from the end, without Foundation's search.
        let underscore = UInt8(ascii: "_")
        let utf8 = name.utf8
        var position = utf8.endIndex
        var digits = 0
        while position > utf8.startIndex {
            let before = utf8.index(before: position)
            let byte = utf8[before]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits += 1
                position = before
                continue
            }
            guard byte < 0x80 else { break }  // a non-ASCII suffix: Unicode's digits decide, below
            guard byte == underscore, digits > 0, before > utf8.startIndex,
                  utf8[utf8.index(before: before)] == underscore
            else { return name }
            return String(name[..<utf8.index(before: before)])
        }
        guard position > utf8.startIndex else { return name }
        guard let range = name.range(of: "__", options: .backwards),
              !name[range.upperBound...].isEmpty, name[range.upperBound...].allSatisfy(\.isNumber)
        else { return name }
        return String(name[..<range.lowerBound])
    }
}
