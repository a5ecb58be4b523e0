import BatonModel
import Foundation
import Testing

@Suite("Hand-written JSON of the hot types")
struct JSONWritableTests {
    /// The same document as Foundation's encoder writes, compared as parsed JSON (key order aside).
    private func sameDocument(_ value: some Encodable & JSONWritable) throws -> Bool {
        let encoded = try JSONEncoder().encode(value)
        let written = Data(value.jsonText.utf8)
        let expected = try JSONSerialization.jsonObject(with: encoded) as? NSObject
        let actual = try JSONSerialization.jsonObject(with: written) as? NSObject
        return expected != nil && expected == actual
    }

    @Test("objects are written with their keys sorted at every level, empty and one-member objects too")
    func objectKeysSorted() {
        let value: JSONObject = ["b": 1, "a": ["z": [:], "y": [1, ["only": "x\"y"]]], "c": .null, "": []]
        #expect(value.jsonText == #"{"":[],"a":{"y":[1,{"only":"x\"y"}],"z":{}},"b":1,"c":null}"#)
        #expect(JSONObject().jsonText == "{}")
    }

    @Test("a task with its node, definition, branches and sub-workflow parameters writes what its Encodable writes")
    func taskMatchesEncodable() throws {
        var definition = TaskDef(name: "work", retryCount: 2, retryLogic: .exponentialBackoff, retryDelaySeconds: 3)
        definition.description = "does \"work\"\n/ in two lines"
        definition.inputKeys = ["a", "b"]
        definition.pollTimeoutSeconds = 5
        definition.inputSchema = ["type": "object"]
        definition.createTime = 1_700_000_000_000
        var node = WorkflowTask(name: "work", taskReferenceName: "work_ref", inputParameters: ["x": "${workflow.input.x}", "n": 1.5])
        node.taskDefinition = definition
        node.decisionCases = ["b": [WorkflowTask(name: "x", taskReferenceName: "x")], "a": []]
        node.forkTasks = [[WorkflowTask(name: "y", taskReferenceName: "y", type: .wait)]]
        node.joinOn = ["y"]
        node.rateLimited = false
        node.retryCount = 1
        var parameters = SubWorkflowParams(name: "child", version: 2)
        parameters.taskToDomain = ["*": "blue"]
        parameters.priority = 3
        node.subWorkflowParam = parameters
        node.metadata = ["k": ["nested": [1, true, nil]]]
        node.cacheConfig = ["key": "${workflow.input.x}", "ttlInSecond": 60]
        var task = TaskExecution(taskId: "t-1", taskType: "work", taskDefName: "work", referenceTaskName: "work_ref",
                        workflowInstanceId: "w-1", seq: 3, scheduledTime: 1_000)
        task.status = .inProgress
        task.inputData = ["x": "é ü \u{1} \\ \"q\"", "list": [1, 2.25, "s"], "none": nil]
        task.workflowType = "flow"
        task.correlationId = "c"
        task.startTime = 2_000
        task.pollCount = 1
        task.workerId = "worker-1"
        task.iteration = 2
        task.workflowTask = node
        #expect(try sameDocument(task))
        #expect(try sameDocument([task, TaskExecution(taskId: "t-2", taskType: "a", taskDefName: "a", referenceTaskName: "a",
                                             workflowInstanceId: "w-1", seq: 1, scheduledTime: 0)]))
    }

    @Test("a list of tasks written with each shared node once is the list written task by task")
    func taskListSharesNodes() throws {
        var defined = WorkflowTask(name: "work", taskReferenceName: "a", inputParameters: ["x": "${workflow.input.x}"])
        defined.taskDefinition = TaskDef(name: "work", retryCount: 1)
        var renamed = defined
        renamed.taskReferenceName = "b"
        let bare = WorkflowTask(name: "other", taskReferenceName: "c")
        // More nodes than the memo keeps, in turn, then back to the first ones.
        let many = (0..<12).map { WorkflowTask(name: "work", taskReferenceName: "n\($0)") }
        let tasks = ([defined, defined, renamed, nil, bare, defined] + many + many.reversed() + [renamed])
            .enumerated().map { index, node in
            var task = TaskExecution(taskId: "t-\(index)", taskType: "work", taskDefName: "work", referenceTaskName: "a",
                            workflowInstanceId: "w", seq: index, scheduledTime: 0)
            task.workflowTask = node
            return task
        }
        let shared = TaskExecution.jsonText(of: tasks)
        #expect(shared == tasks.jsonText)
        #expect(shared.components(separatedBy: #""taskReferenceName":"b""#).count == 3)  // `renamed` twice
        #expect(TaskExecution.jsonText(of: []) == "[]")
    }

    @Test("a task definition with every member set writes what its Encodable writes (the SDK registers definitions so)")
    func taskDefMatchesEncodable() throws {
        var definition = TaskDef(name: "work", retryCount: 4, retryLogic: .linearBackoff, retryDelaySeconds: 2)
        definition.description = "does work"
        (definition.timeoutSeconds, definition.totalTimeoutSeconds, definition.responseTimeoutSeconds) = (30, 60, 10)
        (definition.inputKeys, definition.outputKeys) = (["a"], ["b", "c"])
        definition.timeoutPolicy = .alertOnly
        (definition.backoffScaleFactor, definition.maxRetryDelaySeconds, definition.backoffJitterMs) = (3, 90, 250)
        (definition.pollTimeoutSeconds, definition.concurrentExecLimit) = (5, 7)
        (definition.rateLimitPerFrequency, definition.rateLimitFrequencyInSeconds) = (100, 2)
        definition.inputTemplate = ["x": 1, "y": ["z": "w"]]
        (definition.isolationGroupId, definition.executionNameSpace) = ("iso", "ns")
        (definition.ownerEmail, definition.ownerApp, definition.createdBy, definition.updatedBy) = ("o@x.io", "app", "me", "you")
        (definition.createTime, definition.updateTime) = (1_700_000_000_000, 1_700_000_000_001)
        definition.inputSchema = ["type": "object", "required": ["a"]]
        definition.outputSchema = ["type": "object"]
        definition.enforceSchema = true
        #expect(try sameDocument(definition))
        #expect(try sameDocument([definition, TaskDef(name: "bare")]))
    }

    @Test("a worker's results, with logs, escapes and without a status, write what their Encodable writes")
    func taskResultMatchesEncodable() throws {
        var result = TaskResult(workflowInstanceId: "w-1", taskId: "t-1", status: .failed,
                                outputData: ["text": "a/b \"q\" \u{7} é", "list": [1, -2.5, nil, ["k": false]], "none": nil],
                                reasonForIncompletion: "went\nwrong", callbackAfterSeconds: 30, workerId: "host:1")
        result.logs = [TaskExecLog(log: "first line", taskId: "t-1", createdTime: 1_700_000_000_000),
                       TaskExecLog(log: "", taskId: nil, createdTime: 0)]
        result.subWorkflowId = "sub-1"
        var lease = TaskResult(workflowInstanceId: "w-2", taskId: "t-2", status: .inProgress)
        lease.status = nil
        lease.extendLease = true
        #expect(try sameDocument(result))
        #expect(try sameDocument(lease))
        #expect(try sameDocument([result, lease]))
        #expect(try sameDocument([TaskResult]()))
    }

    @Test("a worker's usual result reads as the decoder reads it; anything else is left to the decoder")
    func fastTaskResult() throws {
        let usual = #"{"workflowInstanceId":"w","taskId":"t","status":"COMPLETED","workerId":"me","outputData":{"n":"1","x":[1,2.5]},"callbackAfterSeconds":0,"logs":[],"extra":{"ignored":true},"reasonForIncompletion":null}"#
        let fast = try #require(TaskResult(fastParsing: usual))
        #expect(fast == (try JSONDecoder().decode(TaskResult.self, from: Data(usual.utf8))))
        let lease = #"{"workflowInstanceId":"w","taskId":"t","extendLease":true}"#
        #expect(TaskResult(fastParsing: lease) == (try JSONDecoder().decode(TaskResult.self, from: Data(lease.utf8))))
        #expect(TaskResult(fastParsing: #"{"taskId":"t","status":"DONE"}"#) == nil)
        #expect(TaskResult(fastParsing: #"{"taskId":"t","logs":[{"log":"x"}]}"#) == nil)
        #expect(TaskResult(fastParsing: #"{"taskId":7}"#) == nil)
        #expect(TaskResult(fastParsing: "[1]") == nil)
    }
}
