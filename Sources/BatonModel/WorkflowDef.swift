import Foundation

/// A workflow definition: a named, versioned graph of tasks.
public struct WorkflowDef: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var version: Int
    public var tasks: [WorkflowTask]
    public var inputParameters: [String]
    public var outputParameters: JSONObject
    public var failureWorkflow: String?
    public var failureWorkflowVersion: Int?
    public var schemaVersion: Int
    public var restartable: Bool
    public var workflowStatusListenerEnabled: Bool
    public var workflowStatusListenerSink: String?
    public var ownerEmail: String?
    public var ownerApp: String?
    public var timeoutPolicy: WorkflowTimeoutPolicy
    public var timeoutSeconds: Int64
    public var variables: JSONObject
    public var inputTemplate: JSONObject
    public var inputSchema: JSONValue?
    public var outputSchema: JSONValue?
    public var enforceSchema: Bool
    public var metadata: JSONObject
    public var maskedFields: [String]
    public var rateLimitConfig: JSONValue?
    public var createTime: Int64?
    public var updateTime: Int64?
    public var createdBy: String?
    public var updatedBy: String?

    /// Creates a definition with Conductor's defaults (version 1, restartable, no timeout).
    public init(name: String, version: Int = 1, tasks: [WorkflowTask], outputParameters: JSONObject = [:]) {
        self.name = name
        self.version = version
        self.tasks = tasks
        self.inputParameters = []
        self.outputParameters = outputParameters
        self.schemaVersion = 2
        self.restartable = true
        self.workflowStatusListenerEnabled = false
        self.timeoutPolicy = .alertOnly
        self.timeoutSeconds = 0
        self.variables = [:]
        self.inputTemplate = [:]
        self.enforceSchema = true
        self.metadata = [:]
        self.maskedFields = []
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(.name, or: "")
        description = try c.decodeIfPresent(String.self, forKey: .description)
        version = try c.value(.version, or: 1)
        tasks = try c.value(.tasks, or: [])
        inputParameters = try c.value(.inputParameters, or: [])
        outputParameters = try c.value(.outputParameters, or: [:])
        failureWorkflow = try c.decodeIfPresent(String.self, forKey: .failureWorkflow)
        failureWorkflowVersion = try c.decodeIfPresent(Int.self, forKey: .failureWorkflowVersion)
        schemaVersion = try c.value(.schemaVersion, or: 2)
        restartable = try c.value(.restartable, or: true)
        workflowStatusListenerEnabled = try c.value(.workflowStatusListenerEnabled, or: false)
        workflowStatusListenerSink = try c.decodeIfPresent(String.self, forKey: .workflowStatusListenerSink)
        ownerEmail = try c.decodeIfPresent(String.self, forKey: .ownerEmail)
        ownerApp = try c.decodeIfPresent(String.self, forKey: .ownerApp)
        timeoutPolicy = try c.value(.timeoutPolicy, or: .alertOnly)
        timeoutSeconds = try c.value(.timeoutSeconds, or: 0)
        variables = try c.value(.variables, or: [:])
        inputTemplate = try c.value(.inputTemplate, or: [:])
        inputSchema = try c.decodeIfPresent(JSONValue.self, forKey: .inputSchema)
        outputSchema = try c.decodeIfPresent(JSONValue.self, forKey: .outputSchema)
        enforceSchema = try c.value(.enforceSchema, or: true)
        metadata = try c.value(.metadata, or: [:])
        maskedFields = try c.value(.maskedFields, or: [])
        rateLimitConfig = try c.decodeIfPresent(JSONValue.self, forKey: .rateLimitConfig)
        createTime = try c.decodeIfPresent(Int64.self, forKey: .createTime)
        updateTime = try c.decodeIfPresent(Int64.self, forKey: .updateTime)
        createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
        updatedBy = try c.decodeIfPresent(String.self, forKey: .updatedBy)
    }

    /// Every node of the graph, nested ones included, depth first.
    public var allNodes: [WorkflowTask] { tasks.flatMap(\.allNodes) }

    /// The node with the given reference name, searched through the whole graph.
    public func node(referenceName: String) -> WorkflowTask? {
        allNodes.first { $0.taskReferenceName == referenceName }
    }
}

/// A definition's name, version and times, as listed by `/metadata/workflow/{name}/versions`.
public struct WorkflowDefSummary: Codable, Sendable, Hashable {
    public var name: String
    public var version: Int
    public var createTime: Int64?
    public var updateTime: Int64?

    public init(name: String, version: Int, createTime: Int64?, updateTime: Int64?) {
        self.name = name
        self.version = version
        self.createTime = createTime
        self.updateTime = updateTime
    }
}
