import BatonDecider
import BatonModel
import BatonTesting
import Testing

@testable import BatonScripting

/// jq in its helper process: paths, iteration, construction, multiple outputs, errors, the sandbox and the limits.
@Suite struct JQEvaluationTests {
    let evaluator = NativeScriptEvaluator()
    let input: JSONValue = [
        "a": "first",
        "b": 2,
        "items": [["x": 1, "y": "p"], ["x": 2.5, "y": "q"], ["x": nil, "y": "r"]],
    ]

    func run(_ query: String, input: JSONValue? = nil) async throws(ScriptError) -> [JSONValue] {
        try await evaluator.jq(query, input: input ?? self.input)
    }

    @Test func paths() async throws {
        #expect(try await run(".a") == ["first"])
        #expect(try await run(".missing") == [nil])
        #expect(try await run(".") == [input])
        #expect(try await run("") == [input])
        #expect(try await run(".items[1].y") == ["q"])
    }

    @Test func iterationGivesEveryOutput() async throws {
        #expect(try await run(".items[] | .x") == [1, 2.5, nil])
        #expect(try await run(".a, .b, (.items | length)") == ["first", 2, 3])
        #expect(try await run("range(0; 3)") == [0, 1, 2])
        #expect(try await run("empty") == [])
    }

    @Test func construction() async throws {
        #expect(try await run("{key: .b}") == [["key": 2]])
        #expect(try await run("[.items[] | select(.x != null) | {(.y): .x}]") == [[["p": 1], ["q": 2.5]]])
        #expect(try await run(".b / 4, (.b | tostring), ([.items[].y] | join(\"-\"))") == [0.5, "2", "p-q-r"])
        #expect(try await run("def twice(f): f | f; .b | twice(. * 3)") == [18])
        #expect(try await run("{\"é\": \"✓ 😀\"}") == [["é": "✓ 😀"]])
    }

    @Test func compileErrorsFail() async {
        let error = await #expect(throws: ScriptError.self) { try await run(".a | [") }
        #expect(error?.code == .failed)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.message.contains("def env") == false)
        let unknown = await #expect(throws: ScriptError.self) { try await run("nosuchfunction(1)") }
        #expect(unknown?.message.contains("nosuchfunction/1 is not defined") == true)
    }

    @Test func runtimeErrorsFail() async throws {
        await #expect(throws: ScriptError(.failed, "boom")) { try await run("error(\"boom\")") }
        await #expect(throws: ScriptError(.failed, "{\"code\":7}")) { try await run("error({code: 7})") }
        let error = await #expect(throws: ScriptError.self) { try await run(".a + 1") }
        #expect(error?.code == .failed)
        #expect(error?.message.contains("cannot be added") == true)
        await #expect(throws: ScriptError(.failed, "stopped\n")) { try await run("\"stopped\\n\" | halt_error") }
        #expect(try await run("1, halt, 2") == [1])
    }

    @Test func aCompiledQueryRunsAgainAfterErrorsAndHalts() async throws {
        let query = "if .fail then error(\"no\") elif .halt then (.v, halt) else .v end"
        for round in 0..<3 {
            let value = JSONValue.int(Int64(round))
            await #expect(throws: ScriptError(.failed, "no")) { try await run(query, input: ["fail": true]) }
            #expect(try await run(query, input: ["fail": false, "halt": true, "v": value]) == [value])
            #expect(try await run(query, input: ["fail": false, "halt": false, "v": value]) == [value])
        }
    }

    @Test func queriesSeeNothingButTheirInput() async throws {
        #expect(try await run("env") == [[:]])
        #expect(try await run("$ENV") == [[:]])
        #expect(try await run("$ENV.PATH") == [nil])
        #expect(try await run("stderr") == [input])
        let module = await #expect(throws: ScriptError.self) { try await run("# a comment\n import \"passwd\" as $p {search: \"/etc\"}; $p") }
        #expect(module?.code == .failed)
        #expect(module?.message.contains("modules are not available") == true)
    }

    @Test func endlessOutputIsCut() async {
        let error = await #expect(throws: ScriptError.self) { try await run("repeat(1)") }
        #expect(error?.message.contains("more than 100000 outputs") == true)
    }

    @Test func parallelQueriesAreAllCorrect() async throws {
        let evaluator = self.evaluator
        let results = try await withThrowingTaskGroup(of: (Int, [JSONValue]).self) { group in
            // Each query is a helper process that blocks its thread while it runs: a few dozen, not hundreds,
            // so this test does not hold the whole concurrency pool that other suites' servers run on.
            for index in 0..<24 {
                group.addTask { (index, try await evaluator.jq("[.n, .n * 2, (.n | tostring)]", input: ["n": .int(Int64(index))])) }
            }
            return try await group.reduce(into: [Int: [JSONValue]]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 24)
        for (index, value) in results {
            let n = Int64(index)
            #expect(value == [[.int(n), .int(n * 2), .string(String(n))]])
        }
    }

    @Test func missingCommandIsUnavailableAndNamesThePackage() async {
        let evaluator = NativeScriptEvaluator(javaScriptLibraries: [], jqCommand: "jq-missing")
        let error = await #expect(throws: ScriptError.self) { try await evaluator.jq(".", input: [:]) }
        #expect(error?.code == .unavailable)
        #expect(error?.message == "jq needs the jq-missing command (Debian package jq), which is not installed on this machine")
    }

    @Test("a query that never ends is killed at the time limit, and no helper process is left")
    func endlessQueriesAreKilled() async throws {
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(2)))
        let error = await #expect(throws: ScriptError.self) { try await evaluator.jq("def spin: spin; spin", input: nil) }
        #expect(error?.code == .timedOut)
        #expect(error?.message == "The jq query ran longer than its time limit of 2.0 seconds")
        #expect(ProcessInspection.children(runningCommandContaining: "def spin: spin; spin") == 0)
        #expect(try await evaluator.jq(".a", input: ["a": 1]) == [1], "jq still works")
    }

    @Test("a query that grows without end is stopped by the memory limit")
    func memoryBombsAreStopped() async throws {
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(60), memoryLimit: 64 << 20))
        let error = await #expect(throws: ScriptError.self) { try await evaluator.jq("[repeat(\"x\")]", input: nil) }
        #expect(error?.code == .memoryExceeded)
        #expect(error?.message == "The jq query needed more than its memory limit of 67108864 bytes")
    }

    @Test("output past the output limit fails naming the limit")
    func largeOutputFails() async throws {
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(outputLimit: 1_000))
        let error = await #expect(throws: ScriptError.self) { try await evaluator.jq("[range(1000)]", input: nil) }
        #expect(error?.code == .outputTooLarge)
        #expect(error?.message == "The jq query's output is larger than the output limit of 1000 bytes")
    }
}

extension NativeScriptEvaluator {
    /// `evaluateJQ` on a thread of its own: a helper process runs for a while, and a test must not hold a
    /// thread of the concurrency pool that the other suites' servers share meanwhile.
    func jq(_ query: String, input: JSONValue) async throws(ScriptError) -> [JSONValue] {
        try await onOwnThread { Result { () throws(ScriptError) in try evaluateJQ(query, input: input) } }.get()
    }
}
