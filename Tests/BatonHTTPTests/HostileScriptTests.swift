import BatonDecider
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Scripts a definition or payload carries cannot hold the writer or grow the server's memory: they run on
/// the script runner's threads and in killable jq helpers, within time, memory and output limits.
@Suite(.serialized) struct HostileScriptTests {
    static let endlessScripts = [
        """
        {"name":"endless_js","tasks":[{"name":"spin","taskReferenceName":"spin","type":"INLINE",
          "inputParameters":{"evaluatorType":"javascript","expression":"while (true) {}"}}]}
        """,
        """
        {"name":"endless_jq","tasks":[{"name":"recurse","taskReferenceName":"recurse","type":"JSON_JQ_TRANSFORM",
          "inputParameters":{"queryExpression":"def f: f; f"}}]}
        """,
    ]

    /// Runs `body` against a server whose scripts have `timeLimit`, at most `concurrency` at once.
    static func withScriptServer(timeLimit: Duration, concurrency: Int,
                                 _ body: @Sendable (RunningServer) async throws -> Void) async throws {
        try await withRunningServer(configure: { configuration in
            configuration.scriptLimits.timeLimit = timeLimit
            configuration.scriptConcurrency = concurrency
        }, body)
    }

    /// Waits until every task of the workflow named by `references` is IN_PROGRESS (polled by the runner).
    static func waitUntilRunning(_ references: Set<String>, in id: String, on server: RunningServer) async throws -> Bool {
        for _ in 0..<400 {
            let tasks = try await server.workflow(id).tasks.filter { references.contains($0.referenceTaskName) }
            if tasks.count == references.count, tasks.allSatisfy({ $0.status == .inProgress }) { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    @Test("while an endless INLINE and an endless jq run, 100 starts and 100 task updates all commit; then both fail at the time limit, no jq is left, no thread spins, memory comes back")
    func endlessScriptsHoldNothing() async throws {
        try await Self.withScriptServer(timeLimit: .seconds(30), concurrency: 2) { server in
            for definition in Self.endlessScripts { try await server.registerWorkflow(definition) }
            try await server.registerChain("unrelated", refs: ["only"])
            let residentBefore = ProcessInspection.memory("VmRSS")
            let ids = [try await server.start("endless_js"), try await server.start("endless_jq")]
            for (id, reference) in zip(ids, ["spin", "recurse"]) {
                #expect(try await Self.waitUntilRunning([reference], in: id, on: server), "the runner took \(reference)")
            }
            // Past its full-speed time the jq helper spins only on processor time nothing else wants.
            var helper: [Int] = []
            for _ in 0..<800 where helper != [5] {
                helper = ProcessInspection.childPolicy(runningCommandContaining: "def f: f; f")
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(helper == [5], "the jq helper is in the idle class: \(helper)")
            let niceness = ProcessInspection.threadNiceness(namedWith: "baton-script")  // other suites' servers' too
            #expect(niceness.count >= 2 && niceness.allSatisfy { $0 == 10 }, "scripts yield to requests: \(niceness)")
            #expect(ProcessInspection.childNiceness(runningCommandContaining: "def f: f; f") == [10])
            let scriptThreadsAtStart = ProcessInspection.threadCPUTicks(namedWith: "baton-script")
            for round in 0..<100 {
                let started = try await server.start("unrelated", input: #"{"n":\#(round)}"#)
                #expect(!started.isEmpty)
                try await server.completeNext("work")
            }
            // Had any of those waited for a script, the scripts would have reached their time limit by now.
            for id in ids {
                #expect(try await server.workflow(id).tasks.map(\.status) == [.inProgress],
                        "the 200 requests finished while both scripts still ran")
            }
            let spun = ProcessInspection.threadCPUTicks(namedWith: "baton-script").map { $0.value - (scriptThreadsAtStart[$0.key] ?? 0) }
            #expect(spun.reduce(0, +) > 0, "the JavaScript spins on a script thread (so the check below can see it)")

            for id in ids {
                let ended = try await ControlFlowTests.waitForEnd(of: id, on: server, within: .seconds(120))
                #expect(ended.status == .failed)
                #expect(ended.tasks.map(\.status) == [.failed])
                let reason = ended.tasks.first?.reasonForIncompletion ?? ""
                #expect(reason.contains("ran longer than its time limit of 30.0 seconds"), "\(reason)")
            }
            #expect(ProcessInspection.children(runningCommandContaining: "def f: f; f") == 0, "no jq helper is left")
            let before = ProcessInspection.threadCPUTicks(namedWith: "baton-script")
            #expect(!before.isEmpty, "the script runner's threads are found")
            try await Task.sleep(for: .seconds(2))
            let after = ProcessInspection.threadCPUTicks(namedWith: "baton-script")
            let used = after.map { $0.value - (before[$0.key] ?? 0) }.reduce(0, +)
            #expect(used < 20, "the script threads used \(used) ticks of the last 200: a script still runs")
            #expect(ProcessInspection.memory("VmRSS") - residentBefore < 250 << 20, "memory came back")
        }
    }

    @Test("a jq memory bomb fails at the memory limit with the server's memory unchanged; a JavaScript result of 400 MB fails at the output limit without gigabytes, and its memory is given back")
    func memoryBombsFail() async throws {
        try await withRunningServer(configure: { configuration in
            configuration.scriptLimits = ScriptLimits(timeLimit: .seconds(60), memoryLimit: 64 << 20, outputLimit: 10 << 20)
        }) { server in
            try await server.registerWorkflow("""
                {"name":"bomb","tasks":[{"name":"grow","taskReferenceName":"grow","type":"JSON_JQ_TRANSFORM",
                  "inputParameters":{"queryExpression":"[repeat(\\"x\\")]"}}]}
                """)
            try await server.registerWorkflow("""
                {"name":"huge","tasks":[{"name":"big","taskReferenceName":"big","type":"INLINE",
                  "inputParameters":{"evaluatorType":"javascript","expression":"'x'.repeat(4e8)"}}]}
                """)
            let residentBefore = ProcessInspection.memory("VmRSS")
            let bomb = try await ControlFlowTests.waitForEnd(of: try await server.start("bomb"), on: server, within: .seconds(90))
            #expect(bomb.tasks.first?.status == .failed)
            #expect(bomb.tasks.first?.reasonForIncompletion == "The jq query needed more than its memory limit of 67108864 bytes")
            #expect(ProcessInspection.memory("VmRSS") - residentBefore < 200 << 20, "the jq helper's memory is not the server's")

            ProcessInspection.resetPeakMemory()
            let residentBeforeHuge = ProcessInspection.memory("VmRSS")
            let huge = try await ControlFlowTests.waitForEnd(of: try await server.start("huge"), on: server, within: .seconds(90))
            #expect(huge.tasks.first?.status == .failed)
            #expect(huge.tasks.first?.reasonForIncompletion == "The script's result is larger than the output limit of 10485760 bytes")
            let peakGrowth = ProcessInspection.memory("VmHWM") - residentBeforeHuge
            #expect(peakGrowth < 1 << 30, "the peak grew by \(peakGrowth >> 20) MiB")
            var retained = ProcessInspection.memory("VmRSS") - residentBefore
            for _ in 0..<100 where retained >= 200 << 20 {
                try await Task.sleep(for: .milliseconds(100))
                retained = ProcessInspection.memory("VmRSS") - residentBefore
            }
            #expect(retained < 200 << 20, "the script's 400 MB string is given back (\(retained >> 20) MiB kept)")
        }
    }

    @Test("a JavaScript SWITCH and a DO_WHILE condition waiting for the runner are held by pause, evaluated after resume, and dropped by terminate")
    func pendingEvaluationsFollowSignals() async throws {
        try await Self.withScriptServer(timeLimit: .seconds(2), concurrency: 1) { server in
            try await server.registerWorkflow("""
                {"name":"blocker","tasks":[{"name":"spin","taskReferenceName":"spin","type":"INLINE",
                  "inputParameters":{"evaluatorType":"javascript","expression":"while (true) {}"}}]}
                """)
            try await server.registerWorkflow("""
                {"name":"route","tasks":[{"name":"pick","taskReferenceName":"pick","type":"SWITCH","evaluatorType":"javascript",
                  "expression":"$.n > 1 ? 'many' : 'one'","inputParameters":{"n":"${workflow.input.n}"},
                  "decisionCases":{"many":[{"name":"bulk","taskReferenceName":"bulk"}]},
                  "defaultCase":[{"name":"single","taskReferenceName":"single"}]}]}
                """)
            try await ControlFlowTests.register("loop_of_steps", on: server)
            let looping = try await server.start("loop_of_steps", input: #"{"rounds":3}"#)
            try await server.completeNext("step")
            _ = try await server.workflowAfterScripts(looping)

            // The only runner thread spins on the blocker while the SWITCHes and the loop condition wait.
            let blocker = try await server.start("blocker")
            #expect(try await Self.waitUntilRunning(["spin"], in: blocker, on: server))
            let paused = try await server.start("route", input: #"{"n":5}"#)
            let terminated = try await server.start("route", input: #"{"n":5}"#)
            try await server.completeNext("step")
            for id in [paused, looping] {
                #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/pause").status == 200)
            }
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(terminated)?reason=stop").status == 200)
            #expect(try await ControlFlowTests.waitForEnd(of: blocker, on: server, within: .seconds(30)).status == .failed)
            // Paused and terminated, their scripts wait in no queue: the runner, free again, has nothing to evaluate.
            #expect(try await server.client.get("/api/tasks/queue/size?taskType=\(ScriptTask.queueName)").decode(Int.self) == 0)

            #expect(try await server.workflow(paused).tasks.map(\.status) == [.scheduled], "not evaluated while paused")
            let loop = try await server.workflow(looping).tasks.first { $0.referenceTaskName == "loop" }
            #expect(loop?.status == .scheduled, "the loop's condition is not evaluated while paused")
            let canceled = try await server.workflow(terminated)
            #expect(canceled.tasks.map(\.status) == [.canceled])
            #expect(try await server.poll("bulk") == nil)

            for id in [paused, looping] {
                #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/resume").status == 200)
            }
            #expect(try await server.completeNext("bulk").workflowInstanceId == paused)
            #expect(try await server.workflow(paused).tasks.first?.outputData["selectedCase"] == "many")
            #expect(try await server.completeNext("step").referenceTaskName == "step__3")
            try await server.completeNext("finish")
            let finished = try await ControlFlowTests.waitForEnd(of: looping, on: server, within: .seconds(10))
            #expect(finished.status == .completed)
            #expect(finished.tasks.first { $0.referenceTaskName == "loop" }?.outputData["iteration"] == 3)
        }
    }
}
