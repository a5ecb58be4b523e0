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
/// (`JSContextGroupSetExecutionTimeLimit`), whose callback records that it fired. A result's size is
/// measured before it is copied out of the VM (strings by their length, objects by a walk that stops
/// past the output limit, then the JSON text by its length), so an enormous result fails its task
/// without being copied again, and its VM is dropped, which gives the memory back (a live VM keeps it
/// until its collector runs). JavaScriptCore's C API offers no heap limit: what a script allocates is
/// bounded by what it can allocate within its time limit.
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

    /// Evaluates `script` with `$` bound to `input` within `limits` (time and output size).
    func evaluate(_ script: String, input: JSONValue, limits: ScriptLimits) throws(ScriptError) -> JSONValue {
        let engine = try threadEngine()
        do {
            return try engine.evaluate(script, input: input, limits: limits)
        } catch where error.code == .timedOut || error.code == .outputTooLarge {
            // A terminated VM is usable again, but a fresh one is cheap insurance against lingering state, and
            // releasing this one gives back at once what a runaway script allocated (its garbage collector
            // would keep it until its heap grew again).
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
    private var timeLimit: Duration = .zero
    private let dollarName: OpaquePointer
    private let resultName: OpaquePointer

    init(api: JavaScriptCore) throws(ScriptError) {
        guard let group = api.contextGroupCreate(), let dollarName = api.makeString("$"),
              let resultName = api.makeString(Self.resultName) else {
            throw ScriptError(.unavailable, "JavaScript could not create a JavaScriptCore virtual machine")
        }
        self.api = api
        self.group = group
        self.dollarName = dollarName
        self.resultName = resultName
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
        api.stringRelease(resultName)
        api.contextGroupRelease(group)
        timedOut.deallocate()
    }

    func evaluate(_ script: String, input: JSONValue, limits: ScriptLimits) throws(ScriptError) -> JSONValue {
        setTimeLimit(limits.timeLimit)
        guard let context = api.globalContextCreateInGroup(group, nil) else {
            throw ScriptError(.unavailable, "JavaScript could not create a JavaScriptCore context")
        }
        defer { api.globalContextRelease(context) }
        try bindInput(input, in: context)

        let source = api.makeString(script)
        defer { api.stringRelease(source) }
        let result = try run(source, in: context)
        return try jsonValue(of: result, in: context, outputLimit: limits.outputLimit)
    }

    /// Runs `source` in `context` under the time limit and returns its value.
    private func run(_ source: OpaquePointer?, in context: OpaquePointer) throws(ScriptError) -> OpaquePointer? {
        var exception: OpaquePointer?
        timedOut.pointee = false
        let result = api.evaluateScript(context, source, nil, nil, 1, &exception)
        if timedOut.pointee {
            throw ScriptError(.timedOut, "The script ran longer than its time limit of \(timeLimit)")
        }
        if let exception { throw ScriptError(.failed, message(of: exception, in: context)) }
        return result
    }

    /// The global that holds an object result while `sizeWalk` measures it.
    private static let resultName = "__batonResult"

    /// A script that estimates the JSON size of the result object from below, stopping once past the limit
    /// (`%LIMIT%`); -1 when the object refers to itself or repeats (JSON's own serialization then decides).
    private static let sizeWalk = """
        (function (value, limit) {
          var size = 0, pending = [value], seen = new Set();
          while (pending.length > 0 && size <= limit) {
            var item = pending.pop();
            if (typeof item === 'string') { size += item.length + 2; continue; }
            if (item === null || typeof item !== 'object') { size += 4; continue; }
            if (seen.has(item)) { return -1; }
            seen.add(item);
            var keys = Object.keys(item), array = Array.isArray(item);
            size += 2 + keys.length;
            for (var i = 0; i < keys.length && size <= limit; i++) {
              if (!array) { size += keys[i].length + 3; }
              pending.push(item[keys[i]]);
            }
          }
          return size;
        })(globalThis.\(resultName), %LIMIT%)
        """

    /// The error for a result larger than `outputLimit` bytes.
    private func outputTooLarge(_ outputLimit: Int) -> ScriptError {
        ScriptError(.outputTooLarge, "The script's result is larger than the output limit of \(outputLimit) bytes")
    }

    /// Throws when the object `value` is clearly larger than `outputLimit` once serialized, before it is.
    private func measure(_ value: OpaquePointer, in context: OpaquePointer, outputLimit: Int) throws(ScriptError) {
        var exception: OpaquePointer?
        api.objectSetProperty(context, api.contextGetGlobalObject(context), resultName, value, 0, &exception)
        let walk = api.makeString(Self.sizeWalk.replacing("%LIMIT%", with: String(outputLimit)))
        defer { api.stringRelease(walk) }
        let size = api.valueToNumber(context, try run(walk, in: context), nil)
        if size > Double(outputLimit) { throw outputTooLarge(outputLimit) }
    }

    private func setTimeLimit(_ timeLimit: Duration) {
        self.timeLimit = timeLimit
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

    /// Converts a script's result: undefined → null, integral numbers → int, objects and arrays via JSON;
    /// a result larger than `outputLimit` bytes throws `.outputTooLarge` before it is copied.
    private func jsonValue(of value: OpaquePointer?, in context: OpaquePointer, outputLimit: Int) throws(ScriptError) -> JSONValue {
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
            return .string(try limited(api.valueToStringCopy(context, value, nil), to: outputLimit) ?? "")
        case .bigInt:
            let text = api.consumeString(api.valueToStringCopy(context, value, nil)) ?? ""
            return Int64(text).map(JSONValue.int) ?? .string(text)
        case .object:
            try measure(value, in: context, outputLimit: outputLimit)
            var exception: OpaquePointer?
            let json = try limited(api.valueCreateJSONString(context, value, 0, &exception), to: outputLimit)
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

    /// The text of `string` (released), or `.outputTooLarge` when it is longer than `outputLimit` bytes,
    /// found before its characters are copied.
    private func limited(_ string: OpaquePointer?, to outputLimit: Int) throws(ScriptError) -> String? {
        if let string, api.stringGetLength(string) > outputLimit {
            api.stringRelease(string)
            throw outputTooLarge(outputLimit)
        }
        let text = api.consumeString(string)
        if let text, text.utf8.count > outputLimit { throw outputTooLarge(outputLimit) }
        return text
    }

    /// The text of a thrown value: `String(error)`, e.g. "TypeError: undefined is not an object".
    private func message(of exception: OpaquePointer, in context: OpaquePointer) -> String {
        api.consumeString(api.valueToStringCopy(context, exception, nil)) ?? "The script threw an exception"
    }
}
