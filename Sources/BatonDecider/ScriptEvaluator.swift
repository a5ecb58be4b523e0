import BatonModel

/// Evaluates the scripts definitions carry — JavaScript expressions (SWITCH, DO_WHILE, INLINE) and
/// jq queries (JSON_JQ_TRANSFORM) — deterministically, with no access to anything but their input, within
/// its `ScriptLimits`. Evaluations block their thread (up to the time limit): Baton's script runner calls
/// them on threads of its own, never inside a write transaction.
public protocol ScriptEvaluator: Sendable {
    /// Evaluates a JavaScript expression or script with `$` bound to `input`.
    func evaluateJavaScript(_ script: String, input: JSONValue) throws(ScriptError) -> JSONValue
    /// Runs a jq query on `input` and returns every value it produces.
    func evaluateJQ(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue]
}

/// How far one script evaluation may go before it is stopped and its task fails.
public struct ScriptLimits: Sendable, Hashable {
    /// The longest a script may run.
    public var timeLimit: Duration
    /// The most memory (address space) a jq query's helper process may take, in bytes.
    public var memoryLimit: Int
    /// The largest result a script may return, serialized, in bytes (default 10 MiB, as Conductor's
    /// `maxTaskOutputPayloadSizeThreshold`, past which it fails a task).
    public var outputLimit: Int

    /// The longest time limit a server accepts: a script task's lease (`Decider.scriptLeaseSeconds`) must
    /// outlast its evaluation.
    public static let maximumTimeLimit: Duration = .seconds(300)
    /// The scheduling niceness scripts run at — the script runner's threads and jq's helper processes — so
    /// that scripts which spin leave the processors to requests and the writer (0 is normal, 19 the lowest).
    public static let niceness: Int32 = 10
    /// The processor time a jq helper runs for in the normal scheduling class; past it, it runs only on
    /// processor time nothing else wants (Linux's idle class) until it ends or reaches its time limit.
    public static let fullSpeedTime: Duration = .milliseconds(100)

    public init(timeLimit: Duration = .seconds(4), memoryLimit: Int = 256 * 1024 * 1024,
                outputLimit: Int = 10 * 1024 * 1024) {
        self.timeLimit = timeLimit
        self.memoryLimit = memoryLimit
        self.outputLimit = outputLimit
    }
}

/// Why a script could not produce a value.
public struct ScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Hashable {
        /// The engine for this language is not installed on this machine; the message names the package.
        case unavailable
        /// The script is invalid or threw; the message is the engine's.
        case failed
        /// The script ran longer than its time limit.
        case timedOut
        /// The script needed more memory than its limit.
        case memoryExceeded
        /// The script's result is larger than the output limit.
        case outputTooLarge
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
