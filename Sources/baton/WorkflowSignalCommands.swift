import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// The signal subcommands of `baton workflow`: one id uses the single endpoint, several the bulk one.
extension WorkflowCommand {
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause executions: no new tasks are scheduled or handed out until resumed.",
            discussion: "Examples:\n  baton workflow pause ID\n  baton workflow pause ID1 ID2 ID3")

        @Argument(help: "The workflow ids.")
        var workflowIds: [String]

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await CLI.signal(workflowIds, options: options, done: "Paused",
                                 single: { try await $0.workflows.pause($1) },
                                 bulk: { try await $0.workflows.pause($1) })
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume paused executions.",
            discussion: "Examples:\n  baton workflow resume ID\n  baton workflow resume ID1 ID2")

        @Argument(help: "The workflow ids.")
        var workflowIds: [String]

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await CLI.signal(workflowIds, options: options, done: "Resumed",
                                 single: { try await $0.workflows.resume($1) },
                                 bulk: { try await $0.workflows.resume($1) })
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retry failed executions from their last failed task.",
            discussion: "Examples:\n  baton workflow retry ID\n  baton workflow retry ID --resume-subworkflows\n  baton workflow retry ID1 ID2")

        @Argument(help: "The workflow ids.")
        var workflowIds: [String]

        @Flag(help: "Retry inside failed sub-workflows instead of restarting them.")
        var resumeSubworkflows = false

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let resume = resumeSubworkflows
            try await CLI.signal(workflowIds, options: options, done: "Retried",
                                 single: { try await $0.workflows.retry($1, resumeSubworkflowTasks: resume) },
                                 bulk: { client, ids in
                                     // The bulk endpoint has no resumeSubworkflowTasks; send one by one then.
                                     guard resume else { return try await client.workflows.retry(ids) }
                                     return try await CLI.eachOf(ids) { try await client.workflows.retry($0, resumeSubworkflowTasks: true) }
                                 })
        }
    }

    struct Terminate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Terminate executions, saying why.",
            discussion: "Examples:\n  baton workflow terminate ID --reason \"customer cancelled\"\n  baton workflow terminate ID1 ID2 --reason cleanup")

        @Argument(help: "The workflow ids.")
        var workflowIds: [String]

        @Option(help: "Why the executions are terminated (recorded as their reason).")
        var reason: String

        @Flag(help: "Start each execution's failure workflow.")
        var triggerFailureWorkflow = false

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let reason = self.reason
            let trigger = triggerFailureWorkflow
            try await CLI.signal(workflowIds, options: options, done: "Terminated",
                                 single: { try await $0.workflows.terminate($1, reason: reason, triggerFailureWorkflow: trigger) },
                                 bulk: { try await $0.workflows.terminate($1, reason: reason, triggerFailureWorkflow: trigger) })
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete executions and their tasks, whatever their status.",
            discussion: "Examples:\n  baton workflow delete ID\n  baton workflow delete ID1 ID2")

        @Argument(help: "The workflow ids.")
        var workflowIds: [String]

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await CLI.signal(workflowIds, options: options, done: "Deleted",
                                 single: { try await $0.workflows.delete($1) },
                                 bulk: { try await $0.workflows.delete($1) })
        }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restart ended executions from the beginning.",
            discussion: "Examples:\n  baton workflow restart ID\n  baton workflow restart ID1 ID2 --latest")

        @Argument(help: "The workflow ids.")
        var workflowIds: [String]

        @Flag(help: "Run on the latest version of the workflow and task definitions.")
        var latest = false

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let latest = self.latest
            try await CLI.signal(workflowIds, options: options, done: "Restarted",
                                 single: { try await $0.workflows.restart($1, useLatestDefinitions: latest) },
                                 bulk: { try await $0.workflows.restart($1, useLatestDefinitions: latest) })
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rerun an ended execution, from a task and with new input if given.",
            discussion: """
                --from-task takes a task id or a reference name (its latest attempt).

                Examples:
                  baton workflow rerun ID
                  baton workflow rerun ID --from-task greet --task-input '{"who":"Bob"}'
                  baton workflow rerun ID --input @new-input.json --correlation-id order-18
                """)

        @Argument(help: "The workflow id.")
        var workflowId: String

        @Option(help: ArgumentHelp("Rerun from this task: a reference name or a task id.", valueName: "ref|task-id"))
        var fromTask: String?

        @Option(help: ArgumentHelp("New workflow input: a JSON object or @file.", valueName: "json"))
        var input: String?

        @Option(help: ArgumentHelp("New input for the task rerun from: a JSON object or @file.", valueName: "json"))
        var taskInput: String?

        @Option(help: "A new correlation id.")
        var correlationId: String?

        @OptionGroup var options: ClientOptions

        func validate() throws {
            if taskInput != nil && fromTask == nil { throw ValidationError("--task-input needs --from-task") }
        }

        func run() async throws {
            var request = RerunWorkflowRequest(correlationId: correlationId)
            request.workflowInput = try input.map { try CLI.jsonObject($0, option: "--input") }
            request.taskInput = try taskInput.map { try CLI.jsonObject($0, option: "--task-input") }
            let fromTask = self.fromTask
            let id = try await options.withClient { client in
                var request = request
                if let fromTask {
                    let workflow = try await client.workflows.get(workflowId)
                    guard let task = workflow.tasks.first(where: { $0.taskId == fromTask })
                            ?? workflow.tasks.last(where: { $0.referenceTaskName == fromTask }) else {
                        throw RefusedError(message: "Workflow \(workflowId) has no task with id or reference name '\(fromTask)'")
                    }
                    request.reRunFromTaskId = task.taskId
                }
                return try await client.workflows.rerun(workflowId, request)
            }
            if options.json { try CLI.printJSON(["workflowId": id]) } else { print("Rerunning \(id)") }
        }
    }
}

extension CLI {
    /// Applies `operation` to each id in turn and collects the outcomes as a bulk endpoint would.
    static func eachOf(_ ids: [String], _ operation: (String) async throws -> Void) async throws -> BulkResponse {
        var response = BulkResponse()
        for id in ids {
            do {
                try await operation(id)
                response.bulkSuccessfulResults.append(id)
            } catch let error as ClientError where error.isRefusal {
                response.bulkErrorResults[id] = error.message
            }
        }
        return response
    }
}
