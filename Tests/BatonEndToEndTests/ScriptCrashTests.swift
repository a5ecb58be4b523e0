import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// A script waiting for the script runner is a queue row in the database: a crash loses nothing.
@Suite("Scripts across a crash")
struct ScriptCrashTests {
    @Test("an INLINE queued behind a running script when the server is killed is evaluated by the next server")
    func queuedScriptSurvivesACrash() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-scripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("baton.sqlite").path
        let first = try await ServerProcess.start(database: database,
                                                  extraArguments: ["--script-concurrency", "1", "--script-time-limit", "60"])
        for (name, expression) in [("blocker", "while (true) {}"), ("calc", "$.a * 2")] {
            let definition = """
                {"name":"\(name)","tasks":[{"name":"s","taskReferenceName":"s","type":"INLINE",
                  "inputParameters":{"evaluatorType":"javascript","a":"${workflow.input.a}","expression":"\(expression)"}}]}
                """
            #expect(try await first.client.send(.POST, "/api/metadata/workflow", body: definition).status == 200)
        }
        let blocker = try await first.client.send(.POST, "/api/workflow/blocker", body: "{}").text
        #expect(try await Self.waitForTask(of: blocker, on: first.client) { $0 == .inProgress }, "the only runner thread spins")
        let calc = try await first.client.send(.POST, "/api/workflow/calc", body: #"{"a":21}"#).text
        let queued = try await first.client.get("/api/workflow/\(calc)").decode(Workflow.self)
        #expect(queued.tasks.map(\.status) == [.scheduled], "queued behind the blocker")
        first.kill9()

        let second = try await ServerProcess.start(database: database)
        defer { second.terminate() }
        #expect(try await Self.waitForTask(of: calc, on: second.client) { $0 == .completed })
        let done = try await second.client.get("/api/workflow/\(calc)").decode(Workflow.self)
        #expect(done.status == .completed)
        #expect(done.tasks.first?.outputData["result"] == 42)
    }

    /// Waits up to ten seconds for the workflow's first task to reach a status `wanted` accepts.
    static func waitForTask(of id: String, on client: TestHTTPClient, _ wanted: (TaskStatus) -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if let status = try await client.get("/api/workflow/\(id)").decode(Workflow.self).tasks.first?.status, wanted(status) {
                return true
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
