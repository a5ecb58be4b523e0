import BatonModel

/// Evaluates the scripts definitions carry — JavaScript expressions (SWITCH, DO_WHILE, INLINE) and
/// jq queries (JSON_JQ_TRANSFORM) — deterministically, with no access to anything but their input.
public protocol ScriptEvaluator: Sendable {
    /// Evaluates a JavaScript expression or script with `$` bound to `input`, stopping it after `timeLimit`.
    func evaluateJavaScript(_ script: String, input: JSONValue, timeLimit: Duration) throws(ScriptError) -> JSONValue
    /// Runs a jq query on `input` and returns every value it produces.
    func evaluateJQ(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue]
}

/// Why a script could not produce a value.
public struct ScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Hashable {
        /// The engine for this language is not installed on this machine; the message names the library.
        case unavailable
        /// The script is invalid or threw; the message is the engine's.
        case failed
        /// The script ran longer than its time limit.
        case timedOut
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
