#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BatonDecider
import BatonModel

/// Runs JavaScript on JavaScriptCore, one virtual machine per thread that evaluates scripts.
///
/// JavaScriptCore's virtual machines (context groups) are costly to create and must not be used by two
/// threads at once, and a VM's garbage collector suspends and scans every thread that ever used it. So
/// each thread gets its own VM, kept in thread-local storage and released when the thread exits. Each
/// evaluation creates a fresh global context in that VM (about 0.1–0.2 ms, most of an evaluation's cost),
/// so a script never sees globals or modified built-ins left by another, as with Conductor's default of
/// one context per evaluation. The time limit is JavaScriptCore's watchdog
/// (`JSContextGroupSetExecutionTimeLimit`), whose callback records that it fired.
final class JavaScriptRuntime: Sendable {
    let api: JavaScriptCore
    private let threadKey: pthread_key_t

    /// Loads JavaScriptCore from `requirement`'s file names; throws `.unavailable` if it is missing.
    init(_ requirement: DynamicLibrary.Requirement = JavaScriptCore.requirement) throws(ScriptError) {
        api = try JavaScriptCore(library: DynamicLibrary(requirement))
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { engine in ThreadEngine.releaseStored(engine) }
        guard status == 0 else {
            throw ScriptError(.unavailable, "JavaScript needs a thread-local storage key, and none is left (error \(status))")
        }
        threadKey = key
    }

    /// Evaluates `script` with `$` bound to `input`, terminating it after `timeLimit`.
    func evaluate(_ script: String, input: JSONValue, timeLimit: Duration) throws(ScriptError) -> JSONValue {
        let engine = try threadEngine()
        do {
            return try engine.evaluate(script, input: input, timeLimit: timeLimit)
        } catch where error.code == .timedOut {
            // A terminated VM is usable again, but a fresh one is cheap insurance against lingering state.
            pthread_setspecific(threadKey, nil)
            Unmanaged.passUnretained(engine).release()
            throw error
        }
    }

    /// The calling thread's engine, created on first use.
    private func threadEngine() throws(ScriptError) -> ThreadEngine {
        if let stored = pthread_getspecific(threadKey) {
            return Unmanaged<ThreadEngine>.fromOpaque(stored).takeUnretainedValue()
        }
        let engine = try ThreadEngine(api: api)
        pthread_setspecific(threadKey, Unmanaged.passRetained(engine).toOpaque())
        return engine
    }
}

/// One JavaScriptCore VM (context group), used only by the thread that created it.
private final class ThreadEngine {
    private let api: JavaScriptCore
    private let group: OpaquePointer
    /// Set by JavaScriptCore's watchdog callback when a script exceeds the time limit.
    private let timedOut: UnsafeMutablePointer<Bool>
    private var timeLimitSeconds: Double = -1
    private let dollarName: OpaquePointer

    init(api: JavaScriptCore) throws(ScriptError) {
        guard let group = api.contextGroupCreate(), let dollarName = api.makeString("$") else {
            throw ScriptError(.unavailable, "JavaScript could not create a JavaScriptCore virtual machine")
        }
        self.api = api
        self.group = group
        self.dollarName = dollarName
        timedOut = .allocate(capacity: 1)
        timedOut.initialize(to: false)
    }

    /// Releases an engine stored in thread-local storage (the key's destructor, run when its thread exits).
    static func releaseStored(_ engine: UnsafeMutableRawPointer?) {
        guard let engine else { return }
        Unmanaged<ThreadEngine>.fromOpaque(engine).release()
    }

    deinit {
        api.stringRelease(dollarName)
        api.contextGroupRelease(group)
        timedOut.deallocate()
    }

    func evaluate(_ script: String, input: JSONValue, timeLimit: Duration) throws(ScriptError) -> JSONValue {
        setTimeLimit(timeLimit)
        guard let context = api.globalContextCreateInGroup(group, nil) else {
            throw ScriptError(.unavailable, "JavaScript could not create a JavaScriptCore context")
        }
        defer { api.globalContextRelease(context) }
        try bindInput(input, in: context)

        let source = api.makeString(script)
        defer { api.stringRelease(source) }
        var exception: OpaquePointer?
        timedOut.pointee = false
        let result = api.evaluateScript(context, source, nil, nil, 1, &exception)
        if timedOut.pointee {
            throw ScriptError(.timedOut, "The script ran longer than its time limit of \(timeLimit)")
        }
        if let exception { throw ScriptError(.failed, message(of: exception, in: context)) }
        return try jsonValue(of: result, in: context)
    }

    private func setTimeLimit(_ timeLimit: Duration) {
        let (seconds, attoseconds) = timeLimit.components
        let limit = max(0.001, Double(seconds) + Double(attoseconds) / 1e18)
        guard limit != timeLimitSeconds else { return }
        timeLimitSeconds = limit
        api.contextGroupSetExecutionTimeLimit(group, limit, { _, flag in
            flag?.assumingMemoryBound(to: Bool.self).pointee = true
            return true
        }, timedOut)
    }

    private func bindInput(_ input: JSONValue, in context: OpaquePointer) throws(ScriptError) {
        let json = api.makeString(input.jsonText)
        defer { api.stringRelease(json) }
        guard let value = api.valueMakeFromJSONString(context, json) else {
            throw ScriptError(.failed, "The script's input is not valid JSON")
        }
        var exception: OpaquePointer?
        api.objectSetProperty(context, api.contextGetGlobalObject(context), dollarName, value, 0, &exception)
        if let exception { throw ScriptError(.failed, message(of: exception, in: context)) }
    }

    /// Converts a script's result: undefined → null, integral numbers → int, objects and arrays via JSON.
    private func jsonValue(of value: OpaquePointer?, in context: OpaquePointer) throws(ScriptError) -> JSONValue {
        guard let value else { return .null }
        switch JavaScriptCore.ValueType(rawValue: api.valueGetType(context, value)) {
        case .undefined, .null, .symbol, nil:
            return .null
        case .boolean:
            return .bool(api.valueToBoolean(context, value))
        case .number:
            let number = api.valueToNumber(context, value, nil)
            if let integer = Int64(exactly: number) { return .int(integer) }
            return number.isFinite ? .double(number) : .null
        case .string:
            return .string(api.consumeString(api.valueToStringCopy(context, value, nil)) ?? "")
        case .bigInt:
            let text = api.consumeString(api.valueToStringCopy(context, value, nil)) ?? ""
            return Int64(text).map(JSONValue.int) ?? .string(text)
        case .object:
            var exception: OpaquePointer?
            let json = api.consumeString(api.valueCreateJSONString(context, value, 0, &exception))
            if let exception { throw ScriptError(.failed, message(of: exception, in: context)) }
            // Functions and other values JSON cannot represent serialize to nothing, like JSON.stringify.
            guard let json else { return .null }
            do {
                return try JSONValue(parsing: json)
            } catch {
                throw ScriptError(.failed, "The script's result could not be read back as JSON: \(error)")
            }
        }
    }

    /// The text of a thrown value: `String(error)`, e.g. "TypeError: undefined is not an object".
    private func message(of exception: OpaquePointer, in context: OpaquePointer) -> String {
        api.consumeString(api.valueToStringCopy(context, exception, nil)) ?? "The script threw an exception"
    }
}
