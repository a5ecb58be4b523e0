import Foundation

/// A registered task definition: retries, timeouts and limits for tasks of one name.
public struct TaskDef: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var retryCount: Int
    public var timeoutSeconds: Int64
    public var totalTimeoutSeconds: Int64
    public var inputKeys: [String]
    public var outputKeys: [String]
    public var timeoutPolicy: TaskTimeoutPolicy
    public var retryLogic: RetryLogic
    public var retryDelaySeconds: Int
    public var backoffScaleFactor: Int
    public var maxRetryDelaySeconds: Int
    public var backoffJitterMs: Int
    public var responseTimeoutSeconds: Int64
    public var pollTimeoutSeconds: Int?
    public var concurrentExecLimit: Int?
    public var rateLimitPerFrequency: Int?
    public var rateLimitFrequencyInSeconds: Int?
    public var inputTemplate: JSONObject
    public var isolationGroupId: String?
    public var executionNameSpace: String?
    public var ownerEmail: String?
    public var ownerApp: String?
    public var createTime: Int64?
    public var updateTime: Int64?
    public var createdBy: String?
    public var updatedBy: String?
    public var inputSchema: JSONValue?
    public var outputSchema: JSONValue?
    public var enforceSchema: Bool

    /// Creates a definition with Conductor's defaults: 3 retries 60 s apart, a 3600 s response timeout.
    public init(name: String, retryCount: Int = 3, retryLogic: RetryLogic = .fixed, retryDelaySeconds: Int = 60,
                timeoutSeconds: Int64 = 0, responseTimeoutSeconds: Int64 = 3600,
                timeoutPolicy: TaskTimeoutPolicy = .timeOutWorkflow) {
        self.name = name
        self.retryCount = retryCount
        self.timeoutSeconds = timeoutSeconds
        self.totalTimeoutSeconds = 0
        self.inputKeys = []
        self.outputKeys = []
        self.timeoutPolicy = timeoutPolicy
        self.retryLogic = retryLogic
        self.retryDelaySeconds = retryDelaySeconds
        self.backoffScaleFactor = 1
        self.maxRetryDelaySeconds = 0
        self.backoffJitterMs = 0
        self.responseTimeoutSeconds = responseTimeoutSeconds
        self.inputTemplate = [:]
        self.enforceSchema = false
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(.name, or: "")
        description = try c.decodeIfPresent(String.self, forKey: .description)
        retryCount = try c.value(.retryCount, or: 3)
        timeoutSeconds = try c.value(.timeoutSeconds, or: 0)
        totalTimeoutSeconds = try c.value(.totalTimeoutSeconds, or: 0)
        inputKeys = try c.value(.inputKeys, or: [])
        outputKeys = try c.value(.outputKeys, or: [])
        timeoutPolicy = try c.value(.timeoutPolicy, or: .timeOutWorkflow)
        retryLogic = try c.value(.retryLogic, or: .fixed)
        retryDelaySeconds = try c.value(.retryDelaySeconds, or: 60)
        backoffScaleFactor = try c.value(.backoffScaleFactor, or: 1)
        maxRetryDelaySeconds = try c.value(.maxRetryDelaySeconds, or: 0)
        backoffJitterMs = try c.value(.backoffJitterMs, or: 0)
        responseTimeoutSeconds = try c.value(.responseTimeoutSeconds, or: 3600)
        pollTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .pollTimeoutSeconds)
        concurrentExecLimit = try c.decodeIfPresent(Int.self, forKey: .concurrentExecLimit)
        rateLimitPerFrequency = try c.decodeIfPresent(Int.self, forKey: .rateLimitPerFrequency)
        rateLimitFrequencyInSeconds = try c.decodeIfPresent(Int.self, forKey: .rateLimitFrequencyInSeconds)
        inputTemplate = try c.value(.inputTemplate, or: [:])
        isolationGroupId = try c.decodeIfPresent(String.self, forKey: .isolationGroupId)
        executionNameSpace = try c.decodeIfPresent(String.self, forKey: .executionNameSpace)
        ownerEmail = try c.decodeIfPresent(String.self, forKey: .ownerEmail)
        ownerApp = try c.decodeIfPresent(String.self, forKey: .ownerApp)
        createTime = try c.decodeIfPresent(Int64.self, forKey: .createTime)
        updateTime = try c.decodeIfPresent(Int64.self, forKey: .updateTime)
        createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
        updatedBy = try c.decodeIfPresent(String.self, forKey: .updatedBy)
        inputSchema = try c.decodeIfPresent(JSONValue.self, forKey: .inputSchema)
        outputSchema = try c.decodeIfPresent(JSONValue.self, forKey: .outputSchema)
        enforceSchema = try c.value(.enforceSchema, or: false)
    }
}
