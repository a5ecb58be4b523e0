@_spi(Engine) import BatonModel
import Foundation
import Testing

@Suite("Model JSON")
struct ModelCodingTests {
    @Test("definitions decode leniently with Conductor's defaults; unknown fields are ignored")
    func lenientDefaults() throws {
        let json = #"{"name":"t","retryCount":null,"somethingNew":{"x":1}}"#
        let taskDef = try JSONDecoder().decode(TaskDef.self, from: Data(json.utf8))
        #expect(taskDef.retryCount == 3)
        #expect(taskDef.retryDelaySeconds == 60)
        #expect(taskDef.responseTimeoutSeconds == 3600)
        #expect(taskDef.timeoutPolicy == .timeOutWorkflow)
        let workflowDef = try JSONDecoder().decode(WorkflowDef.self,
                                                   from: Data(#"{"name":"w","tasks":[{"name":"a","taskReferenceName":"a"}]}"#.utf8))
        #expect(workflowDef.version == 1)
        #expect(workflowDef.restartable)
        #expect(workflowDef.timeoutPolicy == .alertOnly)
        #expect(workflowDef.tasks[0].type == .simple)
    }

    @Test("a copied node or definition changes alone; equal contents are equal and hash alike, shared or not")
    func copyOnWrite() {
        let node = WorkflowTask(name: "a", taskReferenceName: "a_ref", inputParameters: ["x": 1])
        var changed = node
        changed.inputParameters["x"] = 2
        changed.taskDefinition = TaskDef(name: "a")
        #expect(node.inputParameters["x"] == 1 && node.taskDefinition == nil)
        #expect(changed != node)
        let rebuilt = WorkflowTask(name: "a", taskReferenceName: "a_ref", inputParameters: ["x": 1])
        #expect(rebuilt == node && rebuilt.hashValue == node.hashValue)
        let definition = WorkflowDef(name: "flow", tasks: [node])
        var renamed = definition
        renamed.tasks[0].taskReferenceName = "b_ref"
        #expect(definition.tasks[0].taskReferenceName == "a_ref")
        #expect(renamed.tasks[0].taskReferenceName == "b_ref")
        #expect(WorkflowDef(name: "flow", tasks: [rebuilt]) == definition)
        #expect(Set([definition, WorkflowDef(name: "flow", tasks: [rebuilt]), renamed]).count == 2)
    }

    @Test("unknown enum values are decoding errors, not silent defaults")
    func unknownEnums() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TaskDef.self, from: Data(#"{"name":"t","retryLogic":"RANDOM"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TaskResult.self, from: Data(#"{"taskId":"t","status":"DONE"}"#.utf8))
        }
    }

    @Test("strings are escaped only where JSON requires it", arguments: [
        ("plain ünï 😀", #""plain ünï 😀""#), ("say \"hi\"", #""say \"hi\"""#), ("a\\b", #""a\\b""#),
        ("line\nbreak\ttab\r", #""line\nbreak\ttab\r""#), ("\u{1}\u{1f}", #""\u0001\u001f""#), ("", #""""#),
    ])
    func stringEscapes(text: String, json: String) {
        #expect(JSONValue.string(text).jsonText == json)
    }

    @Test("JSON values keep integers apart from fractions and round-trip through the fast writer", arguments: [
        #"{"a":1,"b":1.5,"c":"x\"y\n","d":[true,null,{"e":-3}],"f":"ünï"}"#,
        #"[]"#, #"{}"#, #""plain""#, #"12345678901234"#,
    ])
    func jsonRoundTrip(text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(try JSONValue(parsing: value.jsonText) == value)
        if case .object(let members)? = Optional(value) { #expect(members["a"] == .int(1) || members["a"] == nil) }
    }

    @Test("the engine's bookkeeping fields never reach the wire")
    func hiddenFields() throws {
        var task = BatonModel.TaskExecution(taskId: "t", taskType: "work", taskDefName: "work", referenceTaskName: "a",
                                   workflowInstanceId: "w", seq: 1, scheduledTime: 5)
        task.waitUntil = 99
        task.pausedMillis = 7
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(task)) as? [String: Any]
        #expect(object?["waitUntil"] == nil)
        #expect(object?["pausedMillis"] == nil)
        #expect(object?["referenceTaskName"] as? String == "a")
    }

    @Test("summaries format times as Conductor's UTC ISO-8601 with milliseconds")
    func isoTime() {
        #expect(ISOTime.string(fromMillis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(ISOTime.string(fromMillis: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
    }

    @Test("DO_WHILE iteration suffixes are stripped from reference names", arguments: [
        ("ref__2", "ref"), ("ref", "ref"), ("a__b", "a__b"), ("x__", "x__"), ("loop__task__10", "loop__task"),
        ("a___1", "a_"), ("a_1", "a_1"), ("__7", ""), ("12", "12"), ("", ""), ("a__1_2", "a__1_2"), ("ü__3", "ü"),
        ("x__٣", "x"), ("x__3٣", "x"), ("x__½", "x"), ("x__é", "x__é"),
    ])
    func baseReferenceName(name: String, base: String) {
        #expect(BatonModel.TaskExecution.baseReferenceName(of: name) == base)
    }
}

@Suite("JSON parser")
struct JSONParserTests {
    @Test("parses what Foundation parses, to the same values", arguments: [
        #"{"a":[1,-2,3.5,1.5e-1,-0.25E-2],"b":{"c":null,"d":true,"e":false},"s":"q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#,
        #"  [ ]  "#, #"{}"#, #"0"#, #"-0"#, #""""#, #"9223372036854775807"#, #"123456789012345678901234"#,
    ])
    func agreesWithFoundation(text: String) throws {
        let fast = try JSONValue(parsing: text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(fast == foundation)
    }

    @Test("a key given twice in an object is refused, naming the key, at any depth")
    func duplicateKeys() throws {
        for text in [#"{"a":1,"b":2,"a":{"c":3}}"#, #"[{"x":{"a":1,"a":1}}]"#] {
            #expect { try JSONValue(parsing: text) } throws: { "\($0)".contains("'a' appears more than once") }
        }
        #expect(try JSONValue(parsing: #"{"a":{"a":1},"b":{"a":2}}"#) == ["a": ["a": 1], "b": ["a": 2]])
        let many = "{" + (0..<100).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        #expect(try JSONValue(parsing: many).objectValue?.count == 100)
    }

    @Test("rejects invalid JSON", arguments: [
        "", "{", "[1,]", #"{"a" 1}"#, "01", "1.", "tru", #""\x""#, "\"a\nb\"", "[1] 2", #""\ud800""#, "NaN",
    ])
    func rejects(text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: text) }
    }

    @Test("refuses nesting deeper than its limit instead of overflowing the stack")
    func nestingLimit() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: (any Error).self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try JSONValue(parsing: fine) != .null)
    }
}
