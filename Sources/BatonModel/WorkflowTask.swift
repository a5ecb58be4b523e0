import Foundation

/// One node of a workflow definition's task graph.
public struct WorkflowTask: Codable, Sendable, Hashable {
    public var name: String
    public var taskReferenceName: String
    public var description: String?
    public var inputParameters: JSONObject
    public var type: TaskType
    public var dynamicTaskNameParam: String?
    public var caseValueParam: String?
    public var caseExpression: String?
    public var scriptExpression: String?
    public var decisionCases: [String: [WorkflowTask]]
    public var defaultCase: [WorkflowTask]
    public var dynamicForkJoinTasksParam: String?
    public var dynamicForkTasksParam: String?
    public var dynamicForkTasksInputParamName: String?
    public var forkTasks: [[WorkflowTask]]
    public var startDelay: Int
    public var subWorkflowParam: SubWorkflowParams?
    public var joinOn: [String]
    public var sink: String?
    public var optional: Bool
    public var taskDefinition: TaskDef?
    public var rateLimited: Bool?
    public var defaultExclusiveJoinTask: [String]
    public var asyncComplete: Bool
    public var loopCondition: String?
    public var loopOver: [WorkflowTask]
    public var items: String?
    public var retryCount: Int?
    public var evaluatorType: String?
    public var expression: String?
    public var joinStatus: String?
    public var permissive: Bool
    public var metadata: JSONObject

    /// Creates a task node of the given type (SIMPLE unless said otherwise).
    public init(name: String, taskReferenceName: String, type: TaskType = .simple,
                inputParameters: JSONObject = [:], optional: Bool = false) {
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

    public init(from decoder: any Decoder) throws {
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
