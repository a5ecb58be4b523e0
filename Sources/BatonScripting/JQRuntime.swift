import BatonDecider
import BatonModel
import Foundation
import Synchronization

/// Runs jq queries with libjq, keeping compiled programs for the queries it sees again.
///
/// libjq 1.6 compiles its whole builtin library with every program (about 25 ms), so compiled states
/// are pooled by query text (at most `cachedStateLimit` idle ones) and restarted with `jq_start`, which
/// resets them; a state is used by one thread at a time.
///
/// The query runs in a thin sandbox: `env`, `$ENV` and `stderr` are shadowed (the process environment
/// holds secrets, and standard error is the server's log), and modules are refused, since `import` and
/// `include` read files. Nothing else in jq reaches outside its input.
///
/// libjq cannot be interrupted, so each query runs on a thread of its own and its caller stops waiting
/// after `timeLimit`: a query that never ends fails its task instead of stalling the engine (its thread
/// stays busy until the query ends, or the server restarts).
final class JQRuntime: Sendable {
    let api: JQ
    /// The most outputs one query may produce, so `repeat(.)` fails instead of exhausting memory.
    let outputLimit: Int
    /// How long a caller waits for a query.
    let timeLimit: Duration
    /// The most compiled states kept idle across all queries.
    let cachedStateLimit: Int
    private let idle = Mutex(IdleStates())

    /// Prepended to every query on the same line, so jq's line numbers still match the user's query.
    static let sandboxPrefix = "def env: {}; def stderr: .; {} as $ENV | "

    /// Loads libjq from `requirement`'s file names; throws `.unavailable` if it is missing.
    init(
        _ requirement: DynamicLibrary.Requirement = JQ.requirement,
        outputLimit: Int = 100_000,
        cachedStateLimit: Int = 256,
        timeLimit: Duration = .seconds(4)
    ) throws(ScriptError) {
        api = try JQ(library: DynamicLibrary(requirement))
        self.outputLimit = outputLimit
        self.timeLimit = timeLimit
        self.cachedStateLimit = cachedStateLimit
    }

    /// Runs `query` on `input` and returns every output; throws `.timedOut` after `timeLimit`.
    func evaluate(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue] {
        let outcome = Outcome()
        let thread = Thread { [self] in
            outcome.set(Result { () throws(ScriptError) in try run(query, input: input) })
        }
        thread.stackSize = 8 << 20  // jq recurses deeply on deeply nested input
        thread.start()
        guard let result = outcome.wait(for: timeLimit) else {
            throw ScriptError(.timedOut, "The jq query ran longer than its time limit of \(timeLimit)")
        }
        return try result.get()
    }

    /// The result of a query run on its own thread, handed to the caller waiting for it.
    private final class Outcome: Sendable {
        private let result = Mutex<Result<[JSONValue], ScriptError>?>(nil)
        private let finished = DispatchSemaphore(value: 0)

        func set(_ value: Result<[JSONValue], ScriptError>) {
            result.withLock { $0 = value }
            finished.signal()
        }

        /// The result, or nil when it did not come within `limit`.
        func wait(for limit: Duration) -> Result<[JSONValue], ScriptError>? {
            let (seconds, attoseconds) = limit.components
            let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
            guard finished.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return nil }
            return result.withLock { $0 }
        }
    }

    /// Runs `query` on `input` on the calling thread.
    private func run(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue] {
        let program: CompiledQuery
        if let waiting = idle.withLock({ $0.take(query) }) {
            program = waiting
        } else {
            program = try CompiledQuery(query, api: api)
        }
        defer {
            let evicted = idle.withLock { $0.put(program, limit: cachedStateLimit) }
            _ = evicted  // torn down here, outside the lock
        }
        var text = input.jsonText
        let parsedInput = text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { api.parseSized($0.baseAddress, Int32(clamping: $0.count)) }
        }
        if api.kind(of: parsedInput) == .invalid {
            throw ScriptError(.failed, "jq could not read its input: \(api.consumeAsMessage(api.invalidGetMessage(parsedInput)))")
        }
        api.start(program.state, parsedInput, 0)
        return try outputs(of: program.state)
    }

    /// Every value the started program produces; a runtime error or `halt_error` throws its message.
    private func outputs(of state: OpaquePointer) throws(ScriptError) -> [JSONValue] {
        var results: [JSONValue] = []
        while true {
            let output = api.next(state)
            guard api.kind(of: output) != .invalid else {
                if api.invalidHasMessage(api.copy(output)) != 0 {
                    throw ScriptError(.failed, api.consumeAsMessage(api.invalidGetMessage(output)))
                }
                api.free(output)
                break
            }
            guard results.count < outputLimit else {
                api.free(output)
                throw ScriptError(.failed, "The jq query produced more than \(outputLimit) outputs")
            }
            let json = api.consumeAsJSON(output)
            do {
                results.append(try JSONValue(parsing: json))
            } catch {
                throw ScriptError(.failed, "jq produced an output that is not valid JSON: \(json.prefix(200))")
            }
        }
        if api.halted(state) != 0 {
            let message = api.getErrorMessage(state)
            if api.kind(of: message) != .invalid {
                throw ScriptError(.failed, api.consumeAsMessage(message))
            }
            api.free(message)
        }
        return results
    }

    /// The query inside the sandbox; an empty query is jq's identity, and modules are refused.
    static func sandboxed(_ query: String) throws(ScriptError) -> String {
        let body = query.allSatisfy(\.isWhitespace) ? "." : query
        if let directive = moduleDirective(in: body) {
            throw ScriptError(.failed, "jq modules are not available: `\(directive)` would read files")
        }
        return sandboxPrefix + body
    }

    /// The module directive (`import`, `include`, `module`) the query starts with, if any.
    ///
    /// jq's grammar only allows these at the very start of a program, where the sandbox prefix would make
    /// them a syntax error anyway; this check turns that into a message that says why.
    static func moduleDirective(in query: String) -> String? {
        var rest = Substring(query)
        while true {
            rest = rest.drop(while: \.isWhitespace)
            guard rest.first == "#" else { break }
            rest = rest.drop(while: { !$0.isNewline })
        }
        let word = rest.prefix(while: { $0.isLetter || $0 == "_" })
        return ["import", "include", "module"].contains(String(word)) ? String(word) : nil
    }
}

/// A compiled jq program and the state that runs it; used by one thread at a time.
private final class CompiledQuery: @unchecked Sendable {
    let query: String
    let state: OpaquePointer
    private let api: JQ
    private let messages: Messages

    /// Compiles `query` inside the sandbox; throws `.failed` with jq's messages if it does not compile.
    init(_ query: String, api: JQ) throws(ScriptError) {
        let program = try JQRuntime.sandboxed(query)
        guard let state = api.initialize() else {
            throw ScriptError(.unavailable, "jq could not allocate its state")
        }
        let messages = Messages(api: api)
        api.setErrorCallback(state, { data, message in
            guard let data else { return }
            Unmanaged<Messages>.fromOpaque(data).takeUnretainedValue().append(message)
        }, Unmanaged.passUnretained(messages).toOpaque())
        guard program.withCString({ api.compile(state, $0) }) != 0 else {
            var owned: OpaquePointer? = state
            api.teardown(&owned)
            let text = messages.lines.map { $0.replacing(JQRuntime.sandboxPrefix, with: "") }.joined(separator: "\n")
            throw ScriptError(.failed, text.isEmpty ? "jq could not compile the query" : text)
        }
        messages.lines.removeAll()
        self.query = query
        self.state = state
        self.api = api
        self.messages = messages
    }

    deinit {
        var owned: OpaquePointer? = state
        api.teardown(&owned)
    }

    /// Collects the messages jq reports through its error callback (compile errors).
    private final class Messages {
        let api: JQ
        var lines: [String] = []

        init(api: JQ) {
            self.api = api
        }

        /// Takes ownership of `message`, as jq's error callback must.
        func append(_ message: JQ.Value) {
            if lines.count < 100 {
                lines.append(api.consumeAsMessage(message))
            } else {
                api.free(message)
            }
        }
    }
}

/// Idle compiled states by query text, at most a limit in all.
private struct IdleStates: ~Copyable {
    var byQuery: [String: [CompiledQuery]] = [:]
    var count = 0

    /// An idle state for `query`, if one is waiting.
    mutating func take(_ query: String) -> CompiledQuery? {
        guard let state = byQuery[query]?.popLast() else { return nil }
        count -= 1
        if byQuery[query]?.isEmpty == true { byQuery[query] = nil }
        return state
    }

    /// Keeps `state` for reuse, making room by evicting another query's states; returns what was evicted.
    mutating func put(_ state: CompiledQuery, limit: Int) -> [CompiledQuery] {
        guard limit > 0 else { return [state] }
        var evicted: [CompiledQuery] = []
        while count >= limit, let victim = byQuery.keys.first(where: { $0 != state.query }) ?? byQuery.keys.first {
            let states = byQuery.removeValue(forKey: victim) ?? []
            count -= states.count
            evicted += states
        }
        byQuery[state.query, default: []].append(state)
        count += 1
        return evicted
    }
}
