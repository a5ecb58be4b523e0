import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// The PostgreSQL server the multi-node test uses (`scripts/test` starts one), or nil to skip it.
private let postgresURL: String? = {
    guard let url = ProcessInfo.processInfo.environment["BATON_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
    return url
}()

/// What the cluster acknowledged and what the workers saw, shared by the test's tasks.
private final class ClusterLedger: Sendable {
    private struct State {
        var nodes: [ServerProcess?] = []
        var starts: Set<String> = []
        var completions: [String: String] = [:]
        /// Every task id handed to a worker, with the workers it was handed to.
        var handedOut: [String: [String]] = [:]
        var startersDone = 0
    }

    private let state = Mutex(State())

    init(nodes: [ServerProcess]) {
        state.withLock { $0.nodes = nodes }
    }

    /// The base URL of node `index`, or of the next live node when it is gone.
    func baseURL(preferring index: Int) -> String? {
        state.withLock { state in
            for offset in 0..<state.nodes.count {
                if let node = state.nodes[(index + offset) % state.nodes.count] { return node.baseURL }
            }
            return nil
        }
    }

    func kill(_ index: Int) -> ServerProcess? {
        state.withLock { state in
            let node = state.nodes[index]
            state.nodes[index] = nil
            return node
        }
    }

    var liveNodes: [ServerProcess] { state.withLock { $0.nodes.compactMap { $0 } } }
    var starts: Set<String> { state.withLock { $0.starts } }
    var completions: [String: String] { state.withLock { $0.completions } }
    var handedOut: [String: [String]] { state.withLock { $0.handedOut } }

    var startersDone: Int { state.withLock { $0.startersDone } }
    func starterFinished() { state.withLock { $0.startersDone += 1 } }

    func started(_ id: String) { _ = state.withLock { $0.starts.insert(id) } }
    func completed(taskId: String, workflowId: String) { state.withLock { $0.completions[taskId] = workflowId } }
    func handed(_ taskId: String, to worker: String) { state.withLock { $0.handedOut[taskId, default: []].append(worker) } }
}

/// How many tasks the workers of `limitAcrossNodes` hold at once, the most ever, and how many they completed.
private final class RunningCount: Sendable {
    let state = Mutex((now: 0, most: 0, done: 0))
}

@Suite("End to end: several nodes on PostgreSQL", .enabled(if: postgresURL != nil, "set BATON_TEST_POSTGRES_URL to run"))
struct MultiNodeTests {
    @Test("three nodes on one PostgreSQL: kill -9 one midway, every workflow completes, no task is handed out twice")
    func threeNodesLoseOne() async throws {
        // All three start at once: the migrations must be applied exactly once.
        let nodes = try await Self.startThreeNodes(schemaPrefix: "multinode_")
        let ledger = ClusterLedger(nodes: nodes)

        let admin = nodes[0].client
        var reply = try await admin.send(.POST, "/api/metadata/taskdefs", body: """
            [{"name":"mn_work","retryCount":20,"retryDelaySeconds":0,"responseTimeoutSeconds":10}]
            """)
        try #require(reply.status == 200, "\(reply.text)")
        reply = try await admin.send(.POST, "/api/metadata/workflow", body: """
            {"name":"multinode","version":1,"tasks":[
              {"name":"mn_work","taskReferenceName":"a","inputParameters":{"n":"${workflow.input.n}"}},
              {"name":"mn_work","taskReferenceName":"b","inputParameters":{"prev":"${a.output.by}"}},
              {"name":"mn_work","taskReferenceName":"c","inputParameters":{"prev":"${b.output.by}"}}],
             "outputParameters":{"last":"${c.output.by}"}}
            """)
        try #require(reply.status == 200, "\(reply.text)")

        let workflowCount = 200
        try await withThrowingTaskGroup(of: Void.self) { group in
            for starter in 0..<3 {
                group.addTask {
                    for n in stride(from: starter, to: workflowCount, by: 3) {
                        guard let url = ledger.baseURL(preferring: n % 3) else { break }
                        let client = TestHTTPClient(baseURL: url)
                        guard let reply = try? await client.send(.POST, "/api/workflow/multinode", body: #"{"n":\#(n)}"#),
                              reply.status == 200 else { continue }
                        ledger.started(reply.text)
                    }
                    ledger.starterFinished()
                }
            }
            for worker in 0..<6 {
                group.addTask {
                    try await Self.work(as: "worker-\(worker)", node: worker % 3, ledger: ledger,
                                        expected: workflowCount, until: .seconds(240))
                }
            }
            group.addTask {
                let patience = ContinuousClock.now + .seconds(120)
                while ledger.completions.count < workflowCount, ContinuousClock.now < patience {
                    try await Task.sleep(for: .milliseconds(10))
                }
                ledger.kill(1)?.kill9()
            }
            try await group.waitForAll()
        }

        let client = try #require(ledger.liveNodes.first).client
        let started = ledger.starts
        #expect(started.count > workflowCount * 3 / 4, "too few starts were acknowledged to make the test meaningful")
        var notCompleted: [String] = []
        for id in started {
            let workflow = try await client.get("/api/workflow/\(id)").decode(Workflow.self)
            if workflow.status != .completed { notCompleted.append("\(id): \(workflow.status)") }
        }
        #expect(notCompleted.isEmpty, "workflows not completed: \(notCompleted.prefix(10))")
        // A node on PostgreSQL reports how long its transactions waited for a pooled connection.
        let metrics = try await client.get("/metrics").text
        let waits = metrics.split(separator: "\n").first { $0.hasPrefix("baton_store_connection_wait_seconds_count") }
        #expect((waits?.split(separator: " ").last).flatMap { Double($0) } ?? 0 > 0, "\(waits ?? "no connection-wait histogram")")
        // No timer fired twice: each timed-out task attempt and each completion appears once in its trail.
        var firedTwice: [String] = []
        for id in started {
            let events = try await client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            var seen: [String: Int] = [:]
            for event in events where event.kind == "task.timed_out" || event.kind == "status.completed" {
                seen[event.kind + " " + (event.taskId ?? ""), default: 0] += 1
            }
            firedTwice += seen.filter { $0.value > 1 }.map { "\(id): \($0.key) ×\($0.value)" }
        }
        #expect(firedTwice.isEmpty, "events recorded more than once: \(firedTwice.prefix(10))")
        let twice = ledger.handedOut.filter { $0.value.count > 1 }
        #expect(twice.isEmpty, "tasks handed to more than one worker: \(twice.prefix(10))")
        for (taskId, workflowId) in ledger.completions {
            let reply = try await client.get("/api/tasks/\(taskId)")
            #expect(reply.status == 200, "acknowledged task \(taskId) of \(workflowId) is missing")
            let task = try reply.decode(BatonModel.TaskExecution.self)
            #expect(task.status == .completed, "acknowledged task \(taskId) is \(task.status)")
            #expect(task.outputData["by"] == .string(taskId))
        }
        for node in ledger.liveNodes {
            #expect(node.terminate() == 0, "graceful shutdown on SIGTERM should exit 0")
        }
    }

    @Test("three nodes on one PostgreSQL: a concurrentExecLimit of 2 is never exceeded while workers poll every node")
    func limitAcrossNodes() async throws {
        let nodes = try await Self.startThreeNodes(schemaPrefix: "limits_")
        defer { for node in nodes { _ = node.terminate() } }
        let admin = nodes[0].client
        var reply = try await admin.send(.POST, "/api/metadata/taskdefs", body: """
            [{"name":"mn_fragile","retryCount":0,"responseTimeoutSeconds":60,"concurrentExecLimit":2}]
            """)
        try #require(reply.status == 200, "\(reply.text)")
        reply = try await admin.send(.POST, "/api/metadata/workflow", body: """
            {"name":"limited_multinode","version":1,"tasks":[{"name":"mn_fragile","taskReferenceName":"a"}]}
            """)
        try #require(reply.status == 200, "\(reply.text)")
        let workflowCount = 30
        for n in 0..<workflowCount {
            reply = try await nodes[n % 3].client.send(.POST, "/api/workflow/limited_multinode", body: "{}")
            try #require(reply.status == 200, "\(reply.text)")
        }
        // Each worker holds what it gets for a moment, so that any excess would overlap.
        let running = RunningCount()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<9 {
                let client = nodes[worker % 3].client
                group.addTask {
                    let deadline = ContinuousClock.now + .seconds(120)
                    while running.state.withLock({ $0.done }) < workflowCount, ContinuousClock.now < deadline {
                        let polled = try await client.get("/api/tasks/poll/batch/mn_fragile?count=3&timeout=100&workerid=w\(worker)")
                        guard polled.status == 200, let tasks = try? polled.decode([BatonModel.TaskExecution].self), !tasks.isEmpty else {
                            continue
                        }
                        running.state.withLock { $0.now += tasks.count; $0.most = max($0.most, $0.now) }
                        try await Task.sleep(for: .milliseconds(30))
                        for task in tasks {
                            // The count drops before the completion is sent: the server frees the slot no earlier.
                            running.state.withLock { $0.now -= 1 }
                            let body = #"{"workflowInstanceId":"\#(task.workflowInstanceId)","taskId":"\#(task.taskId)","status":"COMPLETED"}"#
                            let update = try await client.send(.POST, "/api/tasks", body: body)
                            if update.status == 200 { running.state.withLock { $0.done += 1 } }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let result = running.state.withLock { $0 }
        #expect(result.done == workflowCount, "every task was handed out and completed")
        #expect(result.most <= 2, "at most 2 tasks of the type ran at once across the three nodes; saw \(result.most)")
        #expect(result.most == 2, "the limit, not less, was used")
    }

    @Test("three nodes on one PostgreSQL fire an every-second schedule: each slot once, none skipped, while one node is killed")
    func scheduleAcrossNodes() async throws {
        let nodes = try await Self.startThreeNodes(schemaPrefix: "schedules_")
        defer { for node in nodes { _ = node.terminate() } }
        var reply = try await nodes[0].client.send(.POST, "/api/metadata/workflow", body: """
            {"name":"mn_scheduled","version":1,"tasks":[{"name":"hold","taskReferenceName":"hold","type":"WAIT"}]}
            """)
        try #require(reply.status == 200, "\(reply.text)")
        reply = try await nodes[1].client.send(.POST, "/api/scheduler/schedules", body: """
            {"name":"mn-tick","cronExpression":"* * * * * *","startWorkflowRequest":{"name":"mn_scheduled"}}
            """)
        try #require(reply.status == 200, "\(reply.text)")
        func records(_ client: TestHTTPClient) async throws -> [ScheduleExecution] {
            try await client.get("/api/scheduler/search/executions?query=mn-tick&sort=scheduledTime:ASC&size=1000")
                .decode(SearchResult<ScheduleExecution>.self).results
        }
        func waitUntil(_ client: TestHTTPClient, count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while try await records(client).count < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try await waitUntil(nodes[0].client, count: 3)
        nodes[2].kill9()  // its sweeper may hold the schedule's row at that moment
        let afterKill = try await records(nodes[0].client).count
        try await waitUntil(nodes[0].client, count: afterKill + 3)
        #expect(try await nodes[0].client.send(.PUT, "/api/scheduler/schedules/mn-tick/pause").status == 200)
        let fired = try await records(nodes[1].client)
        let slots = fired.map(\.scheduledTime)
        let first = try #require(slots.first)
        #expect(slots == Array(stride(from: first, through: slots.last ?? first, by: 1_000)), "each second once: \(slots)")
        #expect(fired.allSatisfy { $0.state == .executed })
        let started = try await nodes[0].client.get("/api/workflow/search?query=workflowType%3Dmn_scheduled&size=1")
            .decode(SearchResult<WorkflowSummary>.self)
        #expect(started.totalHits == Int64(fired.count), "one workflow per slot, none without its record")
    }

    /// Starts three `baton server` processes at once on a new schema of the test database.
    private static func startThreeNodes(schemaPrefix: String) async throws -> [ServerProcess] {
        let base = try #require(postgresURL)
        let schema = schemaPrefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let database = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)&pool_size=8"
        async let first = ServerProcess.start(database: database)
        async let second = ServerProcess.start(database: database)
        async let third = ServerProcess.start(database: database)
        return try await [first, second, third]
    }

    /// Polls one node (another when it dies) and completes tasks until every workflow has completed.
    private static func work(as worker: String, node: Int, ledger: ClusterLedger, expected: Int,
                             until budget: Duration) async throws {
        let deadline = ContinuousClock.now + budget
        while ContinuousClock.now < deadline {
            guard let url = ledger.baseURL(preferring: node) else { return }
            let client = TestHTTPClient(baseURL: url)
            guard let reply = try? await client.get("/api/tasks/poll/batch/mn_work?count=3&timeout=200&workerid=\(worker)"),
                  reply.status == 200, let tasks = try? reply.decode([BatonModel.TaskExecution].self) else {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            if tasks.isEmpty {
                if try await allComplete(client, ledger: ledger, expected: expected) { return }
                continue
            }
            for task in tasks {
                ledger.handed(task.taskId, to: worker)
                let body = """
                    {"workflowInstanceId":"\(task.workflowInstanceId)","taskId":"\(task.taskId)","status":"COMPLETED",\
                    "workerId":"\(worker)","outputData":{"by":"\(task.taskId)"}}
                    """
                if let update = try? await client.send(.POST, "/api/tasks", body: body), update.status == 200 {
                    ledger.completed(taskId: task.taskId, workflowId: task.workflowInstanceId)
                }
            }
        }
    }

    private static func allComplete(_ client: TestHTTPClient, ledger: ClusterLedger, expected: Int) async throws -> Bool {
        guard ledger.startersDone == 3 else { return false }
        guard let reply = try? await client.get(
            "/api/workflow/search?query=workflowType%3Dmultinode%20AND%20status%3DRUNNING&size=1"),
              let result = try? reply.decode(SearchResult<WorkflowSummary>.self) else { return false }
        return result.totalHits == 0
    }
}
