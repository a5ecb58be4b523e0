import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// `baton server`'s script limits: flags and environment variables reach the script runner, and
/// settings out of range are usage errors before anything opens.
@Suite("Script settings")
struct ScriptSettingsTests {
    @Test("--script-time-limit stops an endless INLINE at that limit; BATON_SCRIPT_OUTPUT_LIMIT refuses a larger result")
    func limitsReachTheRunner() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-scripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServerProcess.start(database: directory.appendingPathComponent("baton.sqlite").path,
                                                   extraArguments: ["--script-time-limit", "1", "--script-output-limit", "100"])
        defer { server.terminate() }
        let expressions = ["while (true) {}", "'x'.repeat(101)"]
        var ids: [String] = []
        for (index, expression) in expressions.enumerated() {
            let definition = """
                {"name":"script_\(index)","tasks":[{"name":"s","taskReferenceName":"s","type":"INLINE",
                  "inputParameters":{"evaluatorType":"javascript","expression":"\(expression)"}}]}
                """
            #expect(try await server.client.send(.POST, "/api/metadata/workflow", body: definition).status == 200)
            let reply = try await server.client.send(.POST, "/api/workflow/script_\(index)", body: "{}")
            try #require(reply.status == 200, "\(reply.text)")
            ids.append(reply.text)
        }
        let reasons = ["The script ran longer than its time limit of 1.0 seconds",
                       "The script's result is larger than the output limit of 100 bytes"]
        for (id, reason) in zip(ids, reasons) {
            var task: BatonModel.TaskExecution?
            for _ in 0..<200 {
                task = try await server.client.get("/api/workflow/\(id)").decode(Workflow.self).tasks.first
                if task?.status.isTerminal == true { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(task?.status == .failed)
            #expect(task?.reasonForIncompletion == reason)
        }
    }

    @Test("a script setting out of range is a usage error naming it", arguments: [
        (["--script-time-limit", "301"], [:], "The script time limit can be at most 300.0 seconds, not 301 seconds"),
        ([], ["BATON_SCRIPT_OUTPUT_LIMIT": "0"], "The script output limit must be a positive whole number, not '0'"),
        (["--script-concurrency=-2"], [:], "The script concurrency must be a positive whole number, not '-2'"),
    ])
    func outOfRange(arguments: [String], environment: [String: String], message: String) async throws {
        try await expectServerRefuses(arguments, environment: environment, message: message)
    }
}
