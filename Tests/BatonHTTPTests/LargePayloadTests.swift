import BatonDecider
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import GRDB
import NIOHTTP1
import Testing

/// Payloads up to Conductor's limits (`PayloadLimits`), scaled down: thresholds of 2 KB (task) and 4 KB (workflow),
/// maxima of 16 KB. Ports of Conductor's ExternalPayloadStorageSpec, where Conductor's "externalized" payloads are
/// Baton's payloads stored apart — and still handed to clients inline (Baton has no external storage for clients to
/// download from: docs/compatibility.md).
@Suite("Large payloads")
struct LargePayloadTests {
    static func configure(_ configuration: inout ServerConfiguration) {
        var payloads = PayloadLimits()
        payloads.taskInput = PayloadLimits.Bound(threshold: 2_000, maximum: 16_000)
        payloads.taskOutput = PayloadLimits.Bound(threshold: 2_000, maximum: 16_000)
        payloads.workflowInput = PayloadLimits.Bound(threshold: 4_000, maximum: 16_000)
        payloads.workflowOutput = PayloadLimits.Bound(threshold: 4_000, maximum: 16_000)
        configuration.executionLimits.payloads = payloads
    }

    /// A JSON object of about `size` bytes.
    static func blob(_ size: Int, _ tag: String = "x") -> String {
        #"{"tag":"\#(tag)","blob":"\#(String(repeating: "b", count: size))"}"#
    }

    /// Two SIMPLE tasks: the first gets the whole workflow input, the second the first's output; the workflow's output
    /// is the second's.
    static let chain = #"""
        {"name":"large_chain","version":1,"tasks":[
          {"name":"task_1","taskReferenceName":"t1","inputParameters":{"all":"${workflow.input}"}},
          {"name":"task_2","taskReferenceName":"t2","inputParameters":{"previous":"${t1.output}"}}],
         "outputParameters":{"last":"${t2.output}"}}
        """#

    /// The payloads kept apart, as (owner, kind) pairs.
    static func storedApart(_ server: RunningServer) throws -> Set<String> {
        let database = try DatabaseQueue(path: server.database)
        return Set(try database.read { try String.fetchAll($0, sql: "SELECT owner_id || ' ' || kind FROM payloads") })
    }

    @Test("a workflow with a large input and large task outputs runs to its end; clients get every payload whole (Test simple workflow using external payload storage)")
    func simpleWorkflow() async throws {
        try await withRunningServer(configure: Self.configure) { server in
            try await server.registerWorkflow(Self.chain)
            let id = try await server.start("large_chain", input: Self.blob(6_000, "input"))
            let first = try #require(try await server.poll("task_1"))
            #expect(first.inputData["all"]?.objectValue?["tag"] == "input", "the worker gets the whole input")
            #expect(first.inputData["all"]?.objectValue?["blob"]?.stringValue?.count == 6_000)
            #expect(try Self.storedApart(server) == ["\(id) workflow-input", "\(first.taskId) task-input"])

            #expect(try await server.report(first, "COMPLETED", output: Self.blob(3_000, "first")).status == 200)
            let second = try #require(try await server.poll("task_2"))
            #expect(second.inputData["previous"]?.objectValue?["tag"] == "first", "the next task gets the large output")
            #expect(try await server.report(second, "COMPLETED", output: Self.blob(5_000, "second")).status == 200)

            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.input["tag"] == "input" && workflow.input["blob"]?.stringValue?.count == 6_000)
            #expect(workflow.tasks[0].outputData["tag"] == "first")
            #expect(workflow.output["last"]?.objectValue?["tag"] == "second", "the workflow's output, whole")
            #expect(try Self.storedApart(server) == [
                "\(id) workflow-input", "\(id) workflow-output", "\(first.taskId) task-input", "\(first.taskId) task-output",
                "\(second.taskId) task-input", "\(second.taskId) task-output",
            ])
            let columns = try await DatabaseQueue(path: server.database).read {
                try String.fetchAll($0, sql: "SELECT substr(input, 1, 1) || substr(output, 1, 1) FROM workflows")
            }
            #expect(columns == ["@@"], "the workflow row references both payloads instead of holding them")

            // Removing the workflow removes its payloads.
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(id)/remove").status == 200)
            #expect(try Self.storedApart(server).isEmpty)
        }
    }

    @Test("a large output reported several times is kept once per change, and a small one at the end leaves nothing apart (Test update task output multiple times using external payload storage)")
    func outputUpdatedSeveralTimes() async throws {
        try await withRunningServer(configure: Self.configure) { server in
            try await server.registerWorkflow(Self.chain)
            let id = try await server.start("large_chain")
            let first = try #require(try await server.poll("task_1"))
            #expect(try await server.report(first, "IN_PROGRESS", output: Self.blob(3_000, "one"), callbackAfterSeconds: 0).status == 200)
            #expect(try await server.workflow(id).tasks[0].outputData["tag"] == "one")
            let version = { try DatabaseQueue(path: server.database).read {
                try String.fetchOne($0, sql: "SELECT version FROM payloads WHERE owner_id = ?", arguments: [first.taskId])
            } }
            let firstVersion = try version()
            #expect(firstVersion != nil)
            // Polled again and extended: the output unchanged is not written again.
            let again = try #require(try await server.poll("task_1"))
            #expect(try await server.report(again, "IN_PROGRESS", output: Self.blob(3_000, "one"), callbackAfterSeconds: 0).status == 200)
            #expect(try version() == firstVersion, "an unchanged payload is not rewritten")
            let third = try #require(try await server.poll("task_1"))
            #expect(try await server.report(third, "IN_PROGRESS", output: Self.blob(3_500, "two"), callbackAfterSeconds: 0).status == 200)
            #expect(try version() != firstVersion)
            #expect(try await server.workflow(id).tasks[0].outputData["tag"] == "two")
            let last = try #require(try await server.poll("task_1"))
            #expect(try await server.report(last, "COMPLETED", output: #"{"small":true}"#).status == 200)
            let workflow = try await server.workflow(id)
            #expect(workflow.tasks[0].outputData == ["small": true])
            #expect(try Self.storedApart(server).isEmpty, "the large output left with its value")
        }
    }

    @Test("a worker's output over the maximum fails its task for good, without the output, with Conductor's message; the workflow fails")
    func workerOutputOverMaximum() async throws {
        try await withRunningServer(configure: Self.configure) { server in
            try await server.registerTaskDefs(#"[{"name":"task_1","retryCount":3,"retryDelaySeconds":0}]"#)
            try await server.registerWorkflow(Self.chain)
            let id = try await server.start("large_chain")
            let task = try #require(try await server.poll("task_1"))
            let reply = try await server.report(task, "COMPLETED", output: Self.blob(20_000))
            #expect(reply.status == 200, "accepted, as Conductor does, and recorded as the task's failure")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.count == 1, "no retry of a terminal error")
            let failed = workflow.tasks[0]
            #expect(failed.status == .failedWithTerminalError)
            #expect(failed.outputData.isEmpty)
            let reason = failed.reasonForIncompletion ?? ""
            #expect(reason.hasPrefix("The payload size: ") && reason.contains("of task: \(task.taskId) in workflow: \(id)")
                    && reason.hasSuffix("is greater than the permissible limit: 16000 bytes"), "\(reason)")
        }
    }

    @Test("a task whose resolved input is over the maximum is created failed for good, without the input; the workflow fails")
    func taskInputOverMaximum() async throws {
        try await withRunningServer(configure: Self.configure) { server in
            try await server.registerWorkflow(#"""
                {"name":"doubling","version":1,"tasks":[
                  {"name":"task_1","taskReferenceName":"t1","inputParameters":{"a":"${workflow.input.blob}","b":"${workflow.input.blob}"}}]}
                """#)
            let id = try await server.start("doubling", input: Self.blob(9_000))
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            let task = try #require(workflow.tasks.first)
            #expect(task.status == .failedWithTerminalError)
            #expect(task.inputData.isEmpty)
            #expect(task.reasonForIncompletion?.hasSuffix("is greater than the permissible limit: 16000 bytes") == true)
            #expect(try await server.poll("task_1") == nil, "never handed out")
        }
    }

    @Test("a workflow output over the maximum fails the workflow with Conductor's message and no output")
    func workflowOutputOverMaximum() async throws {
        try await withRunningServer(configure: Self.configure) { server in
            try await server.registerWorkflow(#"""
                {"name":"echo_twice","version":1,"tasks":[{"name":"task_1","taskReferenceName":"t1"}],
                 "outputParameters":{"a":"${t1.output}","b":"${t1.output}"}}
                """#)
            let id = try await server.start("echo_twice")
            try await server.completeNext("task_1", output: Self.blob(9_000))
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.output.isEmpty)
            #expect(workflow.reasonForIncompletion?.hasPrefix("The payload size: ") == true)
            #expect(workflow.reasonForIncompletion?.hasSuffix("of workflow: \(id) is greater than the permissible limit: 16000 bytes") == true,
                    "\(workflow.reasonForIncompletion ?? "")")
        }
    }

    @Test("a workflow input over the maximum is refused with 413 naming the setting, and nothing is started; a rerun's too")
    func workflowInputOverMaximum() async throws {
        try await withRunningServer(configure: Self.configure) { server in
            try await server.registerWorkflow(Self.chain)
            let refused = try await server.client.send(.POST, "/api/workflow/large_chain", body: Self.blob(20_000))
            #expect(refused.status == 413)
            #expect((try refused.object()["message"] as? String ?? "").contains("maxWorkflowInputPayloadSizeThreshold"))
            let wrapped = try await server.client.send(.POST, "/api/workflow",
                                                      body: #"{"name":"large_chain","input":\#(Self.blob(20_000))}"#)
            #expect(wrapped.status == 413)
            let search = try await server.client.get("/api/workflow/search?query=workflowType%3Dlarge_chain")
            #expect((try search.object()["totalHits"] as? Int) == 0, "nothing was started")

            let id = try await server.start("large_chain")
            let rerun = try await server.client.send(.POST, "/api/workflow/\(id)/rerun",
                                                    body: #"{"workflowInput":\#(Self.blob(20_000))}"#)
            #expect(rerun.status == 413)
            #expect(try await server.workflow(id).input.isEmpty, "the rerun changed nothing")
        }
    }

    @Test("a payload stored apart is read back whole by a server started again on the same database")
    func survivesRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-payloads-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("baton.sqlite").path
        let id = try await withRunningServer(configure: { Self.configure(&$0); $0.database = path }) { server in
            try await server.registerWorkflow(Self.chain)
            return try await server.start("large_chain", input: Self.blob(6_000, "kept"))
        }
        try await withRunningServer(configure: { Self.configure(&$0); $0.database = path }) { server in
            let task = try #require(try await server.poll("task_1"))
            #expect(task.inputData["all"]?.objectValue?["tag"] == "kept")
            #expect(try await server.workflow(id).input["tag"] == "kept")
        }
    }

    @Test("a start or a result that points at a payload in external storage is refused with 400 naming the field, changing nothing")
    func externalStoragePathsRefused() async throws {
        try await withRunningServer(configure: Self.configure) { server in
            try await server.registerWorkflow(Self.chain)
            let start = try await server.client.send(.POST, "/api/workflow",
                                                    body: #"{"name":"large_chain","externalInputPayloadStoragePath":"in/1.json"}"#)
            #expect(start.status == 400)
            #expect(start.text.contains("externalInputPayloadStoragePath"), "\(start.text)")
            let id = try await server.start("large_chain")
            let task = try #require(try await server.poll("task_1"))
            let result = #"{"workflowInstanceId":"\#(id)","taskId":"\#(task.taskId)","status":"COMPLETED","#
                + #""externalOutputPayloadStoragePath":"out/1.json"}"#
            let reply = try await server.client.send(.POST, "/api/tasks", body: result)
            #expect(reply.status == 400)
            #expect(reply.text.contains("externalOutputPayloadStoragePath"), "\(reply.text)")
            #expect(try await server.workflow(id).tasks[0].status == .inProgress)
            // The field present but empty (null or "") is what clients send when they do not use it.
            let plain = #"{"workflowInstanceId":"\#(id)","taskId":"\#(task.taskId)","status":"COMPLETED","#
                + #""externalOutputPayloadStoragePath":null}"#
            #expect(try await server.client.send(.POST, "/api/tasks", body: plain).status == 200)
        }
    }
}
