import BatonClient
import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import BatonWorker
import Foundation
import Hummingbird
import Logging
import MetricsTestKit
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// How a worker host sends results: together when they finish together, one by one where the server
/// has no batch endpoint.
@Suite("Worker result reporting")
struct WorkerReportingTests {
    /// Starts `count` workflows `name` (input `n` = 0…count-1), runs a worker host whose tasks all wait at one gate
    /// until every one of them has started and then finish together with `output`, and waits until `completed`
    /// workflows have completed. Returns the workflow ids and the host's metrics.
    private func finishTogether(_ count: Int, of name: String, completed: Int, client: BatonClient,
                                output: @escaping @Sendable (Int64) -> JSONObject) async throws -> ([String], TestMetrics) {
        try await client.registerChain(name, refs: ["one"])
        let gate = Gate()
        let worker = ClosureWorker("work", concurrency: count) { task in
            await gate.wait()
            return .completed(output(task.inputData["n"]?.intValue ?? -1))
        }
        var ids: [String] = []
        for n in 0..<count { ids.append(try await client.workflows.start(name: name, input: ["n": .int(Int64(n))])) }
        let metrics = TestMetrics()
        let host = WorkerHost(client: client, workers: [worker], configuration: testConfiguration(metrics: metrics))
        try await withHost(host) { _ in
            let waiting = await eventually { gate.waiting == count }
            #expect(waiting)
            gate.open()
            let done = try await eventually {
                try await client.workflows.search(WorkflowQuery(names: [name], statuses: [.completed])).totalHits == completed
            }
            #expect(done)
        }
        return (ids, metrics)
    }

    @Test("results that finish together reach the server in fewer requests than tasks, and all are recorded")
    func resultsGoTogether() async throws {
        try await withClient { client, _ in
            let (ids, metrics) = try await finishTogether(8, of: "together", completed: 8, client: client) { ["n": .int($0)] }
            for (n, id) in ids.enumerated() { #expect(try await client.workflows.get(id).output["n"] == .int(Int64(n))) }
            let reports = try metrics.expectCounter("baton_worker_reports", [("taskType", "work")]).totalValue
            #expect(reports >= 1 && reports < 8, "\(reports) requests carried 8 results")
            #expect(try metrics.expectCounter("baton_worker_report_errors", [("taskType", "work")]).totalValue == 0)
        }
    }

    @Test("a batch the server refuses (its body over the size limit) is sent again result by result: only the large one fails")
    func refusedBatch() async throws {
        try await withRunningServer(configure: { $0.requestLimits.maximumBodySize = 4000 }) { server in
            try await withBatonClient(baseURL: server.baseURL) { client in
                let (ids, metrics) = try await finishTogether(6, of: "limited", completed: 5, client: client) { n in
                    ["blob": .string(String(repeating: "x", count: n == 0 ? 5000 : 10))]
                }
                #expect(try await client.workflows.get(ids[0]).tasks.first?.status == .inProgress)
                for id in ids.dropFirst() { #expect(try await client.workflows.get(id).status == .completed) }
                #expect(try metrics.expectCounter("baton_worker_report_errors", [("taskType", "work")]).totalValue == 1)
            }
        }
    }

    @Test("against a server without the batch endpoint (Conductor), or one that refuses the batch, every result still arrives, one per request",
          arguments: [HTTPResponse.Status.notFound, .contentTooLarge])
    func serverWithoutBatches(batchAnswer: HTTPResponse.Status) async throws {
        let server = try await OneBatchServer.start(taskCount: 6, batchAnswer: batchAnswer)
        try await withBatonClient(baseURL: server.baseURL) { client in
            let gate = Gate()
            let worker = ClosureWorker("work", concurrency: 6) { _ in
                await gate.wait()
                return .completed()
            }
            let metrics = TestMetrics()
            let host = WorkerHost(client: client, workers: [worker], configuration: testConfiguration(metrics: metrics))
            try await withHost(host) { _ in
                let waiting = await eventually { gate.waiting == 6 }
                #expect(waiting)
                gate.open()
                let arrived = await eventually { server.recorded.count == 6 }
                #expect(arrived)
            }
        }
        #expect(Set(server.recorded) == Set((0..<6).map { "task-\($0)" }))
        #expect(server.batchRequests >= 1, "the batch endpoint was never tried")
        await server.stop()
    }
}

/// A server with only what a worker needs of Conductor: it hands out `taskCount` tasks once, records the results
/// sent to `POST /api/tasks`, and answers `POST /api/tasks/batch` with `batchAnswer` (404: no such endpoint).
final class OneBatchServer: Sendable {
    private struct State {
        var handedOut = false
        var recorded: [String] = []
        var batchRequests = 0
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let server: StubServer
    private let shared: Shared

    var baseURL: String { server.baseURL }
    var recorded: [String] { shared.state.withLock { $0.recorded } }
    var batchRequests: Int { shared.state.withLock { $0.batchRequests } }

    private init(server: StubServer, shared: Shared) {
        self.server = server
        self.shared = shared
    }

    static func start(taskCount: Int, batchAnswer: HTTPResponse.Status) async throws -> OneBatchServer {
        let shared = Shared()
        let tasks = (0..<taskCount).map { index in
            var task = BatonModel.TaskExecution(taskId: "task-\(index)", taskType: "work", taskDefName: "work", referenceTaskName: "one",
                                       workflowInstanceId: "workflow-\(index)", seq: 1, scheduledTime: 1)
            task.status = .inProgress
            return task
        }
        let tasksJSON = String(decoding: try JSONEncoder().encode(tasks), as: UTF8.self)
        let router = Router()
        router.get("api/tasks/poll/batch/{taskType}") { _, _ -> Response in
            let first = shared.state.withLock { state in
                defer { state.handedOut = true }
                return !state.handedOut
            }
            if !first { try await Task.sleep(for: .milliseconds(50)) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: first ? tasksJSON : "[]")))
        }
        router.post("api/tasks") { request, context -> String in
            let result = try await request.decode(as: TaskResult.self, context: context)
            shared.state.withLock { $0.recorded.append(result.taskId) }
            return result.taskId
        }
        router.post("api/tasks/batch") { _, _ -> Response in
            shared.state.withLock { $0.batchRequests += 1 }
            return Response(status: batchAnswer)
        }
        return OneBatchServer(server: try await StubServer.start(router), shared: shared)
    }

    func stop() async { await server.stop() }
}
