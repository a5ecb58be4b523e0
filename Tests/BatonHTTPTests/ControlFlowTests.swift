import BatonEngine
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// System tasks and control flow, each from a Conductor-style definition in `Fixtures/`.
@Suite("Control flow")
struct ControlFlowTests {
    /// Registers the definition in `Fixtures/<name>.json`.
    static func register(_ name: String, on server: RunningServer) async throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        try await server.registerWorkflow(String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    @Test("SWITCH (value-param) runs the selected branch, the default for unknown values, nothing for an empty case",
          arguments: [("physical", ["ship"]), ("digital", ["email"]), ("bulk", ["review"]), ("gift", [String]())])
    func switchValueParam(kind: String, branch: [String]) async throws {
        try await withRunningServer { server in
            try await Self.register("switch_value_param", on: server)
            let id = try await server.start("switch_value_param", input: #"{"kind":"\#(kind)"}"#)
            for taskType in branch { try await server.completeNext(taskType) }
            try await server.completeNext("notify")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["route"] + branch + ["notify"])
            #expect(workflow.tasks[0].taskType == "SWITCH")
            #expect(workflow.tasks[0].outputData["evaluationResult"] == [.string(kind)])
            #expect(workflow.output["route"] == .string(kind))
        }
    }

    @Test("FORK_JOIN runs branches in parallel; the JOIN waits for all of them and carries their outputs")
    func forkJoin() async throws {
        try await withRunningServer { server in
            try await Self.register("fork_join", on: server)
            let id = try await server.start("fork_join")
            var workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["checks", "credit", "stock", "join_checks"])
            #expect(workflow.tasks[0].taskType == "FORK")
            #expect(workflow.tasks[3].status == .inProgress)
            try await server.completeNext("stock")
            try await server.completeNext("credit", output: #"{"score":700}"#)
            workflow = try await server.workflow(id)
            #expect(workflow.tasks.first { $0.referenceTaskName == "join_checks" }?.status == .inProgress,
                    "the JOIN completed before every branch had")
            try await server.completeNext("reserve", output: #"{"ok":true}"#)
            let confirm = try await server.completeNext("confirm")
            #expect(confirm.inputData["joined"] == ["credit": ["score": 700], "reserve": ["ok": true]])
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output == ["credit": 700, "reserved": true])
        }
    }

    @Test("a failed branch fails the workflow; retry runs the failed branch again and the JOIN completes")
    func forkJoinFailureAndRetry() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"credit","retryCount":0},{"name":"stock","retryCount":0}]"#)
            try await Self.register("fork_join", on: server)
            let id = try await server.start("fork_join")
            let credit = try #require(try await server.poll("credit"))
            let stock = try #require(try await server.poll("stock"))
            try await server.report(credit, "FAILED", reason: "bureau down")
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.first { $0.taskId == stock.taskId }?.status == .canceled)
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/retry", body: "{}")
            #expect(reply.status == 204)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            // Both the failed and the canceled branch run again, each as a new attempt; the JOIN reopens.
            let live = Set(workflow.tasks.filter { !$0.status.isTerminal }.map(\.referenceTaskName))
            #expect(live == ["credit", "stock", "join_checks"])
            try await server.completeNext("credit", output: #"{"score":1}"#)
            try await server.completeNext("stock")
            try await server.completeNext("reserve", output: #"{"ok":true}"#)
            try await server.completeNext("confirm")
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("SET_VARIABLE, NOOP and TERMINATE: variables feed later tasks; TERMINATE ends the workflow with its output",
          arguments: ["COMPLETED", "FAILED"])
    func variablesAndTerminate(outcome: String) async throws {
        try await withRunningServer { server in
            try await Self.register("variables_and_terminate", on: server)
            let id = try await server.start("variables_and_terminate", input: #"{"customer":"Ada","outcome":"\#(outcome)"}"#)
            let greet = try await server.completeNext("greet", output: #"{"text":"hi Ada"}"#)
            #expect(greet.inputData["who"] == "Ada")
            let workflow = try await server.workflow(id)
            #expect(workflow.variables == ["customer": "Ada", "attempts": 1])
            #expect(workflow.status == (outcome == "COMPLETED" ? .completed : .failed))
            #expect(workflow.output == ["greeted": "hi Ada"])
            #expect(workflow.reasonForIncompletion == "stopped early")
            #expect(!workflow.tasks.contains { $0.referenceTaskName == "never" })
            #expect(try await server.poll("never") == nil)
        }
    }

    @Test("SUB_WORKFLOW: the parent waits for its child, linked both ways, and takes the child's output")
    func subWorkflow() async throws {
        try await withRunningServer { server in
            try await Self.register("sub_workflow_child", on: server)
            try await Self.register("sub_workflow_parent", on: server)
            let parentId = try await server.start("sub_workflow_parent", input: #"{"order":"o-1"}"#)
            var parent = try await server.workflow(parentId)
            let childTask = try #require(parent.tasks.first)
            #expect(childTask.status == .inProgress)
            let childId = try #require(childTask.subWorkflowId)
            #expect(childTask.outputData["subWorkflowId"] == .string(childId))
            let child = try await server.workflow(childId)
            #expect(child.parentWorkflowId == parentId)
            #expect(child.parentWorkflowTaskId == childTask.taskId)
            #expect(child.input["order"] == "o-1")
            try await server.completeNext("child_work", output: #"{"result":"shipped"}"#)
            parent = try await server.workflow(parentId)
            #expect(parent.tasks[0].status == .completed)
            #expect(parent.tasks[0].outputData["result"] == "shipped")
            let after = try await server.completeNext("after_child")
            #expect(after.inputData["fromChild"] == "shipped")
            #expect(try await server.workflow(parentId).output == ["fromChild": "shipped"])
        }
    }

    @Test("terminate cascades to children and grandchildren; pause and resume cascade to running children")
    func subWorkflowCascades() async throws {
        try await withRunningServer { server in
            try await Self.register("sub_workflow_child", on: server)
            try await server.registerWorkflow("""
                {"name":"middle","tasks":[{"name":"c","taskReferenceName":"c","type":"SUB_WORKFLOW",
                  "subWorkflowParam":{"name":"sub_workflow_child"}}]}
                """)
            try await server.registerWorkflow("""
                {"name":"top","tasks":[{"name":"m","taskReferenceName":"m","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"middle"}}]}
                """)
            let top = try await server.start("top")
            let middle = try #require(try await server.workflow(top).tasks.first?.subWorkflowId)
            let bottom = try #require(try await server.workflow(middle).tasks.first?.subWorkflowId)
            #expect(try await server.client.send(.PUT, "/api/workflow/\(top)/pause", body: "{}").status == 200)
            #expect(try await server.workflow(middle).status == .paused)
            #expect(try await server.workflow(bottom).status == .paused)
            #expect(try await server.poll("child_work") == nil, "a paused grandchild's task was handed out")
            #expect(try await server.workflow(top).tasks[0].status == .inProgress, "a paused child counted as done")
            #expect(try await server.client.send(.PUT, "/api/workflow/\(top)/resume", body: "{}").status == 200)
            #expect(try await server.workflow(bottom).status == .running)
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(top)?reason=stop", body: "{}").status == 200)
            #expect(try await server.workflow(middle).status == .terminated)
            let grandchild = try await server.workflow(bottom)
            #expect(grandchild.status == .terminated)
            #expect(grandchild.tasks.allSatisfy { $0.status.isTerminal })
            #expect(try await server.poll("child_work") == nil)
        }
    }

    @Test("a failed child fails its parent; retry without resumeSubworkflowTasks starts a new child")
    func subWorkflowFailureAndRetry() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"child_work","retryCount":0}]"#)
            try await Self.register("sub_workflow_child", on: server)
            try await Self.register("sub_workflow_parent", on: server)
            let parentId = try await server.start("sub_workflow_parent")
            let firstChild = try #require(try await server.workflow(parentId).tasks.first?.subWorkflowId)
            let work = try #require(try await server.poll("child_work"))
            try await server.report(work, "FAILED", reason: "no stock")
            var parent = try await server.workflow(parentId)
            #expect(parent.status == .failed)
            #expect(parent.tasks[0].status == .failed)
            #expect(parent.tasks[0].reasonForIncompletion?.contains("no stock") == true)
            #expect(try await server.client.send(.POST, "/api/workflow/\(parentId)/retry", body: "{}").status == 204)
            parent = try await server.workflow(parentId)
            let secondChild = try #require(parent.tasks.last?.subWorkflowId)
            #expect(secondChild != firstChild)
            #expect(parent.status == .running)
            try await server.completeNext("child_work", output: #"{"result":"ok"}"#)
            try await server.completeNext("after_child")
            #expect(try await server.workflow(parentId).status == .completed)
        }
    }

    @Test("an unknown sub-workflow fails its task with a clear reason, never a crash")
    func unknownSubWorkflow() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"orphan","tasks":[{"name":"c","taskReferenceName":"c","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"ghost"}}]}
                """)
            let id = try await server.start("orphan")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks[0].reasonForIncompletion?.contains("ghost") == true)
        }
    }

    @Test("START_WORKFLOW starts an independent workflow; DYNAMIC runs the task type its input names; HUMAN waits")
    func startWorkflowDynamicHuman() async throws {
        try await withRunningServer { server in
            try await Self.register("sub_workflow_child", on: server)
            try await Self.register("start_and_dynamic", on: server)
            let id = try await server.start("start_and_dynamic", input: #"{"order":"o-9","taskToRun":"pack"}"#)
            var workflow = try await server.workflow(id)
            let started = try #require(workflow.tasks.first?.outputData["workflowId"]?.stringValue)
            let other = try await server.workflow(started)
            #expect(other.workflowName == "sub_workflow_child")
            #expect(other.parentWorkflowId == nil)
            #expect(other.input["order"] == "o-9")
            let dynamic = try await server.completeNext("pack")
            #expect(dynamic.referenceTaskName == "dynamic")
            workflow = try await server.workflow(id)
            #expect(workflow.tasks.last?.taskType == "HUMAN")
            #expect(workflow.tasks.last?.status == .inProgress)
            let reply = try await server.client.send(.POST, "/api/tasks/\(id)/approval/COMPLETED", body: #"{"ok":true}"#)
            #expect(reply.status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output["started"] == .string(started))
        }
    }

    /// Waits (bounded) until the workflow has ended, for tasks Baton runs on its own threads.
    static func waitForEnd(of id: String, on server: RunningServer, within limit: Duration = .seconds(10)) async throws -> Workflow {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let workflow = try await server.workflow(id)
            if workflow.status.isTerminal { return workflow }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await server.workflow(id)
    }

    @Test("HTTP: a 2xx response completes the task with status, headers and the parsed body")
    func httpSuccess() async throws {
        try await withRunningServer(configure: { $0.httpTaskTargets = .unrestricted }) { server in
            try await server.registerTaskDefs(#"[{"name":"probe","retryCount":7}]"#)
            try await Self.register("http_call", on: server)
            let id = try await server.start("http_call", input: #"{"uri":"\#(server.baseURL)/api/metadata/taskdefs/probe"}"#)
            let workflow = try await Self.waitForEnd(of: id, on: server)
            #expect(workflow.status == .completed, "\(workflow.reasonForIncompletion ?? "")")
            #expect(workflow.output["status"] == 200)
            #expect(workflow.output["body"]?.objectValue?["retryCount"] == 7)
            #expect(workflow.tasks[0].taskType == "HTTP")
            #expect(workflow.tasks[0].workerId == "baton-http")
        }
    }

    @Test("HTTP with asyncComplete: after its call the task waits IN_PROGRESS with the response, until completed from outside")
    func httpAsyncComplete() async throws {
        try await withRunningServer(configure: { $0.httpTaskTargets = .unrestricted }) { server in
            try await server.registerTaskDefs(#"[{"name":"probe","retryCount":0}]"#)
            try await server.registerWorkflow(#"""
                {"name":"http_async","tasks":[{"name":"call","taskReferenceName":"call","type":"HTTP","asyncComplete":true,
                  "inputParameters":{"http_request":{"uri":"\#(server.baseURL)/api/metadata/taskdefs/probe","method":"GET"}}}]}
                """#)
            let id = try await server.start("http_async")
            var workflow = try await server.workflow(id)
            #expect(workflow.tasks.first?.inputData["asyncComplete"] == true, "Conductor puts the flag in the input")
            for _ in 0..<200 where workflow.tasks.first?.outputData["response"] == nil {
                try await Task.sleep(for: .milliseconds(25))
                workflow = try await server.workflow(id)
            }
            let called = try #require(workflow.tasks.first)
            #expect(called.status == .inProgress)
            #expect(called.outputData["response"]?.objectValue?["statusCode"] == 200)
            #expect(called.responseTimeoutSeconds == 0, "no lease runs out while it waits")
            #expect(workflow.status == .running)
            // Not handed to the runner again: it waits in no queue.
            #expect(try await server.client.get("/api/tasks/queue/size?taskType=HTTP").decode(Int.self) == 0)
            #expect(try await server.workflow(id).tasks.first?.pollCount == called.pollCount)
            let reply = try await server.client.send(.POST, "/api/tasks/\(id)/call/COMPLETED", body: #"{"confirmed":true}"#)
            #expect(reply.status == 200, "\(reply.text)")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.first?.outputData["confirmed"] == true)
        }
    }

    @Test("HTTP: a 4xx answer and a refused connection fail the task with a clear reason", arguments: [true, false])
    func httpFailure(refused: Bool) async throws {
        try await withRunningServer(configure: { $0.httpTaskTargets = .unrestricted }) { server in
            try await Self.register("http_call", on: server)
            let uri = refused ? "http://127.0.0.1:9/nothing" : "\(server.baseURL)/api/metadata/taskdefs/ghost"
            let id = try await server.start("http_call", input: #"{"uri":"\#(uri)"}"#)
            let workflow = try await Self.waitForEnd(of: id, on: server)
            #expect(workflow.status == .failed)
            let reason = workflow.tasks[0].reasonForIncompletion ?? ""
            #expect(refused ? reason.contains("failed") : reason.contains("404"), "\(reason)")
        }
    }

    @Test("JavaScript SWITCH, INLINE, JSON_JQ_TRANSFORM and a DO_WHILE loop run on the real engines")
    func scripted() async throws {
        try await withRunningServer { server in
            try await Self.register("scripted", on: server)
            let id = try await server.start("scripted", input: #"{"amount":250,"items":[{"id":"a"},{"id":"b"}],"rounds":3}"#)
            try await server.completeNext("approve")
            for round in 1...3 {
                let step = try await server.completeNext("step", output: #"{"n":\#(round)}"#)
                #expect(step.referenceTaskName == "step__\(round)")
                #expect(step.iteration == round)
                #expect(step.inputData["total"] == 275)
            }
            let workflow = try await Self.waitForEnd(of: id, on: server)
            #expect(workflow.status == .completed, "\(workflow.reasonForIncompletion ?? "")")
            #expect(workflow.tasks.first?.outputData["selectedCase"] == "large")
            #expect(workflow.output["fee"] == 25)
            #expect(workflow.output["skus"] == [["sku": "a"], ["sku": "b"]])
            #expect(workflow.output["iterations"] == 3)
            #expect(workflow.output["lastStep"] == 3)
            let loop = try #require(workflow.tasks.first { $0.referenceTaskName == "loop" })
            #expect(loop.outputData["2"]?.objectValue?["step"] == ["n": 2])
        }
    }

    @Test("update by reference name inside a loop picks the current iteration's task")
    func updateInsideLoop() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"gates","tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "loopCondition":"$.loop['iteration'] < 2",
                  "loopOver":[{"name":"gate","taskReferenceName":"gate","type":"WAIT"}]}]}
                """)
            let id = try await server.start("gates")
            #expect(try await server.client.send(.POST, "/api/tasks/\(id)/gate/COMPLETED", body: #"{"round":1}"#).status == 200)
            var workflow = try await server.workflowAfterScripts(id)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["loop", "gate__1", "gate__2"])
            #expect(try await server.client.send(.POST, "/api/tasks/\(id)/gate/COMPLETED", body: #"{"round":2}"#).status == 200)
            workflow = try await server.workflowAfterScripts(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.first { $0.referenceTaskName == "gate__2" }?.outputData["round"] == 2)
        }
    }

    @Test("script failures end in a FAILED task with the engine's message, never a crash", arguments: [
        (#""type":"INLINE","inputParameters":{"expression":"throw new Error('bad input')","evaluatorType":"javascript"}"#, "bad input"),
        (#""type":"JSON_JQ_TRANSFORM","inputParameters":{"queryExpression":"error(\"jq says no\")"}"#, "jq says no"),
        (#""type":"JSON_JQ_TRANSFORM","inputParameters":{"queryExpression":".[[["}"#, "compile"),
    ])
    func scriptFailures(node: String, message: String) async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"{"name":"broken","tasks":[{"name":"s","taskReferenceName":"s",\#(node)}]}"#)
            let id = try await server.start("broken")
            let workflow = try await Self.waitForEnd(of: id, on: server)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks[0].status == .failed)
            #expect(workflow.tasks[0].reasonForIncompletion?.contains(message) == true,
                    "\(workflow.tasks[0].reasonForIncompletion ?? "")")
        }
    }

    @Test("FORK_JOIN_DYNAMIC fans out the tasks its input lists and joins on all of them")
    func dynamicFork() async throws {
        try await withRunningServer { server in
            try await Self.register("dynamic_fork", on: server)
            let id = try await server.start("dynamic_fork", input: """
                {"tasks":[{"name":"pack","taskReferenceName":"p1"},{"name":"pack","taskReferenceName":"p2"}],
                 "inputs":{"p1":{"parcel":1},"p2":{"parcel":2}}}
                """)
            var parcels: [JSONValue] = []
            for _ in 0..<2 {
                let task = try #require(try await server.poll("pack"))
                parcels.append(task.inputData["parcel"] ?? .null)
                try await server.report(task, "COMPLETED", output: #"{"box":\#(task.inputData["parcel"]?.interpolated ?? "0")}"#)
            }
            #expect(Set(parcels.compactMap(\.intValue)) == [1, 2])
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed, "\(workflow.reasonForIncompletion ?? "")")
            #expect(workflow.output["packed"] == ["p1": ["box": 1], "p2": ["box": 2]])
            #expect(workflow.tasks.first?.taskType == "FORK")
        }
    }

    @Test("a dynamic fork with bad input fails with a clear reason")
    func dynamicForkBadInput() async throws {
        try await withRunningServer { server in
            try await Self.register("dynamic_fork", on: server)
            let id = try await server.start("dynamic_fork", input: #"{"tasks":"not a list","inputs":{}}"#)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks[0].reasonForIncompletion?.contains("must be a list of tasks") == true)
        }
    }

    @Test("TERMINATE inside a DO_WHILE ends the workflow at once")
    func terminateInsideLoop() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"loop_stop","tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "loopCondition":"true","loopOver":[{"name":"step","taskReferenceName":"step"},
                  {"name":"stop","taskReferenceName":"stop","type":"TERMINATE",
                   "inputParameters":{"terminationStatus":"COMPLETED","workflowOutput":{"at":"${step.output.n}"}}}]}]}
                """)
            let id = try await server.start("loop_stop")
            try await server.completeNext("step", output: #"{"n":1}"#)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output == ["at": 1])
            #expect(workflow.tasks.allSatisfy { $0.status.isTerminal })
            #expect(try await server.poll("step") == nil)
        }
    }

    @Test("DO_WHILE over `items` runs its body once per item, with loopItem and loopIndex")
    func loopOverItems() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"each","tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "items":"${workflow.input.parcels}",
                  "loopOver":[{"name":"ship","taskReferenceName":"ship",
                               "inputParameters":{"parcel":"${loop.output.loopItem}","index":"${loop.output.loopIndex}"}}]}]}
                """)
            let id = try await server.start("each", input: #"{"parcels":["a","b","c"]}"#)
            var seen: [JSONValue] = []
            for _ in 0..<3 {
                let task = try await server.completeNext("ship")
                seen.append(task.inputData["parcel"] ?? .null)
                #expect(task.inputData["index"] == .int(Int64(seen.count - 1)))
            }
            #expect(seen == ["a", "b", "c"])
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(try await server.poll("ship") == nil)
            let empty = try await server.start("each", input: #"{"parcels":[]}"#)
            #expect(try await server.workflow(empty).status == .completed)
        }
    }

    @Test("DO_WHILE with keepLastN keeps only the latest iterations, in its output and in the execution")
    func keepLastN() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"kept","tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "inputParameters":{"keepLastN":2},"loopCondition":"$.loop['iteration'] < 5",
                  "loopOver":[{"name":"gate","taskReferenceName":"gate","type":"WAIT"},
                              {"name":"tick","taskReferenceName":"tick","type":"NOOP"}]}]}
                """)
            let id = try await server.start("kept")
            for round in 1...5 {
                let reply = try await server.client.send(.POST, "/api/tasks/\(id)/gate/COMPLETED", body: #"{"round":\#(round)}"#)
                #expect(reply.status == 200, "\(reply.text)")
                let workflow = try await server.workflowAfterScripts(id)
                let loop = try #require(workflow.tasks.first)
                let kept = (max(1, round - 1)...round).map(String.init)
                #expect(Set(loop.outputData.keys.filter { Int($0) != nil }) == Set(kept), "round \(round)")
                let iterations = Set(workflow.tasks.dropFirst().map(\.iteration))
                let live = round < 5 ? [round + 1] : []
                #expect(iterations == Set(kept.compactMap(Int.init) + live), "round \(round): \(workflow.tasks.map(\.referenceTaskName))")
            }
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["loop", "gate__4", "tick__4", "gate__5", "tick__5"])
            #expect(workflow.tasks[0].iteration == 5, "a DO_WHILE task's own iteration is its count, as in Conductor")
            #expect(workflow.tasks[1].iteration == 4 && workflow.tasks[3].iteration == 5)
            let raw = try await server.client.get("/api/workflow/\(id)").text
            #expect(raw.contains(#""iteration":5,"loopOverTask":true"#) || raw.contains(#""loopOverTask":true"#))
            #expect(workflow.tasks[0].outputData["5"]?.objectValue?["gate"]?.objectValue?["round"] == 5)
            let events = try await server.client.get("/api/workflow/\(id)/events")
            #expect(events.text.contains("loop.iterations_removed"))
        }
    }

    @Test("a keepLastN that is not a whole number of at least 1 is refused at registration, naming it")
    func keepLastNRefused() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.POST, "/api/metadata/workflow", body: """
                {"name":"kept_badly","tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "inputParameters":{"keepLastN":0},"loopCondition":"false",
                  "loopOver":[{"name":"tick","taskReferenceName":"tick","type":"NOOP"}]}]}
                """)
            #expect(reply.status == 400)
            #expect(reply.text.contains("keepLastN"), "\(reply.text)")
        }
    }
}
