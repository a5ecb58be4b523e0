import Foundation

/// One node of a workflow definition's task graph.
public struct WorkflowTask: Codable, Sendable, Hashable {
    /// The node's members, shared until changed: every task carries its node.
    private var storage: CopyOnWrite<Fields>

    private struct Fields: Hashable, Sendable {
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

    /// Every member of a node's JSON, in the order written.
    static let members: [JSONMember<WorkflowTask>] = [
        .member("name", { $0.name }, { $0.name = $1 }),
        .member("taskReferenceName", { $0.taskReferenceName }, { $0.taskReferenceName = $1 }),
        .optional("description", { $0.description }, { $0.description = $1 }),
        .member("inputParameters", { $0.inputParameters }, { $0.inputParameters = $1 }),
        .member("type", { $0.type }, { $0.type = $1 }),
        .optional("dynamicTaskNameParam", { $0.dynamicTaskNameParam }, { $0.dynamicTaskNameParam = $1 }),
        .optional("caseValueParam", { $0.caseValueParam }, { $0.caseValueParam = $1 }),
        .optional("caseExpression", { $0.caseExpression }, { $0.caseExpression = $1 }),
        .optional("scriptExpression", { $0.scriptExpression }, { $0.scriptExpression = $1 }),
        .nested("decisionCases", { $0.decisionCases }, { $0.decisionCases = $1 }),
        .nested("defaultCase", { $0.defaultCase }, { $0.defaultCase = $1 }),
        .optional("dynamicForkJoinTasksParam", { $0.dynamicForkJoinTasksParam }, { $0.dynamicForkJoinTasksParam = $1 }),
        .optional("dynamicForkTasksParam", { $0.dynamicForkTasksParam }, { $0.dynamicForkTasksParam = $1 }),
        .optional("dynamicForkTasksInputParamName", { $0.dynamicForkTasksInputParamName },
                  { $0.dynamicForkTasksInputParamName = $1 }),
        .nested("forkTasks", { $0.forkTasks }, { $0.forkTasks = $1 }),
        .member("startDelay", { $0.startDelay }, { $0.startDelay = $1 }),
        .nested("subWorkflowParam", { $0.subWorkflowParam }, { $0.subWorkflowParam = $1 }),
        .member("joinOn", { $0.joinOn }, { $0.joinOn = $1 }),
        .optional("sink", { $0.sink }, { $0.sink = $1 }),
        .member("optional", { $0.optional }, { $0.optional = $1 }),
        .nested("taskDefinition", { $0.taskDefinition }, { $0.taskDefinition = $1 }),
        .optional("rateLimited", { $0.rateLimited }, { $0.rateLimited = $1 }),
        .member("defaultExclusiveJoinTask", { $0.defaultExclusiveJoinTask }, { $0.defaultExclusiveJoinTask = $1 }),
        .member("asyncComplete", { $0.asyncComplete }, { $0.asyncComplete = $1 }),
        .optional("loopCondition", { $0.loopCondition }, { $0.loopCondition = $1 }),
        .nested("loopOver", { $0.loopOver }, { $0.loopOver = $1 }),
        .optional("items", { $0.items }, { $0.items = $1 }),
        .optional("retryCount", { $0.retryCount }, { $0.retryCount = $1 }),
        .optional("evaluatorType", { $0.evaluatorType }, { $0.evaluatorType = $1 }),
        .optional("expression", { $0.expression }, { $0.expression = $1 }),
        .optional("joinStatus", { $0.joinStatus }, { $0.joinStatus = $1 }),
        .member("permissive", { $0.permissive }, { $0.permissive = $1 }),
        .member("metadata", { $0.metadata }, { $0.metadata = $1 }),
        .optional("cacheConfig", { $0.cacheConfig }, { $0.cacheConfig = $1 }),
    ]

    /// Reads a node with Conductor's defaults for what it leaves out (a SIMPLE task, required, not async).
    public init(from decoder: any Decoder) throws {
        self.init(name: "", taskReferenceName: "")
        try Self.members.decode(into: &self, from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.members.encode(self, to: encoder)
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

    /// Every member of the parameters' JSON, in the order written.
    static let members: [JSONMember<SubWorkflowParams>] = [
        .optional("name", { $0.name }, { $0.name = $1 }),
        .optional("version", { $0.version }, { $0.version = $1 }),
        .nested("taskToDomain", { $0.taskToDomain }, { $0.taskToDomain = $1 }),
        .optional("workflowDefinition", { $0.workflowDefinition }, { $0.workflowDefinition = $1 }),
        .optional("idempotencyKey", { $0.idempotencyKey }, { $0.idempotencyKey = $1 }),
        .optional("idempotencyStrategy", { $0.idempotencyStrategy }, { $0.idempotencyStrategy = $1 }),
        .optional("priority", { $0.priority }, { $0.priority = $1 }),
    ]

    public init(from decoder: any Decoder) throws {
        self.init()
        try Self.members.decode(into: &self, from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.members.encode(self, to: encoder)
    }
}

extension SubWorkflowParams: JSONWritable, JSONObjectMembers {
    public func writeJSON(to output: inout String) { writeMembers(to: &output) }
}

extension WorkflowTask: JSONWritable, JSONObjectMembers {
    public func writeJSON(to output: inout String) { writeMembers(to: &output) }
}
