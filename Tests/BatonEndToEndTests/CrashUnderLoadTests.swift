import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// What clients were told succeeded while the server was being killed, and what they saw afterwards.
private final class LoadLedger: Sendable {
    /// The kill times and pauses, repeatable from the printed seed.
    let random = SeededRandom(for: "crash-safety under load")
    private struct State {
        var starts: Set<String> = []
        var completions: [String: String] = [:]
        var polledAfterCompletion: [String] = []
        var signals = 0
        var server: ServerProcess?
        var stopped = false
        var quiet = false
    }

    private let state = Mutex(State())

    var starts: Set<String> { state.withLock { $0.starts } }
    var completions: [String: String] { state.withLock { $0.completions } }
    var polledAfterCompletion: [String] { state.withLock { $0.polledAfterCompletion } }
    var signals: Int { state.withLock { $0.signals } }
    var stopped: Bool { state.withLock { $0.stopped } }
    var quiet: Bool { state.withLock { $0.quiet } }
    var client: TestHTTPClient? { state.withLock { $0.server?.client } }
    var server: ServerProcess? { state.withLock { $0.server } }

    func use(_ server: ServerProcess) { state.withLock { $0.server = server } }
    func stop() { state.withLock { $0.stopped = true } }
    func quieten() { state.withLock { $0.quiet = true } }
    func started(_ id: String) { state.withLock { _ = $0.starts.insert(id) } }
    func signalled() { state.withLock { $0.signals += 1 } }
    func completed(taskId: String, workflowId: String) { state.withLock { $0.completions[taskId] = workflowId } }

    /// Notes a polled task; one whose completion was already acknowledged is a lost write or a double queue.
    func polled(_ taskId: String) {
        state.withLock { state in
            if state.completions[taskId] != nil { state.polledAfterCompletion.append(taskId) }
        }
    }
}

@Suite("End to end: crash-safety under load")
struct CrashUnderLoadTests {
    @Test("starts, polls, updates and signals while the server is kill -9ed three times: no acknowledged write is lost")
    func killNineRepeatedlyUnderLoad() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("baton.sqlite").path
        let ledger = LoadLedger()
        ledger.use(try await ServerProcess.start(database: database))
        let setup = try #require(ledger.client)
        var reply = try await setup.send(.POST, "/api/metadata/taskdefs", body: """
            [{"name":"load_work","retryCount":20,"retryDelaySeconds":0,"responseTimeoutSeconds":10}]
            """)
        try #require(reply.status == 200, "\(reply.text)")
        reply = try await setup.send(.POST, "/api/metadata/workflow", body: """
            {"name":"load","version":1,"tasks":[
              {"name":"load_work","taskReferenceName":"a"},{"name":"load_work","taskReferenceName":"b"}]}
            """)
        try #require(reply.status == 200, "\(reply.text)")

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Self.start(60, ledger: ledger) }
            for worker in 0..<3 { group.addTask { try await Self.work(as: "w\(worker)", ledger: ledger) } }
            group.addTask { try await Self.signal(ledger: ledger) }
            group.addTask {
                for _ in 0..<3 {
                    try await Task.sleep(for: .milliseconds(ledger.random.next(in: 300...1500)))
                    // Each server lives to take a signal (under a loaded machine, a restart can take most of a life).
                    let signalled = ledger.signals, patience = ContinuousClock.now + .seconds(30)
                    while ledger.signals == signalled, ContinuousClock.now < patience {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    ledger.server?.kill9()
                    ledger.use(try await ServerProcess.start(database: database))
                }
                // Let the run finish: no more signals; resume whatever was left paused, until everything completed.
                ledger.quieten()
                let deadline = ContinuousClock.now + .seconds(120)
                while ContinuousClock.now < deadline {
                    if try await Self.allComplete(ledger) { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                ledger.stop()
            }
            try await group.waitForAll()
        }

        let client = try #require(ledger.client)
        let starts = ledger.starts
        #expect(starts.count >= 20, "too few acknowledged starts (\(starts.count)) to make the test meaningful")
        for id in starts {
            let reply = try await client.get("/api/workflow/\(id)")
            #expect(reply.status == 200, "acknowledged start \(id) is missing")
            guard reply.status == 200 else { continue }
            let workflow = try reply.decode(Workflow.self)
            #expect(workflow.status == .completed, "workflow \(id) is \(workflow.status)")
        }
        for (taskId, workflowId) in ledger.completions {
            let reply = try await client.get("/api/tasks/\(taskId)")
            #expect(reply.status == 200, "acknowledged task \(taskId) of \(workflowId) is missing")
            guard reply.status == 200 else { continue }
            let task = try reply.decode(BatonModel.TaskExecution.self)
            #expect(task.status == .completed, "acknowledged task \(taskId) is \(task.status)")
        }
        #expect(ledger.polledAfterCompletion.isEmpty, "completed tasks handed out again: \(ledger.polledAfterCompletion)")
        let sizes = try await client.get("/api/tasks/queue/sizes?taskType=load_work").decode([String: Int].self)
        #expect(sizes["load_work"] == 0, "tasks left queued: \(sizes)")
        #expect(ledger.signals > 0, "the signaller sent nothing")
        #expect(ledger.server?.terminate() == 0)
    }

    private static func start(_ count: Int, ledger: LoadLedger) async throws {
        var n = 0
        while n < count, !ledger.stopped {
            guard let client = ledger.client,
                  let reply = try? await client.send(.POST, "/api/workflow/load", body: #"{"n":\#(n)}"#),
                  reply.status == 200 else {
                try await Task.sleep(for: .milliseconds(30))
                continue
            }
            ledger.started(reply.text)
            n += 1
            // Paced over the crashes, so that there are always running workflows for the signaller to pause.
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private static func work(as worker: String, ledger: LoadLedger) async throws {
        while !ledger.stopped {
            guard let client = ledger.client,
                  let reply = try? await client.get("/api/tasks/poll/batch/load_work?count=3&timeout=100&workerid=\(worker)"),
                  reply.status == 200, let tasks = try? reply.decode([BatonModel.TaskExecution].self) else {
                try await Task.sleep(for: .milliseconds(30))
                continue
            }
            for task in tasks {
                ledger.polled(task.taskId)
                // A little work, so that workflows stay RUNNING long enough to be paused.
                try await Task.sleep(for: .milliseconds(ledger.random.next(in: 5...25)))
                let body = """
                    {"workflowInstanceId":"\(task.workflowInstanceId)","taskId":"\(task.taskId)","status":"COMPLETED",\
                    "workerId":"\(worker)","outputData":{"by":"\(worker)"}}
                    """
                if let update = try? await client.send(.POST, "/api/tasks", body: body), update.status == 200 {
                    ledger.completed(taskId: task.taskId, workflowId: task.workflowInstanceId)
                }
            }
        }
    }

    /// Starts workflows of its own and pauses and resumes each while it runs, until the crashes are over. (Pausing
    /// the workers' latest starts left a run without any signal now and then: quick workers had completed them.)
    private static func signal(ledger: LoadLedger) async throws {
        while !ledger.quiet {
            try await Task.sleep(for: .milliseconds(20))
            guard let client = ledger.client,
                  let reply = try? await client.send(.POST, "/api/workflow/load", body: #"{"n":"signalled"}"#),
                  reply.status == 200 else { continue }
            let id = reply.text
            ledger.started(id)
            if (try? await client.send(.PUT, "/api/workflow/\(id)/pause", body: "{}"))?.status == 200 { ledger.signalled() }
            try await Task.sleep(for: .milliseconds(ledger.random.next(in: 0...40)))
            _ = try? await client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}")
        }
    }

    private static func allComplete(_ ledger: LoadLedger) async throws -> Bool {
        guard let client = ledger.client, ledger.starts.count >= 20 else { return false }
        guard let reply = try? await client.get("/api/workflow/search?query=workflowType%3Dload%20AND%20status%20IN%20(RUNNING,PAUSED)&size=100"),
              reply.status == 200, let result = try? reply.decode(SearchResult<WorkflowSummary>.self) else { return false }
        for summary in result.results where summary.status == .paused {
            _ = try? await client.send(.PUT, "/api/workflow/\(summary.workflowId)/resume", body: "{}")
        }
        return result.totalHits == 0
    }
}
