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

    /// Every member of a result's JSON, in the order written: how each is decoded, encoded, read and written.
    static let members: [JSONMember<TaskResult>] = [
        .member("workflowInstanceId", { $0.workflowInstanceId }, { $0.workflowInstanceId = $1 }),
        .member("taskId", { $0.taskId }, { $0.taskId = $1 }),
        .optional("status", { $0.status }, { $0.status = $1 }),
        .optional("outputData", { $0.outputData }, { $0.outputData = $1 }),
        .optional("reasonForIncompletion", { $0.reasonForIncompletion }, { $0.reasonForIncompletion = $1 }),
        .member("callbackAfterSeconds", { $0.callbackAfterSeconds }, { $0.callbackAfterSeconds = $1 }),
        .optional("workerId", { $0.workerId }, { $0.workerId = $1 }),
        // Log lines: written and decoded; the fast reader takes none (an empty list), the decoder reads any.
        JSONMember(name: "logs", value: { .writable($0.logs) },
                   write: { result, writer, output in
                       writer.nested("logs", result.logs, &output)
                       return nil
                   },
                   read: { _, value, _ in
                       guard case .array(let lines) = value else { return false }
                       return lines.isEmpty
                   },
                   decode: { result, container in
                       result.logs = try container.decodeIfPresent([TaskExecLog].self, forKey: JSONMemberKey(stringValue: "logs")) ?? []
                   }),
        .optional("subWorkflowId", { $0.subWorkflowId }, { $0.subWorkflowId = $1 }),
        .member("extendLease", { $0.extendLease }, { $0.extendLease = $1 }),
    ]

    private static let membersByName = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })

    public init(from decoder: any Decoder) throws {
        self.init(workflowInstanceId: "", taskId: "", status: .completed)
        status = nil
        try Self.members.decode(into: &self, from: decoder)
        try decoder.refuseExternalPayloadPath("externalOutputPayloadStoragePath")
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.members.encode(self, to: encoder)
    }

    /// Reads a worker's result in its usual shape without Foundation's decoder (the hot path of every task
    /// update). Returns nil when the JSON holds anything else, e.g. log lines or a value of an unexpected type;
    /// the `Decodable` conformance then reads it, with its leniency and its errors.
    public init?(fastParsing text: String) {
        guard let value = try? JSONValue(parsing: text) else { return nil }
        self.init(fastParsing: value)
    }

    /// Reads a worker's result from JSON already parsed, as `init?(fastParsing:)` does from text.
    public init?(fastParsing value: JSONValue) {
        guard case .object(let members) = value else { return nil }
        // Refused, with its reason, by the Decodable reading.
        if let path = members["externalOutputPayloadStoragePath"], path != .null { return nil }
        self.init(workflowInstanceId: "", taskId: "", status: .completed)
        status = nil
        for (key, value) in members {
            if case .null = value { continue }
            guard let read = Self.membersByName[key]?.read else { continue }
            guard read(&self, value, .alone) else { return nil }
        }
    }
}

extension TaskResult: JSONWritable, JSONObjectMembers {
    public func writeJSON(to output: inout String) { writeMembers(to: &output) }
}
