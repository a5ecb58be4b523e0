import BatonClient
import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import Testing

/// Runs `baton` against `server` (adding `--server`) and returns what it did.
func baton(_ arguments: [String], server: RunningServer) async throws -> CommandLineRun {
    try await CommandLineRun.run(arguments + ["--server", server.baseURL])
}

/// Writes `text` to a new temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "file.json") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

@Suite("baton command line")
struct CommandLineTests {
    @Test("def register, list and get; workflow start, get and search, as text and as --json")
    func definitionsStartAndRead() async throws {
        try await withClient { client, server in
            let taskFile = try temporaryFile(#"[{"name":"work","retryCount":0,"responseTimeoutSeconds":60}]"#)
            let workflowFile = try temporaryFile(#"""
                {"name":"hello","version":1,"description":"Says hello",
                 "tasks":[{"name":"work","taskReferenceName":"greet","inputParameters":{"who":"${workflow.input.name}"}},
                          {"name":"approval","taskReferenceName":"approval","type":"WAIT"}]}
                """#)
            let registered = try await baton(["def", "register", taskFile, workflowFile], server: server)
            #expect(registered.status == 0, "\(registered.standardError)")
            #expect(registered.standardOutput.contains("Registered workflow hello v1"))
            #expect(try await client.metadata.taskDef(named: "work").retryCount == 0)

            let list = try await baton(["def", "list", "--json"], server: server)
            #expect(try list.decode([WorkflowDef].self).map(\.name) == ["hello"])
            #expect(try await baton(["def", "list"], server: server).standardOutput.contains("hello"))
            #expect(try await baton(["def", "list", "--tasks", "--json"], server: server).decode([TaskDef].self).map(\.name) == ["work"])
            #expect(try await baton(["def", "get", "hello"], server: server).decode(WorkflowDef.self).tasks.count == 2)
            #expect(try await baton(["def", "get", "work", "--task"], server: server).decode(TaskDef.self).name == "work")

            let inputFile = try temporaryFile(#"{"name":"Ada"}"#)
            let started = try await baton(["workflow", "start", "hello", "--input", "@\(inputFile)", "--correlation-id", "c-1"],
                                          server: server)
            #expect(started.status == 0, "\(started.standardError)")
            let id = started.trimmedOutput
            #expect(try await client.workflows.get(id).input["name"] == "Ada")
            let startedJSON = try await baton(["workflow", "start", "hello", "--input", #"{"name":"Bob"}"#, "--json"], server: server)
            let second = try #require(try startedJSON.decode([String: String].self)["workflowId"])

            let summary = try await baton(["workflow", "get", id], server: server)
            #expect(summary.status == 0)
            #expect(summary.standardOutput.contains("RUNNING"))
            #expect(summary.standardOutput.contains("greet"))
            #expect(summary.standardOutput.contains("SCHEDULED"))
            let raw = try await baton(["workflow", "get", id, "--json"], server: server).decode(Workflow.self)
            #expect(raw.workflowId == id)
            #expect(raw.correlationId == "c-1")

            let found = try await baton(["workflow", "search", "--name", "hello", "--status", "RUNNING", "--json"], server: server)
            #expect(Set(try found.decode(SearchResult<WorkflowSummary>.self).results.map(\.workflowId)) == [id, second])
            let text = try await baton(["workflow", "search", "--query", "correlationId IN (c-1)"], server: server)
            #expect(text.standardOutput.contains(id))
            #expect(!text.standardOutput.contains(second))

            try await client.workflows.terminate(second, reason: "listed apart")
            let running = try await baton(["workflow", "list", "--status", "running", "--json"], server: server)
            #expect(try running.decode(SearchResult<WorkflowSummary>.self).results.map(\.workflowId) == [id])
            let latest = try await baton(["workflow", "list", "--name", "hello", "--size", "1"], server: server)
            #expect(latest.status == 0, "\(latest.standardError)")
            #expect(latest.standardOutput.contains("1 shown of 2"))
        }
    }

    @Test("every signal: pause, resume, terminate, retry, restart, rerun, delete, task update and poll")
    func signals() async throws {
        try await withClient { client, server in
            try await client.registerWorkThenWait("approve")
            let id = try await client.workflows.start(name: "approve")

            #expect(try await baton(["workflow", "pause", id], server: server).standardOutput.contains("Paused \(id)"))
            #expect(try await client.workflows.get(id).status == .paused)
            let resumed = try await baton(["workflow", "resume", id, "--json"], server: server)
            #expect(try resumed.decode(BulkResponse.self).bulkSuccessfulResults == [id])
            #expect(try await client.workflows.get(id).status == .running)

            let polled = try await baton(["task", "poll", "work", "--json"], server: server)
            let task = try #require(try polled.decode([BatonModel.TaskExecution].self).first)
            #expect(task.workflowInstanceId == id)
            #expect(try await baton(["task", "poll", "work", "--json"], server: server).decode([BatonModel.TaskExecution].self).isEmpty)
            try await client.tasks.update(TaskResult(workflowInstanceId: id, taskId: task.taskId, status: .completed))

            let updated = try await baton(["task", "update", id, "approval", "completed", "--output", #"{"by":"ops"}"#, "--json"],
                                          server: server)
            #expect(updated.status == 0, "\(updated.standardError)")
            #expect(try updated.decode([String: String].self)["status"] == "COMPLETED")
            let done = try await client.workflows.get(id)
            #expect(done.status == .completed)
            #expect(done.output["by"] == "ops")

            let restarted = try await baton(["workflow", "restart", id, "--latest"], server: server)
            #expect(restarted.status == 0, "\(restarted.standardError)")
            #expect(try await client.workflows.get(id).status == .running)

            let terminated = try await baton(["workflow", "terminate", id, "--reason", "operator stop"], server: server)
            #expect(terminated.status == 0, "\(terminated.standardError)")
            #expect(try await client.workflows.get(id).reasonForIncompletion == "operator stop")

            let retried = try await baton(["workflow", "retry", id], server: server)
            #expect(retried.status == 0, "\(retried.standardError)")
            #expect(try await client.workflows.get(id).status == .running)
            try await client.completeNext()
            _ = try await client.tasks.updateByReferenceName(workflowId: id, referenceName: "approval", status: .completed)

            let rerun = try await baton(["workflow", "rerun", id, "--from-task", "approval", "--task-input", #"{"again":true}"#],
                                        server: server)
            #expect(rerun.status == 0, "\(rerun.standardError)")
            let rerunWorkflow = try await client.workflows.get(id)
            #expect(rerunWorkflow.status == .running)
            #expect(rerunWorkflow.tasks.last?.referenceTaskName == "approval")
            #expect(rerunWorkflow.tasks.last?.status == .inProgress)

            let deleted = try await baton(["workflow", "delete", id], server: server)
            #expect(deleted.status == 0)
            let gone = await #expect(throws: ClientError.self) { try await client.workflows.get(id) }
            #expect(gone?.status == 404)
        }
    }

    @Test("several ids use the bulk endpoint; a partial failure exits 1 and names the id")
    func bulkSignals() async throws {
        try await withClient { client, server in
            try await client.registerChain("chain", refs: ["one"])
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await client.workflows.start(name: "chain")) }

            let paused = try await baton(["workflow", "pause"] + ids + ["--json"], server: server)
            #expect(paused.status == 0)
            #expect(Set(try paused.decode(BulkResponse.self).bulkSuccessfulResults) == Set(ids))
            for id in ids { #expect(try await client.workflows.get(id).status == .paused) }

            let partial = try await baton(["workflow", "terminate", ids[0], "missing-id", "--reason", "bulk"], server: server)
            #expect(partial.status == 1)
            #expect(partial.standardOutput.contains("Terminated \(ids[0])"))
            #expect(partial.standardError.contains("missing-id"))

            let restarted = try await baton(["workflow", "restart", ids[0], ids[1]], server: server)
            #expect(restarted.status == 1)
            #expect(restarted.standardError.contains(ids[1]))
            #expect(try await client.workflows.get(ids[0]).status == .running)

            let retried = try await baton(["workflow", "retry", ids[1], ids[2], "--resume-subworkflows", "--json"], server: server)
            #expect(try retried.decode(BulkResponse.self).bulkErrorResults.count == 2)
            let resumed = try await baton(["workflow", "resume", ids[1], ids[2]], server: server)
            #expect(resumed.status == 0)

            let deleted = try await baton(["workflow", "delete"] + ids + ["--json"], server: server)
            #expect(Set(try deleted.decode(BulkResponse.self).bulkSuccessfulResults) == Set(ids))
        }
    }

    @Test("exit codes: 1 refused with the server's message, 2 usage, 3 unreachable")
    func exitCodes() async throws {
        try await withRunningServer { server in
            let refused = try await baton(["workflow", "get", "no-such-id"], server: server)
            #expect(refused.status == 1)
            #expect(refused.standardError.contains("no-such-id"))
            #expect(refused.standardError.contains("404"))
            let conflict = try await baton(["workflow", "start", "undefined-workflow"], server: server)
            #expect(conflict.status == 1)
            #expect(conflict.standardError.contains("undefined-workflow"))

            for usage in [["workflow", "get"], ["workflow", "start", "x", "--input", "not json"],
                          ["workflow", "terminate", "some-id"], ["task", "update", "w", "ref", "DONE"],
                          ["workflow", "start", "x", "--input", "@/no/such/file.json"], ["workflow", "frobnicate"],
                          ["workflow", "search", "--status", "SLEEPING"], ["workflow", "list", "--size", "0"]] {
                let run = try await baton(usage, server: server)
                #expect(run.status == 2, "\(usage): \(run.status) \(run.standardError)")
                #expect(!run.standardError.isEmpty)
            }
            #expect(try await CommandLineRun.run(["workflow", "get", "x", "--server", "not a url"]).status == 2)

            // A usage error found while the command runs names the command, as one found while parsing does.
            let unreadable = try await baton(["def", "register", "/no/such/definition.json"], server: server)
            #expect(unreadable.status == 2)
            #expect(unreadable.standardError.contains("Usage: baton def register"), "\(unreadable.standardError)")
            #expect(unreadable.standardError.contains("See 'baton def register --help'"), "\(unreadable.standardError)")

            let port = try freePort()
            let unreachable = try await CommandLineRun.run(["workflow", "get", "x", "--server", "http://127.0.0.1:\(port)"])
            #expect(unreachable.status == 3)
            #expect(unreachable.standardError
                == "Cannot reach the Baton server at http://127.0.0.1:\(port): connection refused\n")
            let fromEnvironment = try await CommandLineRun.run(["def", "list"],
                                                               environment: ["BATON_SERVER_URL": "http://127.0.0.1:\(port)"])
            #expect(fromEnvironment.status == 3)
            let viaEnvironment = try await CommandLineRun.run(["def", "list", "--json", "--api-key", "k"],
                                                              environment: ["BATON_SERVER_URL": server.baseURL])
            #expect(viaEnvironment.status == 0)
            #expect(try viaEnvironment.decode([WorkflowDef].self).isEmpty)
        }
    }

    @Test("task queues and the admin commands: settings, pending tasks, requeue, repair, sweep")
    func queuesAndAdmin() async throws {
        try await withClient { client, server in
            try await client.metadata.register(taskDefs: [TaskDef(name: "ops_cli", retryCount: 0)])
            try await client.metadata.register(workflowDef: WorkflowDef(name: "ops_cli_flow", tasks: [
                WorkflowTask(name: "ops_cli", taskReferenceName: "w")]), overwrite: true)
            let first = try await client.workflows.start(name: "ops_cli_flow")
            _ = try await client.workflows.start(name: "ops_cli_flow")
            #expect(try await client.tasks.batchPoll(taskType: "ops_cli", count: 1, workerId: "cli-test").count == 1)

            let queues = try await baton(["task", "queues"], server: server)
            #expect(queues.status == 0, "\(queues.standardError)")
            let row = try #require(queues.standardOutput.split(separator: "\n").first { $0.hasPrefix("ops_cli ") })
            #expect(row.split(separator: " ", omittingEmptySubsequences: true).prefix(3) == ["ops_cli", "1", "1"], "\(row)")
            #expect(try await baton(["task", "queues", "--json"], server: server).standardOutput.contains(#""inProgress" : 1"#))

            let config = try await baton(["admin", "config", "--json"], server: server)
            #expect(config.status == 0 && config.standardOutput.contains("maximumTasksPerWorkflow"), "\(config.standardError)")
            let pending = try await baton(["admin", "pending", "ops_cli", "--json"], server: server)
            #expect(try pending.decode([BatonModel.TaskExecution].self).map(\.status) == [.inProgress, .scheduled])
            let requeued = try await baton(["admin", "requeue", "ops_cli"], server: server)
            #expect(requeued.standardOutput.contains("Requeued 0 tasks of type ops_cli"), "\(requeued.standardOutput)")
            let repaired = try await baton(["admin", "repair", first], server: server)
            #expect(repaired.standardOutput.contains("needed no repair"), "\(repaired.standardOutput)")
            #expect(try await baton(["admin", "sweep", first], server: server).status == 0)
            let unknown = try await baton(["admin", "repair", "no-such-workflow"], server: server)
            #expect(unknown.status == 1, "refused with the server's message")
            #expect(try await baton(["admin", "pending", "ops_cli", "--count", "0"], server: server).status == 2)
        }
    }

    @Test("schedule next: the next fire times of a cron expression, as a table and as --json; a bad expression exits 1 with the server's message, a bad limit 2")
    func scheduleNext() async throws {
        try await withClient { _, server in
            server.clock.advance(by: 1_630_000_000_000 - server.clock.now())  // 2021-08-26T17:46:40Z
            let table = try await baton(["schedule", "next", "0 0 9 * * MON-FRI", "--limit", "2"], server: server)
            #expect(table.status == 0, "\(table.standardError)")
            #expect(table.standardOutput.contains("2021-08-27T09:00:00"), "\(table.standardOutput)")
            #expect(table.standardOutput.contains("1630314000000"), "Monday 30 August: \(table.standardOutput)")
            let json = try await baton(["schedule", "next", "0 * * * * *", "--end", "1630000090000", "--json"], server: server)
            #expect(try json.decode([Int64].self) == [1_630_000_020_000, 1_630_000_080_000])
            let never = try await baton(["schedule", "next", "0 0 0 31 6 *"], server: server)
            #expect(never.status == 0 && never.standardOutput.contains("does not fire again"), "\(never.standardOutput)")
            let refused = try await baton(["schedule", "next", "0 0 25 * * *"], server: server)
            #expect(refused.status == 1 && refused.standardError.contains("hour '25'"), "\(refused.standardError)")
            #expect(try await baton(["schedule", "next", "* * * * * *", "--limit", "6"], server: server).status == 2)
        }
    }

    @Test("schedule create, list, get, executions, pause, resume, save and delete: each slot's workflow shown; refusals exit 1")
    func schedules() async throws {
        try await withClient { client, server in
            try await client.metadata.register(workflowDef: WorkflowDef(name: "cli_report", tasks: [
                WorkflowTask(name: "cli_build", taskReferenceName: "build"),
            ]))
            server.clock.advance(by: 1_630_000_000_000 - server.clock.now())  // 2021-08-26T17:46:40Z
            let created = try await baton(["schedule", "create", "cli-nightly", "--workflow", "cli_report", "--cron", "0 0 2 * * *",
                                           "--zone", "Europe/Paris", "--input", #"{"region":"eu"}"#], server: server)
            #expect(created.status == 0, "\(created.standardError)")
            #expect(created.standardOutput.contains("Saved cli-nightly: 2021-08-27T00:00:00"), "\(created.standardOutput)")
            let list = try await baton(["schedule", "list"], server: server)
            #expect(list.standardOutput.contains("cli-nightly") && list.standardOutput.contains("Europe/Paris"),
                    "\(list.standardOutput)")
            let got = try await baton(["schedule", "get", "cli-nightly"], server: server)
            let schedule = try got.decode(WorkflowSchedule.self)
            #expect(schedule.startWorkflowRequest?.input == ["region": "eu"] && schedule.nextRunTime == 1_630_022_400_000)
            server.clock.advance(by: 1_630_022_400_000 - server.clock.now())
            await server.engine.fireDueSchedules()
            let executions = try await baton(["schedule", "executions", "cli-nightly"], server: server)
            #expect(executions.standardOutput.contains("2021-08-27T00:00:00") && executions.standardOutput.contains("EXECUTED"),
                    "\(executions.standardOutput)")
            let paused = try await baton(["schedule", "pause", "cli-nightly", "--reason", "holiday"], server: server)
            #expect(paused.status == 0 && paused.standardOutput.contains("Paused cli-nightly"))
            #expect(try await baton(["schedule", "list"], server: server).standardOutput.contains("paused (holiday)"))
            #expect(try await baton(["schedule", "resume", "cli-nightly"], server: server).status == 0)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("schedule-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(#"[{"name":"cli-hourly","cronExpression":"0 0 * * * *","startWorkflowRequest":{"name":"cli_report"}}]"#.utf8)
                .write(to: file)
            let saved = try await baton(["schedule", "save", file.path], server: server)
            #expect(saved.status == 0 && saved.standardOutput.contains("Saved cli-hourly"), "\(saved.standardError)")
            let refused = try await baton(["schedule", "create", "bad", "--workflow", "cli_report", "--cron", "0 0 25 * * *"],
                                          server: server)
            #expect(refused.status == 1 && refused.standardError.contains("hour '25'"), "\(refused.standardError)")
            let missing = try await baton(["schedule", "pause", "nope"], server: server)
            #expect(missing.status == 1 && missing.standardError.contains("Schedule 'nope' not found"), "\(missing.standardError)")
            #expect(try await baton(["schedule", "delete", "cli-nightly"], server: server).status == 0)
            #expect(try await client.scheduler.schedules().map(\.name) == ["cli-hourly"])
        }
    }

    @Test("--help works everywhere and shows examples")
    func help() async throws {
        for command in [[], ["workflow"], ["workflow", "start"], ["workflow", "list"], ["workflow", "rerun"],
                        ["workflow", "terminate"], ["task"], ["task", "update"], ["task", "queues"], ["def"], ["def", "register"],
                        ["admin"], ["admin", "pending"], ["schedule"], ["schedule", "next"], ["schedule", "create"],
                        ["schedule", "save"], ["schedule", "executions"]] {
            let run = try await CommandLineRun.run(command + ["--help"])
            #expect(run.status == 0, "\(command)")
            #expect(run.standardOutput.contains("Examples"), "\(command): \(run.standardOutput)")
            #expect(run.standardOutput.contains((["USAGE: baton"] + command).joined(separator: " ")), "\(run.standardOutput)")
        }
    }
}
