import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Every log line written while a request is handled carries that request's id, and the client is told it.
@Suite("Request logging")
struct RequestLoggingTests {
    @Test("a log line the engine writes for a request carries the id the response names, in both log formats",
          arguments: ["json", "text"])
    func engineLogLinesCarryTheRequestID(format: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServerProcess.start(database: directory.appendingPathComponent("baton.sqlite").path,
                                                   extraArguments: ["--log-format", format])
        defer { server.terminate() }
        let client = server.client
        var reply = try await client.send(.POST, "/api/metadata/workflow", body: """
            {"name":"logged","version":1,"tasks":[{"name":"work","taskReferenceName":"only"}]}
            """)
        try #require(reply.status == 200, "\(reply.text)")
        reply = try await client.send(.POST, "/api/workflow/logged", body: "{}")
        try #require(reply.status == 200, "\(reply.text)")
        let workflowId = reply.text
        reply = try await client.get("/api/tasks/poll/work?workerid=w")
        let task = try reply.decode(BatonModel.TaskExecution.self)
        let result = #"{"workflowInstanceId":"\#(workflowId)","taskId":"\#(task.taskId)","status":"COMPLETED"}"#
        #expect(try await client.send(.POST, "/api/tasks", body: result).status == 200)
        // A second result for the finished task is acknowledged, ignored, and logged by the engine.
        let late = try await client.send(.POST, "/api/tasks", body: result)
        #expect(late.status == 200, "\(late.text)")
        let requestID = try #require(late.headers.first(name: "X-Request-Id"))
        #expect(!requestID.isEmpty)

        let line = try await Self.line(containing: "Late task result ignored", in: server)
        switch format {
        case "json":
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["hb.request.id"] as? String == requestID, "\(line)")
            #expect(object["baton.task.id"] as? String == task.taskId)
        default:
            #expect(line.contains("hb.request.id=\(requestID)"), "\(line)")
        }
        // Each request has its own id.
        let other = try await client.get("/api/workflow/\(workflowId)")
        #expect(other.headers.first(name: "X-Request-Id").map { $0 != requestID } == true)
    }

    @Test("a server whose log reader has gone (its pipe closed) keeps serving, in both log formats",
          arguments: ["json", "text"])
    func logReaderGone(format: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try freePort()
        let pipe = Pipe()
        let written = pipe.fileHandleForWriting.fileDescriptor
        let process = try ChildProcess(
            executable: ServerProcess.binary.path,
            arguments: ["server", "--port", String(port), "--database", directory.appendingPathComponent("b.sqlite").path,
                        "--log-level", "info", "--log-format", format],
            output: written, error: written)
        // Nobody reads the server's output: every line it writes meets a closed pipe.
        try pipe.fileHandleForWriting.close()
        try pipe.fileHandleForReading.close()
        defer { process.kill() }

        let client = TestHTTPClient(baseURL: "http://127.0.0.1:\(port)")
        var healthy = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !healthy, process.isRunning, ContinuousClock.now < deadline {
            healthy = (try? await client.get("/health").status) == 200
            if !healthy { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(healthy, "the server exited (status \(process.terminationStatus.map(String.init) ?? "none")) or never answered")
        // Requests that log (a definition saved, a workflow started) go on being served.
        let saved = try await client.send(.POST, "/api/metadata/workflow", body: """
            {"name":"unlogged","version":1,"tasks":[{"name":"work","taskReferenceName":"only"}]}
            """)
        #expect(saved.status == 200)
        for _ in 0..<20 { #expect(try await client.send(.POST, "/api/workflow/unlogged", body: "{}").status == 200) }
        #expect(process.isRunning)
    }

    @Test("an unknown log format is refused before the server starts: a usage error naming the formats")
    func unknownLogFormat() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await CommandLineRun.run(["server", "--port", "0", "--log-format", "xml", "--database",
                                                directory.appendingPathComponent("b.sqlite").path])
        #expect(run.status == 2, "\(run.standardError)")
        #expect(run.standardError.contains("Unknown log format 'xml'; use text or json"), "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.path), "the server opened its database")
    }

    /// The first line of the server's output containing `text`, waiting a little for it to be written.
    private static func line(containing text: String, in server: ServerProcess) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(5)
        repeat {
            if let line = server.log.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            try await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        throw TestHarnessError("no log line contains '\(text)':\n\(server.log)")
    }
}
