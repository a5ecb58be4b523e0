import BatonClient
import BatonModel
import BatonTesting
import BatonWorker
import Foundation
import Synchronization
import MetricsTestKit
import Testing

@Suite("Worker host against a server process")
struct WorkerBackoffTests {
    @Test("backs off while the server is down and resumes when it is back on the same port")
    func serverDownAndBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-sdk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("baton.sqlite").path
        let port = try freePort()
        let server = ServerSlot(try await ServerProcess.start(database: database, extraArguments: ["--port", "\(port)"]))
        defer { _ = server.process.withLock { $0?.terminate() } }
        let baseURL = "http://127.0.0.1:\(port)"
        #expect(server.process.withLock { $0?.baseURL } == baseURL)

        try await withBatonClient(baseURL: baseURL) { client in
            try await client.registerChain("chain", refs: ["one"])
            let before = try await client.workflows.start(name: "chain")
            let metrics = TestMetrics()
            let worker = ClosureWorker("work", concurrency: 2) { _ in .completed(["ok": true]) }
            let host = WorkerHost(client: client, workers: [worker], configuration: testConfiguration(metrics: metrics))
            try await withHost(host) { _ in
                #expect(try await eventually { try await client.workflows.get(before).status == .completed })

                let stopped = server.process.withLock { process in
                    defer { process = nil }
                    return process
                }
                #expect(stopped?.terminate() == 0)
                #expect(await eventually {
                    let errors = try? metrics.expectCounter("baton_worker_poll_errors", [("taskType", "work")])
                    return (errors?.totalValue ?? 0) >= 3
                })
                let down = await #expect(throws: ClientError.self) { try await client.workflows.get(before) }
                #expect(down?.isUnreachable == true)

                let restarted = try await ServerProcess.start(database: database, extraArguments: ["--port", "\(port)"])
                server.process.withLock { $0 = restarted }
                let after = try await client.workflows.start(name: "chain")
                #expect(try await eventually { try await client.workflows.get(after).status == .completed })
            }
            #expect(try metrics.expectCounter("baton_worker_tasks", [("taskType", "work"), ("outcome", "completed")])
                .totalValue == 2)
        }
    }
}

/// The server process of the moment, replaced when the test restarts it.
final class ServerSlot: Sendable {
    let process: Mutex<ServerProcess?>

    init(_ process: ServerProcess) {
        self.process = Mutex(process)
    }
}
