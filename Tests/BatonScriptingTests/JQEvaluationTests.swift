import BatonDecider
import BatonModel
import Testing

@testable import BatonScripting

/// jq on libjq: paths, iteration, construction, multiple outputs, errors, and the sandbox.
@Suite struct JQEvaluationTests {
    let evaluator = NativeScriptEvaluator()
    let input: JSONValue = [
        "a": "first",
        "b": 2,
        "items": [["x": 1, "y": "p"], ["x": 2.5, "y": "q"], ["x": nil, "y": "r"]],
    ]

    func run(_ query: String, input: JSONValue? = nil) throws(ScriptError) -> [JSONValue] {
        try evaluator.evaluateJQ(query, input: input ?? self.input)
    }

    @Test func paths() throws {
        #expect(try run(".a") == ["first"])
        #expect(try run(".missing") == [nil])
        #expect(try run(".") == [input])
        #expect(try run("") == [input])
        #expect(try run(".items[1].y") == ["q"])
    }

    @Test func iterationGivesEveryOutput() throws {
        #expect(try run(".items[] | .x") == [1, 2.5, nil])
        #expect(try run(".a, .b, (.items | length)") == ["first", 2, 3])
        #expect(try run("range(0; 3)") == [0, 1, 2])
        #expect(try run("empty") == [])
    }

    @Test func construction() throws {
        #expect(try run("{key: .b}") == [["key": 2]])
        #expect(try run("[.items[] | select(.x != null) | {(.y): .x}]") == [[["p": 1], ["q": 2.5]]])
        #expect(try run(".b / 4, (.b | tostring), ([.items[].y] | join(\"-\"))") == [0.5, "2", "p-q-r"])
        #expect(try run("def twice(f): f | f; .b | twice(. * 3)") == [18])
        #expect(try run("{\"é\": \"✓ 😀\"}") == [["é": "✓ 😀"]])
    }

    @Test func compileErrorsFail() {
        let error = #expect(throws: ScriptError.self) { try run(".a | [") }
        #expect(error?.code == .failed)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.message.contains("def env") == false)
        let unknown = #expect(throws: ScriptError.self) { try run("nosuchfunction(1)") }
        #expect(unknown?.message.contains("nosuchfunction/1 is not defined") == true)
    }

    @Test func runtimeErrorsFail() throws {
        #expect(throws: ScriptError(.failed, "boom")) { try run("error(\"boom\")") }
        #expect(throws: ScriptError(.failed, "{\"code\":7}")) { try run("error({code: 7})") }
        let error = #expect(throws: ScriptError.self) { try run(".a + 1") }
        #expect(error?.code == .failed)
        #expect(error?.message.contains("cannot be added") == true)
        #expect(throws: ScriptError(.failed, "stopped\n")) { try run("\"stopped\\n\" | halt_error") }
        #expect(try run("1, halt, 2") == [1])
    }

    @Test func aCompiledQueryRunsAgainAfterErrorsAndHalts() throws {
        let query = "if .fail then error(\"no\") elif .halt then (.v, halt) else .v end"
        for round in 0..<3 {
            let value = JSONValue.int(Int64(round))
            #expect(throws: ScriptError(.failed, "no")) { try run(query, input: ["fail": true]) }
            #expect(try run(query, input: ["fail": false, "halt": true, "v": value]) == [value])
            #expect(try run(query, input: ["fail": false, "halt": false, "v": value]) == [value])
        }
    }

    @Test func evictedQueriesStillRun() throws {
        let runtime = try JQRuntime(cachedStateLimit: 2)
        for round in 0..<3 {
            for field in ["a", "b", "c", "d"] {
                #expect(try runtime.evaluate(".\(field) + \(round)", input: ["a": 1, "b": 2, "c": 3, "d": 4]).count == 1)
            }
        }
        #expect(try runtime.evaluate(".d + 1", input: ["d": 4]) == [5])
    }

    @Test func queriesSeeNothingButTheirInput() throws {
        #expect(try run("env") == [[:]])
        #expect(try run("$ENV") == [[:]])
        #expect(try run("$ENV.PATH") == [nil])
        #expect(try run("stderr") == [input])
        let module = #expect(throws: ScriptError.self) { try run("# a comment\n import \"passwd\" as $p {search: \"/etc\"}; $p") }
        #expect(module?.code == .failed)
        #expect(module?.message.contains("modules are not available") == true)
    }

    @Test func endlessOutputIsCut() {
        let error = #expect(throws: ScriptError.self) { try run("repeat(1)") }
        #expect(error?.message.contains("more than 100000 outputs") == true)
    }

    @Test func parallelQueriesAreAllCorrect() async throws {
        let evaluator = self.evaluator
        let results = try await withThrowingTaskGroup(of: (Int, [JSONValue]).self) { group in
            for index in 0..<200 {
                group.addTask { (index, try evaluator.evaluateJQ("[.n, .n * 2, (.n | tostring)]", input: ["n": .int(Int64(index))])) }
            }
            return try await group.reduce(into: [Int: [JSONValue]]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 200)
        for (index, value) in results {
            let n = Int64(index)
            #expect(value == [[.int(n), .int(n * 2), .string(String(n))]])
        }
    }

    @Test func missingLibraryIsUnavailableAndNamesThePackage() {
        let evaluator = NativeScriptEvaluator(javaScriptLibraries: [], jqLibraries: ["libjq-missing.so.9"])
        let error = #expect(throws: ScriptError.self) { try evaluator.evaluateJQ(".", input: [:]) }
        #expect(error?.code == .unavailable)
        #expect(error?.message == "jq needs libjq-missing.so.9 (Debian package libjq1), which is not installed on this machine")
    }

    @Test("a query that runs past the time limit fails with timedOut instead of holding its caller")
    func longQueriesTimeOut() throws {
        let runtime = try JQRuntime(timeLimit: .milliseconds(100))
        // Succeeding would mean the caller waited for the query to end.
        #expect {
            // A few million iterations: about a second of work, ten times the limit.
            _ = try runtime.evaluate("reduce range(5000000) as $i (0; . + 1)", input: nil)
        } throws: { ($0 as? ScriptError)?.code == .timedOut }
        #expect(try runtime.evaluate(".a", input: ["a": 1]) == [1], "the runtime still works")
    }
}
