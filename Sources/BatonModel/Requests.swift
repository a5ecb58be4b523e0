import Foundation

/// The body of `POST /api/workflow`: which workflow to start, and with what.
public struct StartWorkflowRequest: Codable, Sendable, Hashable {
    public var name: String?
    public var version: Int?
    public var correlationId: String?
    public var input: JSONObject
    public var taskToDomain: [String: String]
    public var workflowDef: WorkflowDef?
    public var priority: Int?
    public var createdBy: String?
    public var idempotencyKey: String?
    public var idempotencyStrategy: IdempotencyStrategy?

    public init(name: String, version: Int? = nil, input: JSONObject = [:], correlationId: String? = nil,
                priority: Int? = nil, taskToDomain: [String: String] = [:]) {
        self.name = name
        self.version = version
        self.input = input
        self.correlationId = correlationId
        self.priority = priority
        self.taskToDomain = taskToDomain
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        version = try c.decodeIfPresent(Int.self, forKey: .version)
        correlationId = try c.decodeIfPresent(String.self, forKey: .correlationId)
        input = try c.value(.input, or: [:])
        taskToDomain = try c.value(.taskToDomain, or: [:])
        workflowDef = try c.decodeIfPresent(WorkflowDef.self, forKey: .workflowDef)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
        createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
        idempotencyKey = try c.decodeIfPresent(String.self, forKey: .idempotencyKey)
        idempotencyStrategy = try c.decodeIfPresent(IdempotencyStrategy.self, forKey: .idempotencyStrategy)
        try decoder.refuseExternalPayloadPath("externalInputPayloadStoragePath")
    }
}

/// The body of `POST /api/workflow/{id}/rerun`.
public struct RerunWorkflowRequest: Codable, Sendable, Hashable {
    public var reRunFromWorkflowId: String?
    public var workflowInput: JSONObject?
    public var reRunFromTaskId: String?
    public var taskInput: JSONObject?
    public var correlationId: String?
    public var taskToDomain: [String: String]?

    public init(reRunFromTaskId: String? = nil, taskInput: JSONObject? = nil, workflowInput: JSONObject? = nil,
                correlationId: String? = nil, taskToDomain: [String: String]? = nil) {
        self.reRunFromTaskId = reRunFromTaskId
        self.taskInput = taskInput
        self.workflowInput = workflowInput
        self.correlationId = correlationId
        self.taskToDomain = taskToDomain
    }
}

/// The answer of a bulk signal: which ids it applied to, and why it failed for the others.
public struct BulkResponse: Codable, Sendable, Hashable {
    public var bulkSuccessfulResults: [String]
    public var bulkErrorResults: [String: String]

    public init(bulkSuccessfulResults: [String] = [], bulkErrorResults: [String: String] = [:]) {
        self.bulkSuccessfulResults = bulkSuccessfulResults
        self.bulkErrorResults = bulkErrorResults
    }
}

/// A page of search results and the number of all matches.
public struct SearchResult<Element: Codable & Sendable>: Codable, Sendable {
    public var totalHits: Int64
    public var results: [Element]

    public init(totalHits: Int64, results: [Element]) {
        self.totalHits = totalHits
        self.results = results
    }
}

extension SearchResult: Equatable where Element: Equatable {}

/// Conductor's error body. `instance`, the server's host name in Conductor, is the request's id in Baton's
/// answers (it finds the request's lines in the server's log, and tells a caller nothing about the machine);
/// `error` is what conductor-python reads on 401 and 403 (`INVALID_TOKEN` and `EXPIRED_TOKEN` make it fetch a
/// new token).
public struct ErrorResponse: Codable, Sendable, Hashable, Error {
    public var status: Int
    public var message: String
    public var instance: String?
    public var retryable: Bool
    public var code: String?
    public var error: String?

    public init(status: Int, message: String, code: String? = nil, instance: String? = nil, retryable: Bool = false,
                error: String? = nil) {
        self.status = status
        self.message = message
        self.code = code
        self.instance = instance
        self.retryable = retryable
        self.error = error
    }
}

/// When a worker last polled a queue.
public struct PollData: Codable, Sendable, Hashable {
    public var queueName: String
    public var domain: String?
    public var workerId: String?
    public var lastPollTime: Int64

    public init(queueName: String, domain: String?, workerId: String?, lastPollTime: Int64) {
        self.queueName = queueName
        self.domain = domain
        self.workerId = workerId
        self.lastPollTime = lastPollTime
    }
}

/// One entry of a workflow's audit trail: a signal or state change, who caused it, and why.
public struct WorkflowEvent: Codable, Sendable, Hashable {
    public var workflowId: String
    public var time: Int64
    public var kind: String
    public var actor: String
    public var taskId: String?
    public var detail: String?

    public init(workflowId: String, time: Int64, kind: String, actor: String, taskId: String? = nil,
                detail: String? = nil) {
        self.workflowId = workflowId
        self.time = time
        self.kind = kind
        self.actor = actor
        self.taskId = taskId
        self.detail = detail
    }
}

/// The body of `POST /api/workflow/test`: a workflow to run as a dry run, and the outputs its tasks are given,
/// by reference name, in the order they run.
public struct WorkflowTestRequest: Codable, Sendable, Hashable {
    /// What to start: a registered definition by name and version, or an inline `workflowDef`.
    public var start: StartWorkflowRequest
    /// For each reference name, the results its attempts get, one per attempt.
    public var taskRefToMockOutput: [String: [TaskMock]]
    /// For each SUB_WORKFLOW reference name, the test its child workflow runs as.
    public var subWorkflowTestRequest: [String: WorkflowTestRequest]

    /// One mocked result of a task.
    public struct TaskMock: Codable, Sendable, Hashable {
        public var status: TaskResultStatus
        public var output: JSONObject

        public init(status: TaskResultStatus = .completed, output: JSONObject = [:]) {
            self.status = status
            self.output = output
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // conductor-python 2.0.0 writes its TaskMock dataclass's fields with their underscores, and a mock made
            // without a status carries the text of a Python property object as `_status`: COMPLETED then, Conductor's
            // default.
            let written = try c.decodeIfPresent(JSONValue.self, forKey: ._status)
            status = try c.decodeIfPresent(TaskResultStatus.self, forKey: .status)
                ?? written?.stringValue.flatMap(TaskResultStatus.init(rawValue:)) ?? .completed
            output = try c.decodeIfPresent(JSONObject.self, forKey: .output) ?? c.value(._output, or: [:])
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status)
            try c.encode(output, forKey: .output)
        }

        private enum CodingKeys: String, CodingKey { case status, output, _status, _output }
    }

    public init(_ start: StartWorkflowRequest, taskRefToMockOutput: [String: [TaskMock]] = [:],
                subWorkflowTestRequest: [String: WorkflowTestRequest] = [:]) {
        self.start = start
        self.taskRefToMockOutput = taskRefToMockOutput
        self.subWorkflowTestRequest = subWorkflowTestRequest
    }

    private enum CodingKeys: String, CodingKey { case taskRefToMockOutput, subWorkflowTestRequest }

    public init(from decoder: any Decoder) throws {
        start = try StartWorkflowRequest(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskRefToMockOutput = try c.value(.taskRefToMockOutput, or: [:])
        subWorkflowTestRequest = try c.value(.subWorkflowTestRequest, or: [:])
    }

    public func encode(to encoder: any Encoder) throws {
        try start.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(taskRefToMockOutput, forKey: .taskRefToMockOutput)
        try c.encode(subWorkflowTestRequest, forKey: .subWorkflowTestRequest)
    }
}
