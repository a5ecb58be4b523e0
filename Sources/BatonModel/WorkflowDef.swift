import Foundation

/// A workflow definition: a named, versioned graph of tasks.
public struct WorkflowDef: Codable, Sendable, Hashable {
    /// The definition's members, shared until changed: every execution carries its definition.
    private var storage: CopyOnWrite<Fields>

    private struct Fields: Codable, Hashable, Sendable {
        var name: String
        var description: String?
        var version: Int
        var tasks: [WorkflowTask]
        var inputParameters: [String]
        var outputParameters: JSONObject
        var failureWorkflow: String?
        var failureWorkflowVersion: Int?
        var schemaVersion: Int
        var restartable: Bool
        var workflowStatusListenerEnabled: Bool
        var workflowStatusListenerSink: String?
        var ownerEmail: String?
        var ownerApp: String?
        var timeoutPolicy: WorkflowTimeoutPolicy
        var timeoutSeconds: Int64
        var variables: JSONObject
        var inputTemplate: JSONObject
        var inputSchema: JSONValue?
        var outputSchema: JSONValue?
        var enforceSchema: Bool
        var metadata: JSONObject
        var maskedFields: [String]
        var rateLimitConfig: JSONValue?
        var createTime: Int64?
        var updateTime: Int64?
        var createdBy: String?
        var updatedBy: String?

        init(name: String, version: Int, tasks: [WorkflowTask], outputParameters: JSONObject) {
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

        init(from decoder: any Decoder) throws {
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
    }

    public var name: String {
        _read { yield storage.fields.name }
        _modify { yield &storage.fields.name }
    }

    public var description: String? {
        _read { yield storage.fields.description }
        _modify { yield &storage.fields.description }
    }

    public var version: Int {
        _read { yield storage.fields.version }
        _modify { yield &storage.fields.version }
    }

    public var tasks: [WorkflowTask] {
        _read { yield storage.fields.tasks }
        _modify { yield &storage.fields.tasks }
    }

    public var inputParameters: [String] {
        _read { yield storage.fields.inputParameters }
        _modify { yield &storage.fields.inputParameters }
    }

    public var outputParameters: JSONObject {
        _read { yield storage.fields.outputParameters }
        _modify { yield &storage.fields.outputParameters }
    }

    public var failureWorkflow: String? {
        _read { yield storage.fields.failureWorkflow }
        _modify { yield &storage.fields.failureWorkflow }
    }

    public var failureWorkflowVersion: Int? {
        _read { yield storage.fields.failureWorkflowVersion }
        _modify { yield &storage.fields.failureWorkflowVersion }
    }

    public var schemaVersion: Int {
        _read { yield storage.fields.schemaVersion }
        _modify { yield &storage.fields.schemaVersion }
    }

    public var restartable: Bool {
        _read { yield storage.fields.restartable }
        _modify { yield &storage.fields.restartable }
    }

    public var workflowStatusListenerEnabled: Bool {
        _read { yield storage.fields.workflowStatusListenerEnabled }
        _modify { yield &storage.fields.workflowStatusListenerEnabled }
    }

    public var workflowStatusListenerSink: String? {
        _read { yield storage.fields.workflowStatusListenerSink }
        _modify { yield &storage.fields.workflowStatusListenerSink }
    }

    public var ownerEmail: String? {
        _read { yield storage.fields.ownerEmail }
        _modify { yield &storage.fields.ownerEmail }
    }

    public var ownerApp: String? {
        _read { yield storage.fields.ownerApp }
        _modify { yield &storage.fields.ownerApp }
    }

    public var timeoutPolicy: WorkflowTimeoutPolicy {
        _read { yield storage.fields.timeoutPolicy }
        _modify { yield &storage.fields.timeoutPolicy }
    }

    public var timeoutSeconds: Int64 {
        _read { yield storage.fields.timeoutSeconds }
        _modify { yield &storage.fields.timeoutSeconds }
    }

    public var variables: JSONObject {
        _read { yield storage.fields.variables }
        _modify { yield &storage.fields.variables }
    }

    public var inputTemplate: JSONObject {
        _read { yield storage.fields.inputTemplate }
        _modify { yield &storage.fields.inputTemplate }
    }

    public var inputSchema: JSONValue? {
        _read { yield storage.fields.inputSchema }
        _modify { yield &storage.fields.inputSchema }
    }

    public var outputSchema: JSONValue? {
        _read { yield storage.fields.outputSchema }
        _modify { yield &storage.fields.outputSchema }
    }

    public var enforceSchema: Bool {
        _read { yield storage.fields.enforceSchema }
        _modify { yield &storage.fields.enforceSchema }
    }

    public var metadata: JSONObject {
        _read { yield storage.fields.metadata }
        _modify { yield &storage.fields.metadata }
    }

    public var maskedFields: [String] {
        _read { yield storage.fields.maskedFields }
        _modify { yield &storage.fields.maskedFields }
    }

    public var rateLimitConfig: JSONValue? {
        _read { yield storage.fields.rateLimitConfig }
        _modify { yield &storage.fields.rateLimitConfig }
    }

    public var createTime: Int64? {
        _read { yield storage.fields.createTime }
        _modify { yield &storage.fields.createTime }
    }

    public var updateTime: Int64? {
        _read { yield storage.fields.updateTime }
        _modify { yield &storage.fields.updateTime }
    }

    public var createdBy: String? {
        _read { yield storage.fields.createdBy }
        _modify { yield &storage.fields.createdBy }
    }

    public var updatedBy: String? {
        _read { yield storage.fields.updatedBy }
        _modify { yield &storage.fields.updatedBy }
    }

    /// Creates a definition with Conductor's defaults (version 1, restartable, no timeout).
    public init(name: String, version: Int = 1, tasks: [WorkflowTask], outputParameters: JSONObject = [:]) {
        storage = CopyOnWrite(Fields(name: name, version: version, tasks: tasks, outputParameters: outputParameters))
    }

    public init(from decoder: any Decoder) throws {
        storage = CopyOnWrite(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try storage.fields.encode(to: encoder)
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
