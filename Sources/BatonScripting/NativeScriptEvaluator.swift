import BatonDecider
import BatonModel

/// Evaluates JavaScript on JavaScriptCore (loaded when first needed) and jq queries in a helper process
/// (Debian's `jq` command), within `ScriptLimits`.
///
/// Neither engine is linked: Baton builds and runs without them, and a script evaluated on a machine
/// that lacks one throws `ScriptError(.unavailable, …)` naming the Debian package to install
/// (`libjavascriptcoregtk-4.1-0` for JavaScript, `jq` for jq). Safe to call from any number of
/// threads at once; each JavaScript evaluation gets a fresh global object, so scripts cannot see
/// each other, and sees nothing but `$`.
public struct NativeScriptEvaluator: ScriptEvaluator {
    /// The limits every evaluation runs within.
    public let limits: ScriptLimits
    private let javaScript: @Sendable () -> Result<JavaScriptRuntime, ScriptError>
    private let jq: Result<JQProcess, ScriptError>

    /// An evaluator sharing the process-wide JavaScriptCore, loaded on first use.
    public init(limits: ScriptLimits = ScriptLimits()) {
        self.limits = limits
        javaScript = { Self.sharedJavaScript }
        jq = Result { () throws(ScriptError) in try JQProcess(limits: limits) }
    }

    /// An evaluator that loads JavaScriptCore from the given file names and runs the given jq command (for tests).
    init(limits: ScriptLimits = ScriptLimits(), javaScriptLibraries: [String], jqCommand: String) {
        var javaScriptRequirement = JavaScriptCore.requirement
        javaScriptRequirement.fileNames = javaScriptLibraries
        let javaScript = Result { () throws(ScriptError) in try JavaScriptRuntime(javaScriptRequirement) }
        self.limits = limits
        self.javaScript = { javaScript }
        jq = Result { () throws(ScriptError) in try JQProcess(limits: limits, jqCommand: jqCommand) }
    }

    /// Evaluates a JavaScript expression or script with `$` bound to `input`, stopping it after the time
    /// limit and refusing a result larger than the output limit.
    public func evaluateJavaScript(_ script: String, input: JSONValue) throws(ScriptError) -> JSONValue {
        try javaScript().get().evaluate(script, input: input, limits: limits)
    }

    /// Runs a jq query on `input` in a helper process and returns every value it produces.
    public func evaluateJQ(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue] {
        try jq.get().evaluate(query, input: input)
    }

    private static let sharedJavaScript = Result { () throws(ScriptError) in try JavaScriptRuntime() }
}
