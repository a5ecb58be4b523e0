import BatonDecider
import BatonModel

/// Evaluates JavaScript on JavaScriptCore and jq queries on libjq, both loaded when first needed.
///
/// Neither library is linked: Baton builds and runs without them, and a script evaluated on a machine
/// that lacks one throws `ScriptError(.unavailable, …)` naming the Debian package to install
/// (`libjavascriptcoregtk-4.1-0` for JavaScript, `libjq1` for jq). Safe to call from any number of
/// threads at once; each JavaScript evaluation gets a fresh global object, so scripts cannot see
/// each other, and sees nothing but `$`.
public struct NativeScriptEvaluator: ScriptEvaluator {
    private let javaScript: @Sendable () -> Result<JavaScriptRuntime, ScriptError>
    private let jq: @Sendable () -> Result<JQRuntime, ScriptError>

    /// An evaluator sharing the process-wide JavaScriptCore and libjq, loaded on first use.
    public init() {
        javaScript = { Self.sharedJavaScript }
        jq = { Self.sharedJQ }
    }

    /// An evaluator that loads its own libraries from the given file names (for tests).
    init(javaScriptLibraries: [String], jqLibraries: [String]) {
        var javaScriptRequirement = JavaScriptCore.requirement
        javaScriptRequirement.fileNames = javaScriptLibraries
        var jqRequirement = JQ.requirement
        jqRequirement.fileNames = jqLibraries
        let javaScript = Result { () throws(ScriptError) in try JavaScriptRuntime(javaScriptRequirement) }
        let jq = Result { () throws(ScriptError) in try JQRuntime(jqRequirement) }
        self.javaScript = { javaScript }
        self.jq = { jq }
    }

    /// Evaluates a JavaScript expression or script with `$` bound to `input`, stopping it after `timeLimit`.
    public func evaluateJavaScript(_ script: String, input: JSONValue, timeLimit: Duration) throws(ScriptError) -> JSONValue {
        try javaScript().get().evaluate(script, input: input, timeLimit: timeLimit)
    }

    /// Runs a jq query on `input` and returns every value it produces.
    public func evaluateJQ(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue] {
        try jq().get().evaluate(query, input: input)
    }

    private static let sharedJavaScript = Result { () throws(ScriptError) in try JavaScriptRuntime() }
    private static let sharedJQ = Result { () throws(ScriptError) in try JQRuntime() }
}
