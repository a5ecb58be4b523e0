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

    /// Every member of a definition's JSON, in the order written.
    static let members: [JSONMember<TaskDef>] = [
        .member("name", { $0.name }, { $0.name = $1 }),
        .optional("description", { $0.description }, { $0.description = $1 }),
        .member("retryCount", { $0.retryCount }, { $0.retryCount = $1 }),
        .member("timeoutSeconds", { $0.timeoutSeconds }, { $0.timeoutSeconds = $1 }),
        .member("totalTimeoutSeconds", { $0.totalTimeoutSeconds }, { $0.totalTimeoutSeconds = $1 }),
        .member("inputKeys", { $0.inputKeys }, { $0.inputKeys = $1 }),
        .member("outputKeys", { $0.outputKeys }, { $0.outputKeys = $1 }),
        .member("timeoutPolicy", { $0.timeoutPolicy }, { $0.timeoutPolicy = $1 }),
        .member("retryLogic", { $0.retryLogic }, { $0.retryLogic = $1 }),
        .member("retryDelaySeconds", { $0.retryDelaySeconds }, { $0.retryDelaySeconds = $1 }),
        .member("backoffScaleFactor", { $0.backoffScaleFactor }, { $0.backoffScaleFactor = $1 }),
        .member("maxRetryDelaySeconds", { $0.maxRetryDelaySeconds }, { $0.maxRetryDelaySeconds = $1 }),
        .member("backoffJitterMs", { $0.backoffJitterMs }, { $0.backoffJitterMs = $1 }),
        .member("responseTimeoutSeconds", { $0.responseTimeoutSeconds }, { $0.responseTimeoutSeconds = $1 }),
        .optional("pollTimeoutSeconds", { $0.pollTimeoutSeconds }, { $0.pollTimeoutSeconds = $1 }),
        .optional("concurrentExecLimit", { $0.concurrentExecLimit }, { $0.concurrentExecLimit = $1 }),
        .optional("rateLimitPerFrequency", { $0.rateLimitPerFrequency }, { $0.rateLimitPerFrequency = $1 }),
        .optional("rateLimitFrequencyInSeconds", { $0.rateLimitFrequencyInSeconds }, { $0.rateLimitFrequencyInSeconds = $1 }),
        .member("inputTemplate", { $0.inputTemplate }, { $0.inputTemplate = $1 }),
        .optional("isolationGroupId", { $0.isolationGroupId }, { $0.isolationGroupId = $1 }),
        .optional("executionNameSpace", { $0.executionNameSpace }, { $0.executionNameSpace = $1 }),
        .optional("ownerEmail", { $0.ownerEmail }, { $0.ownerEmail = $1 }),
        .optional("ownerApp", { $0.ownerApp }, { $0.ownerApp = $1 }),
        .optional("createTime", { $0.createTime }, { $0.createTime = $1 }),
        .optional("updateTime", { $0.updateTime }, { $0.updateTime = $1 }),
        .optional("createdBy", { $0.createdBy }, { $0.createdBy = $1 }),
        .optional("updatedBy", { $0.updatedBy }, { $0.updatedBy = $1 }),
        .optional("inputSchema", { $0.inputSchema }, { $0.inputSchema = $1 }),
        .optional("outputSchema", { $0.outputSchema }, { $0.outputSchema = $1 }),
        .member("enforceSchema", { $0.enforceSchema }, { $0.enforceSchema = $1 }),
    ]

    /// Reads a definition with Conductor's defaults for what it leaves out (those of `init(name:)`).
    public init(from decoder: any Decoder) throws {
        self.init(name: "")
        try Self.members.decode(into: &self, from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.members.encode(self, to: encoder)
    }
}

extension TaskDef: JSONWritable, JSONObjectMembers {
    public func writeJSON(to output: inout String) { writeMembers(to: &output) }
}
