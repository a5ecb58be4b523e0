import BatonTesting
import Foundation
import Testing

/// The README's command line walkthrough works as written: its commands, run in order in one shell with `baton`
/// on the PATH against a real server, each exit 0, print the lines shown (those without an elided `…` or a
/// time), and the exit statuses they echo.
@Suite("README: the command line walkthrough")
struct ReadmeCommandLineTests {
    /// The comment that marks a README block whose commands this test runs.
    static let marker = "<!-- tested: README command line walkthrough -->"

    @Test("every command of the walkthrough runs as written, in order, against a real server")
    func walkthroughRunsAsWritten() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let steps = try ConsoleStep.parse(readme, after: Self.marker)
        try #require(steps.count > 10, "the marked block holds too few commands: \(steps)")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-readme-\(UUID().uuidString)")
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("baton"),
                                                   withDestinationURL: ServerProcess.binary)
        let server = try await ServerProcess.start(database: directory.appendingPathComponent("baton.sqlite").path)
        defer { server.terminate() }

        let script = directory.appendingPathComponent("walkthrough.sh")
        try Data(ConsoleStep.script(steps, in: root.path, outputs: directory.path).utf8).write(to: script)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["BATON_SERVER_URL"] = server.baseURL
        environment.removeValue(forKey: "BATON_API_KEY")
        let run = try await CommandLineRun.run(executable: "/bin/bash", arguments: [script.path], environment: environment,
                                               timeout: .seconds(120))
        #expect(run.status == 0, "the walkthrough's shell failed: \(run.standardError)")

        for (index, step) in steps.enumerated() {
            let output = (try? String(contentsOf: directory.appendingPathComponent("\(index).out"), encoding: .utf8)) ?? ""
            let status = (try? String(contentsOf: directory.appendingPathComponent("\(index).status"), encoding: .utf8))
            #expect(status?.trimmingCharacters(in: .whitespacesAndNewlines) == "0",
                    "`\(step.command)` exited \(status ?? "never"):\n\(output)")
            let printed = Set(output.split(separator: "\n").map { ConsoleStep.normalized($0) })
            for line in step.checkedOutput {
                #expect(printed.contains(ConsoleStep.normalized(line)),
                        "`\(step.command)` should print \"\(line)\"; it printed:\n\(output)")
            }
        }
    }
}

/// One command of a README `console` block (after `$ `, with its continuation lines) and the output shown under it.
struct ConsoleStep: CustomStringConvertible {
    var command: String
    var output: [String] = []

    var description: String { command }

    /// The output lines a run must print: those without an elided `…` or a time, which differ from run to run.
    var checkedOutput: [String] {
        output.filter { line in
            !line.contains("…") && line.range(of: #"\d{4}-\d{2}-\d{2}T"#, options: .regularExpression) == nil
        }
    }

    /// A line with its runs of spaces made one, so that table columns as wide as real ids still match.
    static func normalized(_ line: some StringProtocol) -> String {
        line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// The steps of the first `console` block after `marker` in `markdown`.
    static func parse(_ markdown: String, after marker: String) throws -> [ConsoleStep] {
        guard let range = markdown.range(of: marker) else { throw TestHarnessError("README has no \(marker)") }
        var lines = markdown[range.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let opening = lines.firstIndex(where: { $0.hasPrefix("```") }), lines[opening] == "```console" else {
            throw TestHarnessError("\(marker) is not followed by a console block")
        }
        lines = Array(lines[(opening + 1)...])
        guard let closing = lines.firstIndex(of: "```") else { throw TestHarnessError("the console block never ends") }
        var steps: [ConsoleStep] = []
        var continues = false
        for line in lines[..<closing] {
            if continues, var last = steps.popLast() {
                last.command += "\n" + line
                steps.append(last)
            } else if line.hasPrefix("$ ") {
                steps.append(ConsoleStep(command: String(line.dropFirst(2))))
            } else if var last = steps.popLast() {
                last.output.append(line)
                steps.append(last)
            }
            continues = line.hasSuffix("\\")
        }
        return steps
    }

    /// A bash script that runs `steps` in order in `directory`, one shell for all (so variables carry over),
    /// writing step N's output to `N.out` and its exit status to `N.status` in `outputs`.
    static func script(_ steps: [ConsoleStep], in directory: String, outputs: String) -> String {
        var script = "set -o pipefail\ncd '\(directory)'\n"
        for (index, step) in steps.enumerated() {
            script += "{\n\(step.command)\n} > '\(outputs)/\(index).out' 2>&1\necho $? > '\(outputs)/\(index).status'\n"
        }
        return script
    }
}
