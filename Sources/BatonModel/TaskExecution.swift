import Foundation

/// One attempt of one task in a workflow execution, with Conductor's `Task` JSON (named apart from Swift's `Task`).
public struct TaskExecution: Codable, Sendable, Hashable, JSONObjectReadable, CustomReflectable {
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

    enum CodingKeys: String, CodingKey {
        case taskId, taskType, taskDefName, referenceTaskName, status, inputData, outputData, workflowInstanceId
        case workflowType, correlationId, seq, retryCount, retried, retriedTaskId, executed, pollCount
        case scheduledTime, startTime, endTime, updateTime, firstStartTime, startDelayInSeconds
        case callbackAfterSeconds, callbackFromWorker, responseTimeoutSeconds, workerId, reasonForIncompletion
        case workflowTask, taskDefinition, domain, workflowPriority, iteration, loopOverTask, queueWaitTime
        case subWorkflowId, subworkflowChanged, parentTaskId, rateLimitPerFrequency, rateLimitFrequencyInSeconds
        case executionNameSpace, isolationGroupId
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskId = try c.value(.taskId, or: "")
        taskType = try c.value(.taskType, or: "")
        taskDefName = try c.value(.taskDefName, or: "")
        referenceTaskName = try c.value(.referenceTaskName, or: "")
        status = try c.value(.status, or: .scheduled)
        inputData = try c.value(.inputData, or: [:])
        outputData = try c.value(.outputData, or: [:])
        workflowInstanceId = try c.value(.workflowInstanceId, or: "")
        workflowType = try c.decodeIfPresent(String.self, forKey: .workflowType)
        correlationId = try c.decodeIfPresent(String.self, forKey: .correlationId)
        seq = try c.value(.seq, or: 0)
        retryCount = try c.value(.retryCount, or: 0)
        retried = try c.value(.retried, or: false)
        retriedTaskId = try c.decodeIfPresent(String.self, forKey: .retriedTaskId)
        executed = try c.value(.executed, or: false)
        pollCount = try c.value(.pollCount, or: 0)
        scheduledTime = try c.value(.scheduledTime, or: 0)
        startTime = try c.value(.startTime, or: 0)
        endTime = try c.value(.endTime, or: 0)
        updateTime = try c.value(.updateTime, or: 0)
        firstStartTime = try c.value(.firstStartTime, or: 0)
        startDelayInSeconds = try c.value(.startDelayInSeconds, or: 0)
        callbackAfterSeconds = try c.value(.callbackAfterSeconds, or: 0)
        callbackFromWorker = try c.value(.callbackFromWorker, or: true)
        responseTimeoutSeconds = try c.value(.responseTimeoutSeconds, or: 0)
        workerId = try c.decodeIfPresent(String.self, forKey: .workerId)
        reasonForIncompletion = try c.decodeIfPresent(String.self, forKey: .reasonForIncompletion)
        workflowTask = try c.decodeIfPresent(WorkflowTask.self, forKey: .workflowTask)
        domain = try c.decodeIfPresent(String.self, forKey: .domain)
        workflowPriority = try c.value(.workflowPriority, or: 0)
        iteration = try c.value(.iteration, or: 0)
        subWorkflowId = try c.decodeIfPresent(String.self, forKey: .subWorkflowId)
        subworkflowChanged = try c.value(.subworkflowChanged, or: false)
        parentTaskId = try c.decodeIfPresent(String.self, forKey: .parentTaskId)
        rateLimitPerFrequency = try c.value(.rateLimitPerFrequency, or: 0)
        rateLimitFrequencyInSeconds = try c.value(.rateLimitFrequencyInSeconds, or: 1)
        executionNameSpace = try c.decodeIfPresent(String.self, forKey: .executionNameSpace)
        isolationGroupId = try c.decodeIfPresent(String.self, forKey: .isolationGroupId)
    }

    /// Reads a task in its usual shape, as `init(from:)` reads it, without a decoder's container per member
    /// (a worker reads every task it polls). Nil when a member it reads has a value of another type: the
    /// `Decodable` conformance then reads the task, with its errors.
    init?(reading members: JSONObject, nested: JSONNestedReader) {
        self.init(taskId: "", taskType: "", taskDefName: "", referenceTaskName: "", workflowInstanceId: "", seq: 0,
                  scheduledTime: 0)
        for (key, value) in members {
            if case .null = value { continue }
            switch (key, value) {
            case ("taskId", .string(let text)): taskId = text
            case ("taskType", .string(let text)): taskType = text
            case ("taskDefName", .string(let text)): taskDefName = text
            case ("referenceTaskName", .string(let text)): referenceTaskName = text
            case ("status", .string(let text)):
                guard let status = TaskStatus(rawValue: text) else { return nil }
                self.status = status
            case ("inputData", .object(let object)): inputData = object
            case ("outputData", .object(let object)): outputData = object
            case ("workflowInstanceId", .string(let text)): workflowInstanceId = text
            case ("workflowType", .string(let text)): workflowType = text
            case ("correlationId", .string(let text)): correlationId = text
            case ("seq", .int(let number)): seq = Int(number)
            case ("retryCount", .int(let number)): retryCount = Int(number)
            case ("retried", .bool(let flag)): retried = flag
            case ("retriedTaskId", .string(let text)): retriedTaskId = text
            case ("executed", .bool(let flag)): executed = flag
            case ("pollCount", .int(let number)): pollCount = Int(number)
            case ("scheduledTime", .int(let number)): scheduledTime = number
            case ("startTime", .int(let number)): startTime = number
            case ("endTime", .int(let number)): endTime = number
            case ("updateTime", .int(let number)): updateTime = number
            case ("firstStartTime", .int(let number)): firstStartTime = number
            case ("startDelayInSeconds", .int(let number)): startDelayInSeconds = Int(number)
            case ("callbackAfterSeconds", .int(let number)): callbackAfterSeconds = number
            case ("callbackFromWorker", .bool(let flag)): callbackFromWorker = flag
            case ("responseTimeoutSeconds", .int(let number)): responseTimeoutSeconds = number
            case ("workerId", .string(let text)): workerId = text
            case ("reasonForIncompletion", .string(let text)): reasonForIncompletion = text
            case ("workflowTask", .object):
                guard let node = nested.decode(WorkflowTask.self, from: value) else { return nil }
                workflowTask = node
            case ("domain", .string(let text)): domain = text
            case ("workflowPriority", .int(let number)): workflowPriority = Int(number)
            case ("iteration", .int(let number)): iteration = Int(number)
            case ("subWorkflowId", .string(let text)): subWorkflowId = text
            case ("subworkflowChanged", .bool(let flag)): subworkflowChanged = flag
            case ("parentTaskId", .string(let text)): parentTaskId = text
            case ("rateLimitPerFrequency", .int(let number)): rateLimitPerFrequency = Int(number)
            case ("rateLimitFrequencyInSeconds", .int(let number)): rateLimitFrequencyInSeconds = Int(number)
            case ("executionNameSpace", .string(let text)): executionNameSpace = text
            case ("isolationGroupId", .string(let text)): isolationGroupId = text
            case ("taskDefinition", _), ("loopOverTask", _), ("queueWaitTime", _): continue  // written, never read
            default:
                if CodingKeys(rawValue: key) != nil { return nil }  // a member read above, of another type
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(taskId, forKey: .taskId)
        try c.encode(taskType, forKey: .taskType)
        try c.encode(taskDefName, forKey: .taskDefName)
        try c.encode(referenceTaskName, forKey: .referenceTaskName)
        try c.encode(status, forKey: .status)
        try c.encode(inputData, forKey: .inputData)
        try c.encode(outputData, forKey: .outputData)
        try c.encode(workflowInstanceId, forKey: .workflowInstanceId)
        try c.encodeIfPresent(workflowType, forKey: .workflowType)
        try c.encodeIfPresent(correlationId, forKey: .correlationId)
        try c.encode(seq, forKey: .seq)
        try c.encode(retryCount, forKey: .retryCount)
        try c.encode(retried, forKey: .retried)
        try c.encodeIfPresent(retriedTaskId, forKey: .retriedTaskId)
        try c.encode(executed, forKey: .executed)
        try c.encode(pollCount, forKey: .pollCount)
        try c.encode(scheduledTime, forKey: .scheduledTime)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(endTime, forKey: .endTime)
        try c.encode(updateTime, forKey: .updateTime)
        try c.encode(firstStartTime, forKey: .firstStartTime)
        try c.encode(startDelayInSeconds, forKey: .startDelayInSeconds)
        try c.encode(callbackAfterSeconds, forKey: .callbackAfterSeconds)
        try c.encode(callbackFromWorker, forKey: .callbackFromWorker)
        try c.encode(responseTimeoutSeconds, forKey: .responseTimeoutSeconds)
        try c.encodeIfPresent(workerId, forKey: .workerId)
        try c.encodeIfPresent(reasonForIncompletion, forKey: .reasonForIncompletion)
        try c.encodeIfPresent(workflowTask, forKey: .workflowTask)
        try c.encodeIfPresent(workflowTask?.taskDefinition, forKey: .taskDefinition)
        try c.encodeIfPresent(domain, forKey: .domain)
        try c.encode(workflowPriority, forKey: .workflowPriority)
        try c.encode(wireIteration, forKey: .iteration)
        try c.encode(wireIteration > 0, forKey: .loopOverTask)
        try c.encode(queueWaitTime, forKey: .queueWaitTime)
        try c.encodeIfPresent(subWorkflowId, forKey: .subWorkflowId)
        try c.encode(subworkflowChanged, forKey: .subworkflowChanged)
        try c.encodeIfPresent(parentTaskId, forKey: .parentTaskId)
        try c.encode(rateLimitPerFrequency, forKey: .rateLimitPerFrequency)
        try c.encode(rateLimitFrequencyInSeconds, forKey: .rateLimitFrequencyInSeconds)
        try c.encodeIfPresent(executionNameSpace, forKey: .executionNameSpace)
        try c.encodeIfPresent(isolationGroupId, forKey: .isolationGroupId)
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
