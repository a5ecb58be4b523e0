@testable import BatonModel
import Foundation
import Testing

@Suite("Objects repeated in one text, parsed and decoded once")
struct RepeatedObjectsTests {
    private static func node(_ index: Int) -> WorkflowTask {
        var node = WorkflowTask(name: "work", taskReferenceName: "step_\(index)",
                                inputParameters: ["n": "${workflow.input.n}", "text": "brackets } { ] [ and \"quotes\" \\"])
        var definition = TaskDef(name: "work", retryCount: 2)
        definition.description = "a \"task\" with } in it"
        node.taskDefinition = definition
        return node
    }

    /// Tasks from `nodes` in turn, as JSON text (with the task definition beside each node, as servers send it,
    /// in the same order each time).
    private static func tasksText(count: Int, nodes: [WorkflowTask]) throws -> [UInt8] {
        let tasks = (0..<count).map { index in
            var task = TaskExecution(taskId: "t-\(index)", taskType: "work", taskDefName: "work",
                            referenceTaskName: nodes[index % nodes.count].taskReferenceName,
                            workflowInstanceId: "w-\(index / 3)", seq: index, scheduledTime: 1_000)
            task.inputData = ["n": .int(Int64(index))]
            task.workflowTask = nodes[index % nodes.count]
            return task
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(tasks))
    }

    @Test("tasks read with their repeats shared are the tasks read apart, with more nodes than are remembered")
    func sameTasks() throws {
        for nodeCount in [1, 3, RepeatedObjects.capacity + 4] {
            let text = try Self.tasksText(count: 40, nodes: (0..<nodeCount).map(Self.node))
            let shared = try JSONValueDecoder().decode([TaskExecution].self, fromJSON: text)
            let apart = try JSONDecoder().decode([TaskExecution].self, from: Data(text))
            #expect(shared == apart)
            #expect(shared.map(\.workflowTask?.taskReferenceName) == apart.map(\.workflowTask?.taskReferenceName))
        }
    }

    @Test("a repeated object is listed once as shared, with the value its repeats have; objects that differ, even by one byte of the same length, are apart")
    func sharing() throws {
        let text = try Self.tasksText(count: 4, nodes: [Self.node(1), Self.node(2)])
        let (value, shared) = try JSONParser.parseSharingRepeats(text)
        guard case .array(let tasks) = value else { Issue.record("not a list"); return }
        let nodes = tasks.map { task -> JSONObject? in
            guard case .object(let members) = task, case .object(let node)? = members["workflowTask"] else { return nil }
            return node
        }
        // Each node once, and the task definition both nodes carry beside them.
        #expect(shared.count == 3)
        #expect(shared.contains { $0 == nodes[0] } && shared.contains { $0 == nodes[1] })
        #expect(nodes[0] == nodes[2] && nodes[1] == nodes[3] && nodes[0] != nodes[1])
        // The same parse without sharing: every object its own, the same values.
        guard case .array(let plain) = try JSONValue(parsing: String(decoding: text, as: UTF8.self)) else { return }
        #expect(plain == tasks)
    }

    @Test("a node every task repeats stays shared among more objects of the tasks' own than are remembered")
    func repeatsOutlastOneOffs() throws {
        let node = String(decoding: try JSONEncoder().encode(Self.node(1)), as: UTF8.self)
        let tasks = (0..<(3 * RepeatedObjects.capacity)).map { index in
            #"{"taskId":"t-\#(index)","inputData":{"payload":"\#(String(repeating: "p", count: 80))","n":\#(index)},"workflowTask":\#(node)}"#
        }
        let (_, shared) = try JSONParser.parseSharingRepeats(Array("[\(tasks.joined(separator: ","))]".utf8))
        #expect(shared.count == 1, "the node, shared by every task from the first to the last; no input is")
    }

    @Test("strings holding brackets, quotes and escapes do not end an object early")
    func scanning() throws {
        let filler = String(repeating: "x", count: 80)
        let object = #"{"a":"} ] \" \\","b":["{",{"c":"\\\""}],"f":"\#(filler)"}"#
        let text = "[{\"m\":\(object),\"k\":1},{\"m\":\(object),\"k\":2}]"
        let (value, _) = try JSONParser.parseSharingRepeats(Array(text.utf8))
        #expect(value == (try JSONValue(parsing: text)))
    }

    @Test("invalid JSON is refused even where it repeats an object, and an unfinished object is refused")
    func invalidText() throws {
        let filler = String(repeating: "y", count: 80)
        let valid = #"{"f":"\#(filler)","n":1}"#
        let broken = #"{"f":"\#(filler)","n":}"#
        #expect(throws: JSONParser.Failure.self) {
            try JSONParser.parseSharingRepeats(Array("[{\"m\":\(valid)},{\"m\":\(broken)}]".utf8))
        }
        #expect(throws: JSONParser.Failure.self) {
            try JSONParser.parseSharingRepeats(Array("[{\"m\":\(broken)},{\"m\":\(broken)}]".utf8))
        }
        #expect(throws: JSONParser.Failure.self) {
            try JSONParser.parseSharingRepeats(Array("[{\"m\":\(valid)},{\"m\":{\"f\":\"\(filler)\"".utf8))
        }
    }

    @Test("an object that fails to decode fails the whole read, whether or not it repeats")
    func decodingErrors() throws {
        let filler = String(repeating: "z", count: 80)
        let node = #"{"name":"work","taskReferenceName":"r","retryCount":"many","description":"\#(filler)"}"#
        let one = "{\"taskId\":\"a\",\"workflowTask\":\(node)}"
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([TaskExecution].self, fromJSON: Array("[\(one),\(one)]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(TaskExecution.self, fromJSON: Array(one.utf8)) }
    }
}
