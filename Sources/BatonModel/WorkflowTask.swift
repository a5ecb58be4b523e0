import Foundation

/// One node of a workflow definition's task graph.
public struct WorkflowTask: Codable, Sendable, Hashable {
    /// The node's members, shared until changed: every task carries its node.
    private var storage: CopyOnWrite<Fields>

    private struct Fields: Codable, Hashable, Sendable {
        var name: String
        var taskReferenceName: String
        var description: String?
        var inputParameters: JSONObject
        var type: TaskType
        var dynamicTaskNameParam: String?
        var caseValueParam: String?
        var caseExpression: String?
        var scriptExpression: String?
        var decisionCases: [String: [WorkflowTask]]
        var defaultCase: [WorkflowTask]
        var dynamicForkJoinTasksParam: String?
        var dynamicForkTasksParam: String?
        var dynamicForkTasksInputParamName: String?
        var forkTasks: [[WorkflowTask]]
        var startDelay: Int
        var subWorkflowParam: SubWorkflowParams?
        var joinOn: [String]
        var sink: String?
        var optional: Bool
        var taskDefinition: TaskDef?
        var rateLimited: Bool?
        var defaultExclusiveJoinTask: [String]
        var asyncComplete: Bool
        var loopCondition: String?
        var loopOver: [WorkflowTask]
        var items: String?
        var retryCount: Int?
        var evaluatorType: String?
        var expression: String?
        var joinStatus: String?
        var permissive: Bool
        var metadata: JSONObject
        var cacheConfig: JSONValue?

        init(name: String, taskReferenceName: String, inputParameters: JSONObject, type: TaskType, optional: Bool) {
            self.name = name
            self.taskReferenceName = taskReferenceName
            self.inputParameters = inputParameters
            self.type = type
            self.decisionCases = [:]
            self.defaultCase = []
            self.forkTasks = []
            self.startDelay = 0
            self.joinOn = []
            self.optional = optional
            self.defaultExclusiveJoinTask = []
            self.asyncComplete = false
            self.loopOver = []
            self.permissive = false
            self.metadata = [:]
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.value(.name, or: "")
            taskReferenceName = try c.value(.taskReferenceName, or: "")
            description = try c.decodeIfPresent(String.self, forKey: .description)
            inputParameters = try c.value(.inputParameters, or: [:])
            type = try c.value(.type, or: .simple)
            dynamicTaskNameParam = try c.decodeIfPresent(String.self, forKey: .dynamicTaskNameParam)
            caseValueParam = try c.decodeIfPresent(String.self, forKey: .caseValueParam)
            caseExpression = try c.decodeIfPresent(String.self, forKey: .caseExpression)
            scriptExpression = try c.decodeIfPresent(String.self, forKey: .scriptExpression)
            decisionCases = try c.value(.decisionCases, or: [:])
            defaultCase = try c.value(.defaultCase, or: [])
            dynamicForkJoinTasksParam = try c.decodeIfPresent(String.self, forKey: .dynamicForkJoinTasksParam)
            dynamicForkTasksParam = try c.decodeIfPresent(String.self, forKey: .dynamicForkTasksParam)
            dynamicForkTasksInputParamName = try c.decodeIfPresent(String.self, forKey: .dynamicForkTasksInputParamName)
            forkTasks = try c.value(.forkTasks, or: [])
            startDelay = try c.value(.startDelay, or: 0)
            subWorkflowParam = try c.decodeIfPresent(SubWorkflowParams.self, forKey: .subWorkflowParam)
            joinOn = try c.value(.joinOn, or: [])
            sink = try c.decodeIfPresent(String.self, forKey: .sink)
            optional = try c.value(.optional, or: false)
            taskDefinition = try c.decodeIfPresent(TaskDef.self, forKey: .taskDefinition)
            rateLimited = try c.decodeIfPresent(Bool.self, forKey: .rateLimited)
            defaultExclusiveJoinTask = try c.value(.defaultExclusiveJoinTask, or: [])
            asyncComplete = try c.value(.asyncComplete, or: false)
            loopCondition = try c.decodeIfPresent(String.self, forKey: .loopCondition)
            loopOver = try c.value(.loopOver, or: [])
            items = try c.decodeIfPresent(String.self, forKey: .items)
            retryCount = try c.decodeIfPresent(Int.self, forKey: .retryCount)
            evaluatorType = try c.decodeIfPresent(String.self, forKey: .evaluatorType)
            expression = try c.decodeIfPresent(String.self, forKey: .expression)
            joinStatus = try c.decodeIfPresent(String.self, forKey: .joinStatus)
            permissive = try c.value(.permissive, or: false)
            metadata = try c.value(.metadata, or: [:])
            cacheConfig = try c.decodeIfPresent(JSONValue.self, forKey: .cacheConfig)
        }
    }

    public var name: String {
        _read { yield storage.fields.name }
        _modify { yield &storage.fields.name }
    }

    public var taskReferenceName: String {
        _read { yield storage.fields.taskReferenceName }
        _modify { yield &storage.fields.taskReferenceName }
    }

    public var description: String? {
        _read { yield storage.fields.description }
        _modify { yield &storage.fields.description }
    }

    public var inputParameters: JSONObject {
        _read { yield storage.fields.inputParameters }
        _modify { yield &storage.fields.inputParameters }
    }

    public var type: TaskType {
        _read { yield storage.fields.type }
        _modify { yield &storage.fields.type }
    }

    public var dynamicTaskNameParam: String? {
        _read { yield storage.fields.dynamicTaskNameParam }
        _modify { yield &storage.fields.dynamicTaskNameParam }
    }

    public var caseValueParam: String? {
        _read { yield storage.fields.caseValueParam }
        _modify { yield &storage.fields.caseValueParam }
    }

    public var caseExpression: String? {
        _read { yield storage.fields.caseExpression }
        _modify { yield &storage.fields.caseExpression }
    }

    public var scriptExpression: String? {
        _read { yield storage.fields.scriptExpression }
        _modify { yield &storage.fields.scriptExpression }
    }

    public var decisionCases: [String: [WorkflowTask]] {
        _read { yield storage.fields.decisionCases }
        _modify { yield &storage.fields.decisionCases }
    }

    public var defaultCase: [WorkflowTask] {
        _read { yield storage.fields.defaultCase }
        _modify { yield &storage.fields.defaultCase }
    }

    public var dynamicForkJoinTasksParam: String? {
        _read { yield storage.fields.dynamicForkJoinTasksParam }
        _modify { yield &storage.fields.dynamicForkJoinTasksParam }
    }

    public var dynamicForkTasksParam: String? {
        _read { yield storage.fields.dynamicForkTasksParam }
        _modify { yield &storage.fields.dynamicForkTasksParam }
    }

    public var dynamicForkTasksInputParamName: String? {
        _read { yield storage.fields.dynamicForkTasksInputParamName }
        _modify { yield &storage.fields.dynamicForkTasksInputParamName }
    }

    public var forkTasks: [[WorkflowTask]] {
        _read { yield storage.fields.forkTasks }
        _modify { yield &storage.fields.forkTasks }
    }

    public var startDelay: Int {
        _read { yield storage.fields.startDelay }
        _modify { yield &storage.fields.startDelay }
    }

    public var subWorkflowParam: SubWorkflowParams? {
        _read { yield storage.fields.subWorkflowParam }
        _modify { yield &storage.fields.subWorkflowParam }
    }

    public var joinOn: [String] {
        _read { yield storage.fields.joinOn }
        _modify { yield &storage.fields.joinOn }
    }

    public var sink: String? {
        _read { yield storage.fields.sink }
        _modify { yield &storage.fields.sink }
    }

    public var optional: Bool {
        _read { yield storage.fields.optional }
        _modify { yield &storage.fields.optional }
    }

    public var taskDefinition: TaskDef? {
        _read { yield storage.fields.taskDefinition }
        _modify { yield &storage.fields.taskDefinition }
    }

    public var rateLimited: Bool? {
        _read { yield storage.fields.rateLimited }
        _modify { yield &storage.fields.rateLimited }
    }

    public var defaultExclusiveJoinTask: [String] {
        _read { yield storage.fields.defaultExclusiveJoinTask }
        _modify { yield &storage.fields.defaultExclusiveJoinTask }
    }

    public var asyncComplete: Bool {
        _read { yield storage.fields.asyncComplete }
        _modify { yield &storage.fields.asyncComplete }
    }

    public var loopCondition: String? {
        _read { yield storage.fields.loopCondition }
        _modify { yield &storage.fields.loopCondition }
    }

    public var loopOver: [WorkflowTask] {
        _read { yield storage.fields.loopOver }
        _modify { yield &storage.fields.loopOver }
    }

    public var items: String? {
        _read { yield storage.fields.items }
        _modify { yield &storage.fields.items }
    }

    public var retryCount: Int? {
        _read { yield storage.fields.retryCount }
        _modify { yield &storage.fields.retryCount }
    }

    public var evaluatorType: String? {
        _read { yield storage.fields.evaluatorType }
        _modify { yield &storage.fields.evaluatorType }
    }

    public var expression: String? {
        _read { yield storage.fields.expression }
        _modify { yield &storage.fields.expression }
    }

    public var joinStatus: String? {
        _read { yield storage.fields.joinStatus }
        _modify { yield &storage.fields.joinStatus }
    }

    /// A DO_WHILE's `keepLastN` input parameter: how many of the latest iterations it keeps, when given.
    public var keepLastN: Int? {
        inputParameters["keepLastN"]?.intValue.flatMap { $0 >= 1 ? Int($0) : nil }
    }

    public var permissive: Bool {
        _read { yield storage.fields.permissive }
        _modify { yield &storage.fields.permissive }
    }

    public var metadata: JSONObject {
        _read { yield storage.fields.metadata }
        _modify { yield &storage.fields.metadata }
    }

    /// Conductor's `cacheConfig` (`key`, `ttlInSecond`), kept as given: Conductor OSS's engine does not read it either.
    public var cacheConfig: JSONValue? {
        _read { yield storage.fields.cacheConfig }
        _modify { yield &storage.fields.cacheConfig }
    }

    /// Creates a task node of the given type (SIMPLE unless said otherwise).
    public init(name: String, taskReferenceName: String, type: TaskType = .simple,
                inputParameters: JSONObject = [:], optional: Bool = false) {
        storage = CopyOnWrite(Fields(name: name, taskReferenceName: taskReferenceName, inputParameters: inputParameters,
                                 type: type, optional: optional))
    }

    public init(from decoder: any Decoder) throws {
        storage = CopyOnWrite(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try storage.fields.encode(to: encoder)
    }


    /// This node and every node nested in it (branches, forks, loops), depth first.
    public var allNodes: [WorkflowTask] {
        var nodes = [self]
        for branch in decisionCases.keys.sorted() { nodes += decisionCases[branch, default: []].flatMap(\.allNodes) }
        nodes += defaultCase.flatMap(\.allNodes)
        nodes += forkTasks.flatMap { $0.flatMap(\.allNodes) }
        nodes += loopOver.flatMap(\.allNodes)
        return nodes
    }
}

/// Which workflow a SUB_WORKFLOW task starts, and how.
public struct SubWorkflowParams: Codable, Sendable, Hashable {
    public var name: String?
    public var version: Int?
    public var taskToDomain: [String: String]?
    /// An inline definition (an object), or an expression that yields one.
    public var workflowDefinition: JSONValue?
    public var idempotencyKey: String?
    public var idempotencyStrategy: IdempotencyStrategy?
    public var priority: JSONValue?

    public init(name: String? = nil, version: Int? = nil) {
        self.name = name
        self.version = version
    }
}
