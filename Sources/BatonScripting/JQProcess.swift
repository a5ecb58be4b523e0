#if canImport(Glibc)
import Glibc
#endif
import BatonDecider
import BatonModel

/// Runs jq queries in a helper process — Debian's `jq` command under util-linux's `prlimit` — that can be
/// stopped: it is killed when it runs past the time limit or writes more than the output limit, its
/// address space is bounded by the memory limit (jq aborts when an allocation fails) and its CPU time by
/// the time limit. libjq cannot be interrupted, so a query run inside the server could only be abandoned,
/// spinning and growing for good; a process is gone once it is killed.
///
/// The query runs in a thin sandbox: the helper gets an empty environment, `env`, `$ENV` and `stderr` are
/// shadowed, and modules are refused, since `import` and `include` read files. Nothing else in jq reaches
/// outside its input.
struct JQProcess: Sendable {
    /// The `jq` and `prlimit` executables.
    let jq: String
    let prlimit: String
    let limits: ScriptLimits
    /// The most outputs one query may produce, so `repeat(.)` fails early.
    let outputCountLimit = 100_000

    /// Prepended to every query on the same line, so jq's line numbers still match the user's query.
    static let sandboxPrefix = "def env: {}; def stderr: .; {} as $ENV | "

    /// Finds `jq` and `prlimit` on the `PATH`; throws `.unavailable` naming the missing Debian package.
    init(limits: ScriptLimits, jqCommand: String = "jq") throws(ScriptError) {
        guard let jq = HelperProcess.path(of: jqCommand) else {
            throw ScriptError(.unavailable, "jq needs the \(jqCommand) command (Debian package jq), which is not installed on this machine")
        }
        guard let prlimit = HelperProcess.path(of: "prlimit") else {
            throw ScriptError(.unavailable, "jq needs the prlimit command (Debian package util-linux), which is not installed on this machine")
        }
        self.jq = jq
        self.prlimit = prlimit
        self.limits = limits
    }

    /// Runs `query` on `input` and returns every output.
    func evaluate(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue] {
        let program = try Self.sandboxed(query)
        let cpuSeconds = limits.timeLimit.components.seconds + 1
        let arguments = [prlimit, "--as=\(limits.memoryLimit)", "--cpu=\(cpuSeconds)", "--core=0", "--",
                         jq, "--compact-output", "--monochrome-output", program]
        let run = try HelperProcess.run(arguments, input: Array(input.jsonText.utf8), timeLimit: limits.timeLimit,
                                        outputLimit: limits.outputLimit, lineLimit: outputCountLimit)
        switch run.ending {
        case .exited(0):
            return try outputs(of: run.output)
        case .timedOut, .signaled(SIGXCPU):
            throw ScriptError(.timedOut, "The jq query ran longer than its time limit of \(limits.timeLimit)")
        case .outputTooLarge:
            if run.output.count > limits.outputLimit {
                throw ScriptError(.outputTooLarge, "The jq query's output is larger than the output limit of \(limits.outputLimit) bytes")
            }
            throw ScriptError(.failed, "The jq query produced more than \(outputCountLimit) outputs")
        case .exited, .signaled:
            if run.errorText.contains("cannot allocate memory") || run.ending == .signaled(SIGABRT) {
                throw ScriptError(.memoryExceeded, "The jq query needed more than its memory limit of \(limits.memoryLimit) bytes")
            }
            throw ScriptError(.failed, Self.message(fromErrorText: run.errorText))
        }
    }

    /// Every value in the helper's output, one compact JSON text per line.
    private func outputs(of bytes: [UInt8]) throws(ScriptError) -> [JSONValue] {
        var values: [JSONValue] = []
        for line in bytes.split(separator: 10) {
            let text = String(decoding: line, as: UTF8.self)
            do {
                values.append(try JSONValue(parsing: text))
            } catch {
                throw ScriptError(.failed, "jq produced an output that is not valid JSON: \(text.prefix(200))")
            }
        }
        return values
    }

    /// jq's message without the command's decoration: `jq: error (at <stdin>:0): boom` → `boom`; compile
    /// errors without the sandbox; `halt_error`'s text as it is.
    static func message(fromErrorText text: String) -> String {
        let runtimePrefix = "jq: error (at <stdin>:"
        if text.hasPrefix(runtimePrefix), let end = text.firstRange(of: "): ") {
            var message = text[end.upperBound...]
            if message.hasSuffix("\n") { message = message.dropLast() }
            return String(message)
        }
        if text.hasPrefix("jq: error") {
            return text.replacing(sandboxPrefix, with: "").trimmingSuffix(while: \.isNewline)
        }
        return text.isEmpty ? "jq stopped without a result" : text
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

extension String {
    /// The text without the trailing characters that satisfy `predicate`.
    func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = Substring(self)
        while let last = text.last, predicate(last) { text = text.dropLast() }
        return String(text)
    }
}
