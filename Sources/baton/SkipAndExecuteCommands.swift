import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// `baton workflow skip-task` and `baton workflow execute`.
extension WorkflowCommand {
    struct SkipTask: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "skip-task",
            abstract: "Skip a task a running execution has not reached yet: it is passed over when reached.",
            discussion: """
                Examples:
                  baton workflow skip-task ID notify
                  baton workflow skip-task ID charge --task-output '{"charged":false}'
                """)

        @Argument(help: "The workflow id.")
        var workflowId: String

        @Argument(help: "The task's reference name.")
        var referenceName: String

        @Option(help: ArgumentHelp("Input to record on the skipped task: a JSON object or @file.", valueName: "json"))
        var taskInput: String?

        @Option(help: ArgumentHelp("Output to record on the skipped task: a JSON object or @file.", valueName: "json"))
        var taskOutput: String?

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let request = SkipTaskRequest(taskInput: try taskInput.map { try CLI.jsonObject($0, option: "--task-input") },
                                          taskOutput: try taskOutput.map { try CLI.jsonObject($0, option: "--task-output") })
            try await options.withClient { client in
                try await client.workflows.skipTask(workflowId, referenceName: referenceName, request)
            }
            if options.json {
                try CLI.printJSON(["workflowId": workflowId, "skipped": referenceName])
            } else {
                print("Task \(referenceName) of \(workflowId) will be skipped")
            }
        }
    }

    struct Execute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a workflow and wait until it ends, blocks on a WAIT or HUMAN task, or reaches a task.",
            discussion: """
                Prints the execution as it stands then (the reply's JSON with --json); "still running" after
                --wait-for-seconds is not an error.

                Examples:
                  baton workflow execute checkout --input '{"cart":17}'
                  baton workflow execute checkout --wait-until charge,ship --wait-for-seconds 30 --json
                """)

        @Argument(help: "The workflow definition's name.")
        var name: String

        @Option(help: "The definition's version (default: the latest).")
        var version: Int?

        @Option(help: ArgumentHelp("The input: a JSON object, or @file holding one.", valueName: "json"))
        var input: String?

        @Option(help: "A correlation id to find the execution by.")
        var correlationId: String?

        @Option(help: ArgumentHelp("Answer once one of these tasks has ended (comma-separated reference names).",
                                   valueName: "refs"))
        var waitUntil: String?

        @Option(help: "Seconds to wait at most.")
        var waitForSeconds = 10

        @OptionGroup var options: ClientOptions

        func validate() throws {
            guard waitForSeconds > 0 else { throw ValidationError("--wait-for-seconds must be positive") }
        }

        func run() async throws {
            var request = StartWorkflowRequest(name: name, input: try input.map { try CLI.jsonObject($0, option: "--input") } ?? [:],
                                               correlationId: correlationId)
            request.version = version
            let references = waitUntil?.split(separator: ",").map(String.init) ?? []
            let reply = try await options.withClient { client in
                try await client.workflows.execute(request, name: name, version: version ?? 0, waitUntilTaskRefs: references,
                                                   waitForSeconds: waitForSeconds)
            }
            guard case .workflow(let run) = reply else {
                throw RefusedError(message: "The server answered no workflow")
            }
            if options.json {
                try CLI.printJSON(run)
            } else {
                let note = run.signalTimeout ? " (still waiting after \(waitForSeconds) s)" : ""
                print("\(run.workflowId) \(run.status.rawValue)\(note)")
                for task in run.tasks {
                    print("  \(task.referenceTaskName)  \(task.status.rawValue)")
                }
            }
        }
    }
}
