// A complete Baton worker: registers the `greet` task and the `hello` workflow, then executes
// `greet` tasks until Ctrl-C (SIGINT) or SIGTERM, finishing the tasks in flight before it exits.
//
//   swift run baton server            # in one terminal
//   swift run HelloWorker             # in another (BATON_SERVER_URL overrides the server)
//   swift run baton workflow start hello --input '{"name":"Ada"}'

import BatonClient
import BatonModel
import BatonWorker
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Executes `greet` tasks: says hello to the `name` in the task's input.
struct Greeter: Worker {
    let taskType = "greet"
    let concurrency = 4

    func execute(_ task: TaskExecution) async throws -> TaskOutcome {
        guard let name = task.inputData["name"]?.stringValue, !name.isEmpty else {
            throw TaskFailure("The input needs a name", isTerminal: true)
        }
        return .completed(["message": .string("Hello, \(name)!")], logs: ["Greeted \(name)"])
    }
}

let logger = Logger(label: "hello-worker")
let server = ProcessInfo.processInfo.environment["BATON_SERVER_URL"] ?? "http://localhost:8080"
let client = BatonClient(baseURL: server)

// Register what the worker needs (replacing older versions).
try await client.metadata.register(taskDefs: [TaskDef(name: "greet", retryCount: 2, retryDelaySeconds: 1,
                                                      responseTimeoutSeconds: 60)])
var hello = WorkflowDef(name: "hello", tasks: [WorkflowTask(name: "greet", taskReferenceName: "greet",
                                                            inputParameters: ["name": "${workflow.input.name}"])],
                        outputParameters: ["message": "${greet.output.message}"])
hello.description = "Says hello"
_ = try await client.metadata.update(workflowDefs: [hello])

// A second worker, written as a closure: shouts the message back.
let shouter = ClosureWorker("shout") { task in
    .completed(["text": .string((task.inputData["text"]?.stringValue ?? "").uppercased())])
}

let host = WorkerHost(client: client, workers: [Greeter(), shouter])
let group = ServiceGroup(services: [host], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
logger.info("Polling for greet and shout tasks", metadata: ["baton.server": "\(server)"])
try await group.run()
try await client.shutdown()
