import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// `baton server --payload-limits` / `BATON_PAYLOAD_LIMITS`: Conductor's names and size notation reach the server,
/// and a wrong setting is a usage error before anything opens.
@Suite("Payload settings")
struct PayloadSettingsTests {
    @Test("Conductor's names, with or without its conductor.app. prefix and in its size notation, set the limits")
    func settingsReachTheServer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-payloads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServerProcess.start(
            database: directory.appendingPathComponent("baton.sqlite").path,
            extraArguments: ["--payload-limits",
                             "conductor.app.taskOutputPayloadSizeThreshold=1KB,maxTaskOutputPayloadSizeThreshold=2KB"])
        defer { server.terminate() }
        let settings = try await server.client.get("/api/admin/config").object()
        #expect(settings["taskOutputPayloadSizeThreshold"] as? Int == 1024)
        #expect(settings["maxTaskOutputPayloadSizeThreshold"] as? Int == 2048)
        #expect(settings["maxWorkflowInputPayloadSizeThreshold"] as? Int == 10_240 * 1024, "the others keep Conductor's")

        let definition = #"{"name":"echo","tasks":[{"name":"echo_work","taskReferenceName":"e"}]}"#
        #expect(try await server.client.send(.POST, "/api/metadata/workflow", body: definition).status == 200)
        let id = try await server.client.send(.POST, "/api/workflow/echo", body: "{}").text
        let task = try await server.client.get("/api/tasks/poll/echo_work?workerid=w").decode(BatonModel.TaskExecution.self)
        let result = #"{"workflowInstanceId":"\#(id)","taskId":"\#(task.taskId)","status":"COMPLETED","#
            + #""outputData":{"blob":"\#(String(repeating: "x", count: 3000))"}}"#
        #expect(try await server.client.send(.POST, "/api/tasks", body: result).status == 200)
        let ended = try await server.client.get("/api/workflow/\(id)").decode(Workflow.self)
        #expect(ended.tasks.first?.status == .failedWithTerminalError)
        #expect(ended.tasks.first?.reasonForIncompletion?.hasSuffix("permissible limit: 2048 bytes") == true)
    }

    @Test("a payload setting that is unknown, malformed or contradictory is a usage error naming it", arguments: [
        (["--payload-limits", "taskOutputThreshold=1KB"], [:], "Unknown payload limit 'taskOutputThreshold'"),
        ([], ["BATON_PAYLOAD_LIMITS": "maxTaskInputPayloadSizeThreshold=lots"], "is not NAME=SIZE with a positive size"),
        (["--payload-limits", "taskInputPayloadSizeThreshold=20MB"], [:],
         "taskInputPayloadSizeThreshold (20971520) is larger than maxTaskInputPayloadSizeThreshold (10485760)"),
    ])
    func refused(arguments: [String], environment: [String: String], message: String) async throws {
        try await expectServerRefuses(arguments, environment: environment, message: message)
    }
}
