import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// What the workers and starters were told succeeded: every such write must survive a crash.
private final class Acknowledgements: Sendable {
    private struct State {
        var starts: Set<String> = []
        var completions: [String: String] = [:]
        var baseURL: String
        var server: ServerProcess?
    }

    private let state: Mutex<State>

    init(baseURL: String) {
        state = Mutex(State(baseURL: baseURL))
    }

    var baseURL: String {
        get { state.withLock { $0.baseURL } }
        set { state.withLock { $0.baseURL = newValue } }
    }

    var starts: Set<String> { state.withLock { $0.starts } }
    var completions: [String: String] { state.withLock { $0.completions } }

    var server: ServerProcess? { state.withLock { $0.server } }

    func replaceServer(with server: ServerProcess) {
        state.withLock {
            $0.server = server
            $0.baseURL = server.baseURL
        }
    }

    func started(_ id: String) { _ = state.withLock { $0.starts.insert(id) } }
    func completed(taskId: String, workflowId: String) { state.withLock { $0.completions[taskId] = workflowId } }
}

@Suite("End to end")
struct CrashRecoveryTests {
    @Test("kill -9 in the middle of a run loses no acknowledged write, and every workflow completes after restart")
    func killNineAndRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("baton.sqlite").path

        let server = try await ServerProcess.start(database: database)
        var reply = try await server.client.send(.POST, "/api/metadata/taskdefs", body: """
            [{"name":"e2e_work","retryCount":10,"retryDelaySeconds":0,"responseTimeoutSeconds":10}]
            """)
        try #require(reply.status == 200, "\(reply.text)")
        reply = try await server.client.send(.POST, "/api/metadata/workflow", body: """
            {"name":"e2e","version":1,"tasks":[
              {"name":"e2e_work","taskReferenceName":"first","inputParameters":{"n":"${workflow.input.n}"}},
              {"name":"e2e_work","taskReferenceName":"second","inputParameters":{"prev":"${first.output.by}"}},
              {"name":"e2e_work","taskReferenceName":"third"}],
             "outputParameters":{"last":"${third.output.by}"}}
            """)
        try #require(reply.status == 200, "\(reply.text)")

        let acks = Acknowledgements(baseURL: server.baseURL)
        acks.replaceServer(with: server)
        let workflowCount = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for n in 0..<workflowCount {
                    let client = TestHTTPClient(baseURL: acks.baseURL)
                    guard let reply = try? await client.send(.POST, "/api/workflow/e2e", body: #"{"n":\#(n)}"#),
                          reply.status == 200 else {
                        try await Task.sleep(for: .milliseconds(50))
                        continue
                    }
                    acks.started(reply.text)
                }
            }
            for worker in 0..<3 {
                group.addTask { try await Self.work(as: "worker-\(worker)", acks: acks, until: .seconds(120)) }
            }
            group.addTask {
                // Crash the server once the run is well under way, then bring it back on the same file.
                let patience = ContinuousClock.now + .seconds(60)
                while acks.completions.count < 25, ContinuousClock.now < patience {
                    try await Task.sleep(for: .milliseconds(10))
                }
                server.kill9()
                let restarted = try await ServerProcess.start(database: database)
                acks.replaceServer(with: restarted)
            }
            try await group.waitForAll()
        }
        let client = TestHTTPClient(baseURL: acks.baseURL)
        let started = acks.starts
        #expect(started.count > workflowCount / 2, "too few starts were acknowledged to make the test meaningful")
        for id in started {
            let workflow = try await client.get("/api/workflow/\(id)").decode(Workflow.self)
            #expect(workflow.status == .completed, "workflow \(id) is \(workflow.status)")
        }
        for (taskId, workflowId) in acks.completions {
            let reply = try await client.get("/api/tasks/\(taskId)")
            #expect(reply.status == 200, "acknowledged task \(taskId) of \(workflowId) is missing")
            let task = try reply.decode(BatonModel.TaskExecution.self)
            #expect(task.status == .completed, "acknowledged task \(taskId) is \(task.status)")
            #expect(task.outputData["by"] == .string(taskId))
        }
        #expect(acks.server?.terminate() == 0, "graceful shutdown on SIGTERM should exit 0")
    }

    /// Polls and completes tasks until every acknowledged workflow has completed (or the budget ends).
    private static func work(as worker: String, acks: Acknowledgements, until budget: Duration) async throws {
        let deadline = ContinuousClock.now + budget
        while ContinuousClock.now < deadline {
            let client = TestHTTPClient(baseURL: acks.baseURL)
            guard let reply = try? await client.get("/api/tasks/poll/batch/e2e_work?count=2&timeout=200&workerid=\(worker)"),
                  reply.status == 200, let tasks = try? reply.decode([BatonModel.TaskExecution].self) else {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            if tasks.isEmpty {
                if try await allStartedComplete(acks) { return }
                continue
            }
            for task in tasks {
                let body = """
                    {"workflowInstanceId":"\(task.workflowInstanceId)","taskId":"\(task.taskId)","status":"COMPLETED",\
                    "workerId":"\(worker)","outputData":{"by":"\(task.taskId)"}}
                    """
                if let update = try? await client.send(.POST, "/api/tasks", body: body), update.status == 200 {
                    acks.completed(taskId: task.taskId, workflowId: task.workflowInstanceId)
                }
            }
        }
    }

    private static func allStartedComplete(_ acks: Acknowledgements) async throws -> Bool {
        let client = TestHTTPClient(baseURL: acks.baseURL)
        guard acks.starts.count >= 20 else { return false }
        guard let reply = try? await client.get("/api/workflow/search?query=workflowType%3De2e%20AND%20status%3DRUNNING&size=1"),
              let result = try? reply.decode(SearchResult<WorkflowSummary>.self) else { return false }
        return result.totalHits == 0 && acks.starts.count >= 20
    }
}
