import BatonDecider
import BatonModel
import Testing

@testable import BatonScripting

/// JavaScript on JavaScriptCore: values of every JSON type, `$`, script styles, errors, time limits, threads.
@Suite struct JavaScriptEvaluationTests {
    let evaluator = NativeScriptEvaluator()
    let input: JSONValue = [
        "orderType": "express",
        "count": 3,
        "price": 2.5,
        "customer": ["name": "Ada", "tags": ["vip", "early"], "address": ["city": "Paris"]],
        "flag": true,
        "nothing": nil,
    ]

    func evaluate(_ script: String, input: JSONValue? = nil, timeLimit: Duration = .seconds(4)) throws(ScriptError) -> JSONValue {
        try NativeScriptEvaluator(limits: ScriptLimits(timeLimit: timeLimit)).evaluateJavaScript(script, input: input ?? self.input)
    }

    @Test(arguments: [
        ("null", JSONValue.null),
        ("undefined", .null),
        ("true", .bool(true)),
        ("1 > 2", .bool(false)),
        ("42", .int(42)),
        ("-7", .int(-7)),
        ("2.0", .int(2)),
        ("1.5", .double(1.5)),
        ("1 / 3", .double(1.0 / 3.0)),
        ("1e300 * 10", .double(1e301)),
        ("0 / 0", .null),
        ("'hello'", .string("hello")),
        ("'é ✓ 😀'", .string("é ✓ 😀")),
        ("''", .string("")),
        ("[1, 'two', null, [3.5]]", .array([1, "two", nil, [3.5]])),
        ("({a: 1, b: {c: [true]}})", .object(["a": 1, "b": ["c": [true]]])),
        ("[undefined, function() {}]", .array([nil, nil])),
        ("(function() {})", .null),
        ("new Date(0)", .string("1970-01-01T00:00:00.000Z")),
    ])
    func expressionsOfEveryType(script: String, expected: JSONValue) throws {
        #expect(try evaluate(script) == expected)
    }

    @Test func dollarIsTheInput() throws {
        #expect(try evaluate("$.orderType == 'express' ? 'fast' : 'slow'") == "fast")
        #expect(try evaluate("$.customer.address.city") == "Paris")
        #expect(try evaluate("$.customer.tags[1]") == "early")
        #expect(try evaluate("$.count * $.price") == .double(7.5))
        #expect(try evaluate("$.nothing === null && $.missing === undefined") == true)
        #expect(try evaluate("$") == input)
        #expect(try evaluate("$.length", input: [1, 2, 3]) == 3)
        #expect(try evaluate("typeof $", input: "text") == "string")
    }

    @Test func functionStyleScripts() throws {
        #expect(try evaluate("(function(){ return $.count + 1; })()") == 4)
        #expect(try evaluate("function pick() { if ($.flag) { return 'yes'; } return 'no'; } pick();") == "yes")
        #expect(try evaluate("var total = 0; for (var i = 0; i < $.count; i++) { total += i; } total") == 3)
    }

    @Test func modernJavaScript() throws {
        #expect(try evaluate("const n = $.count; let m = n * 2; m") == 6)
        #expect(try evaluate("$.customer.tags.map(t => t.toUpperCase())") == ["VIP", "EARLY"])
        #expect(try evaluate("`${$.customer.name} lives in ${$.customer.address.city}`") == "Ada lives in Paris")
        #expect(try evaluate("const { name, ...rest } = $.customer; Object.keys(rest).sort()") == ["address", "tags"])
        #expect(try evaluate("[...$.customer.tags, 'x'].length") == 3)
        #expect(try evaluate("$.missing?.deep ?? 'fallback'") == "fallback")
        #expect(try evaluate("class Box { constructor(v) { this.v = v } get double() { return this.v * 2 } }; new Box(21).double") == 42)
        #expect(try evaluate("Object.entries({a: 1}).map(([k, v]) => k + v)") == ["a1"])
    }

    @Test func declarationsDoNotLeakBetweenEvaluations() throws {
        // The same top-level `let` twice would be a redeclaration in a shared global scope.
        #expect(try evaluate("let x = 1; x") == 1)
        #expect(try evaluate("let x = 2; x") == 2)
        _ = try evaluate("leaked = 5; Array.prototype.first = function() { return this[0] }; 0")
        #expect(try evaluate("typeof leaked") == "undefined")
        #expect(try evaluate("typeof [].first") == "undefined")
    }

    @Test func scriptsSeeNothingButTheirInput() throws {
        #expect(try evaluate("typeof require + typeof process + typeof print + typeof fetch") == "undefinedundefinedundefinedundefined")
        #expect(try evaluate("typeof setTimeout + typeof XMLHttpRequest + typeof readFile") == "undefinedundefinedundefined")
        // Conductor scripts often log; `console` exists and goes nowhere.
        #expect(try evaluate("console.log('hello from a script'); $.count") == 3)
    }

    @Test func thrownErrorsFail() {
        #expect(throws: ScriptError(.failed, "Error: boom")) { try evaluate("throw new Error('boom')") }
        #expect(throws: ScriptError(.failed, "just text")) { try evaluate("throw 'just text'") }
        let typeError = #expect(throws: ScriptError.self) { try evaluate("$.missing.deeper") }
        #expect(typeError?.code == .failed)
        #expect(typeError?.message.hasPrefix("TypeError:") == true)
    }

    @Test func syntaxErrorsFail() {
        let error = #expect(throws: ScriptError.self) { try evaluate("$.a ==== ") }
        #expect(error?.code == .failed)
        #expect(error?.message.hasPrefix("SyntaxError:") == true)
    }

    @Test func unserializableResultsFail() {
        let error = #expect(throws: ScriptError.self) { try evaluate("const a = {}; a.self = a; a") }
        #expect(error?.code == .failed)
    }

    @Test func timeLimitStopsTheScriptAndTheEngineStaysUsable() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let error = #expect(throws: ScriptError.self) { try evaluate("while (true) {}", timeLimit: .milliseconds(200)) }
        #expect(error?.code == .timedOut)
        #expect(clock.now - started < .seconds(3))
        #expect(try evaluate("$.count + 1", timeLimit: .milliseconds(200)) == 4)
        // A long but finite script under a generous limit is not stopped.
        #expect(try evaluate("let s = 0; for (let i = 0; i < 1e6; i++) s += i; s", timeLimit: .seconds(10)) == 499_999_500_000)
        let again = #expect(throws: ScriptError.self) { try evaluate("for (;;) { [1, 2].map(x => x) }", timeLimit: .milliseconds(100)) }
        #expect(again?.code == .timedOut)
        #expect(try evaluate("'still fine'") == "still fine")
    }

    @Test func parallelEvaluationsAreAllCorrect() async throws {
        let evaluator = self.evaluator
        let results = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for index in 0..<400 {
                group.addTask {
                    let script = index.isMultiple(of: 2) ? "$.n * 2" : "(() => { const xs = [...Array($.n % 10).keys()]; return xs.length; })()"
                    return (index, try evaluator.evaluateJavaScript(script, input: ["n": .int(Int64(index))]))
                }
            }
            return try await group.reduce(into: [Int: JSONValue]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 400)
        for (index, value) in results {
            #expect(value == .int(Int64(index.isMultiple(of: 2) ? index * 2 : index % 10)))
        }
    }

    @Test func missingLibraryIsUnavailableAndNamesThePackage() throws {
        let evaluator = NativeScriptEvaluator(javaScriptLibraries: ["libjavascriptcoregtk-4.1.so.0-not-here"], jqCommand: "jq")
        let error = #expect(throws: ScriptError.self) { try evaluator.evaluateJavaScript("1", input: [:]) }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("libjavascriptcoregtk-4.1.so.0-not-here") == true)
        #expect(error?.message.contains("Debian package libjavascriptcoregtk-4.1-0") == true)
        #expect(try evaluator.evaluateJQ(".a", input: ["a": 1]) == [1])
    }

    @Test("a result past the output limit fails naming the limit, before it is copied out of the VM",
          arguments: ["'x'.repeat(2000)", "({ big: 'x'.repeat(2000) })", "Array(1000).fill('ab')", "'€'.repeat(700)"])
    func largeResultsFail(script: String) throws {
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(outputLimit: 1_000))
        let error = #expect(throws: ScriptError.self) { try evaluator.evaluateJavaScript(script, input: [:]) }
        #expect(error?.code == .outputTooLarge)
        #expect(error?.message == "The script's result is larger than the output limit of 1000 bytes")
        #expect(try evaluator.evaluateJavaScript("({ small: 'x'.repeat(900) })", input: [:]) == ["small": .string(String(repeating: "x", count: 900))])
    }
}
