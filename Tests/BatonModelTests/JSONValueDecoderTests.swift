import BatonModel
import Foundation
import Testing

@Suite("Decoding from parsed JSON values")
struct JSONValueDecoderTests {
    /// `T` decoded from `json` by Foundation's decoder and by `JSONValueDecoder` from the parsed text.
    private func bothWays<T: Decodable>(_ type: T.Type, _ json: String) throws -> (foundation: T, parsed: T) {
        (try JSONDecoder().decode(T.self, from: Data(json.utf8)),
         try JSONValueDecoder().decode(T.self, from: JSONValue(parsing: json)))
    }

    private static var task: TaskExecution {
        var definition = TaskDef(name: "work", retryCount: 2, retryLogic: .exponentialBackoff, retryDelaySeconds: 3)
        definition.inputKeys = ["a"]
        definition.inputSchema = ["type": "object"]
        var node = WorkflowTask(name: "work", taskReferenceName: "work_ref", inputParameters: ["x": "${workflow.input.x}"])
        node.taskDefinition = definition
        node.decisionCases = ["b": [WorkflowTask(name: "x", taskReferenceName: "x")]]
        node.forkTasks = [[WorkflowTask(name: "y", taskReferenceName: "y", type: .wait)]]
        node.subWorkflowParam = SubWorkflowParams(name: "child", version: 2)
        node.retryCount = 1
        var task = TaskExecution(taskId: "t-1", taskType: "work", taskDefName: "work", referenceTaskName: "work_ref",
                        workflowInstanceId: "w-1", seq: 3, scheduledTime: 1_000)
        task.status = .inProgress
        task.inputData = ["x": "é \"q\"", "list": [1, 2.25, "s", nil, ["deep": true]], "big": .int(Int64.max)]
        task.correlationId = "c"
        task.workerId = "worker-1"
        task.workflowTask = node
        return task
    }

    @Test("model types decode to what Foundation's decoder makes of the same JSON")
    func sameAsFoundation() throws {
        let tasks = String(decoding: try JSONEncoder().encode([Self.task, Self.task]), as: UTF8.self)
        let (foundationTasks, parsedTasks) = try bothWays([TaskExecution].self, tasks)
        #expect(parsedTasks == foundationTasks)
        #expect(parsedTasks[0].workflowTask?.taskDefinition?.retryLogic == .exponentialBackoff)
        var workflow = Workflow(workflowId: "w-1", definition: WorkflowDef(name: "flow", tasks: [Self.task.workflowTask!]),
                                input: ["n": 1], createTime: 5)
        workflow.tasks = [Self.task]
        workflow.variables = ["v": [1, 2]]
        let (foundationWorkflow, parsedWorkflow) = try bothWays(Workflow.self,
                                                                String(decoding: try JSONEncoder().encode(workflow), as: UTF8.self))
        #expect(parsedWorkflow == foundationWorkflow)
        // Conductor's defaults for what is missing or null, unknown members ignored.
        let lenient = #"{"name":"t","retryCount":null,"somethingNew":{"x":1},"inputKeys":["a"]}"#
        let (foundationDef, parsedDef) = try bothWays(TaskDef.self, lenient)
        #expect(parsedDef == foundationDef)
        #expect(parsedDef.retryCount == 3)
        let (foundationResult, parsedResult) = try bothWays(TaskResult.self,
            #"{"taskId":"t","workflowInstanceId":"w","status":"COMPLETED","outputData":{"n":1},"logs":[{"log":"x","createdTime":1}]}"#)
        #expect(parsedResult == foundationResult)
    }

    @Test("a task with every member set, or null, or of a type read through Decodable, reads as Foundation reads it")
    func taskEveryMember() throws {
        var task = Self.task
        (task.workflowType, task.retriedTaskId, task.reasonForIncompletion, task.domain) = ("flow", "t-0", "why", "blue")
        (task.subWorkflowId, task.parentTaskId, task.executionNameSpace, task.isolationGroupId) = ("s", "p", "ns", "iso")
        (task.retryCount, task.pollCount, task.startDelayInSeconds, task.workflowPriority, task.iteration) = (1, 2, 3, 4, 5)
        (task.rateLimitPerFrequency, task.rateLimitFrequencyInSeconds) = (6, 7)
        (task.startTime, task.endTime, task.updateTime, task.firstStartTime) = (1_001, 1_002, 1_003, 1_004)
        (task.callbackAfterSeconds, task.responseTimeoutSeconds) = (8, 9)
        (task.retried, task.executed, task.callbackFromWorker, task.subworkflowChanged) = (true, true, false, true)
        task.outputData = ["done": true]
        let full = String(decoding: try JSONEncoder().encode(task), as: UTF8.self)
        let (foundation, parsed) = try bothWays(TaskExecution.self, full)
        #expect(parsed == foundation)
        #expect(parsed == task)
        #expect(try JSONValueDecoder().decode([TaskExecution].self, fromJSON: Array(TaskExecution.jsonText(of: [task, task]).utf8)) == [task, task])

        // Nulls and unknown members leave the defaults; a number written as 2.0 and a status Baton does not know
        // go through Decodable, as they would without the shortcut.
        let odd = #"{"taskId":"t","seq":2.0,"callbackFromWorker":null,"rateLimitFrequencyInSeconds":null,"new":[1],"loopOverTask":true}"#
        let (foundationOdd, parsedOdd) = try bothWays(TaskExecution.self, odd)
        #expect(parsedOdd == foundationOdd)
        #expect(parsedOdd.seq == 2 && parsedOdd.callbackFromWorker && parsedOdd.rateLimitFrequencyInSeconds == 1)
        #expect(throws: DecodingError.self) {
            try JSONValueDecoder().decode(TaskExecution.self, from: JSONValue(parsing: #"{"taskId":"t","status":"DONE"}"#))
        }
        #expect(throws: DecodingError.self) {
            try JSONValueDecoder().decode(TaskExecution.self, from: JSONValue(parsing: #"{"taskId":"t","workflowTask":{"name":1}}"#))
        }
    }

    @Test("a value of the wrong kind, a missing member or a number that does not fit is a decoding error")
    func errors() throws {
        let decoder = JSONValueDecoder()
        #expect(throws: DecodingError.self) { try decoder.decode(TaskDef.self, from: JSONValue(parsing: #"{"name":7}"#)) }
        #expect(throws: DecodingError.self) { try decoder.decode(TaskDef.self, from: JSONValue(parsing: #"{"name":"t","retryLogic":"RANDOM"}"#)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int.self, from: .double(1.5)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int8.self, from: .int(300)) }
        #expect(throws: DecodingError.self) { try decoder.decode([String].self, from: JSONValue(parsing: #"["a",null]"#)) }
        #expect(throws: DecodingError.self) { try decoder.decode(WorkflowSummary.self, from: JSONValue(parsing: "[]")) }
        #expect(try decoder.decode(Int.self, from: .double(2)) == 2)
        #expect(try decoder.decode(UInt16.self, from: .int(7)) == 7)
        #expect(try decoder.decode(Float.self, from: .double(1.5)) == 1.5)
        #expect(throws: DecodingError.self) { try decoder.decode(UInt.self, from: .int(-1)) }
        #expect(throws: DecodingError.self) { try decoder.decode(JSONObject.self, from: .array([])) }
        #expect(try decoder.decode([String?].self, from: JSONValue(parsing: #"["a",null]"#)) == ["a", nil])
    }
}
