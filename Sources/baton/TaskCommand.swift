import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// `baton task …`: signal a task by reference name, or take a task as a worker would.
struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Signal tasks by reference name, poll for one, or look at the queues.",
        discussion: """
            Examples:
              baton task update $ID approval COMPLETED --output '{"by":"you"}'
              baton task poll greet --worker-id me --json
              baton task signal $ID COMPLETED --output '{"approved":true}'
              baton task queues
            """,
        subcommands: [Update.self, Signal.self, Poll.self, Queues.self])

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the live task with a reference name to a status, merging output (e.g. complete a WAIT task).",
            discussion: """
                STATUS is one of COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR, IN_PROGRESS.

                Examples:
                  baton task update $ID approval COMPLETED --output '{"by":"you"}'
                  baton task update $ID charge FAILED_WITH_TERMINAL_ERROR --output @reason.json
                """)

        @Argument(help: "The workflow id.")
        var workflowId: String

        @Argument(help: "The task's reference name.")
        var referenceName: String

        @Argument(help: "The new status.")
        var status: String

        @Option(help: ArgumentHelp("Output to merge into the task's output: a JSON object or @file.", valueName: "json"))
        var output: String?

        @Option(help: "The worker id to record.")
        var workerId: String?

        @OptionGroup var options: ClientOptions

        func validate() throws {
            _ = try CLI.resultStatus(status)
        }

        func run() async throws {
            let status = try CLI.resultStatus(self.status)
            let outputObject = try output.map { try CLI.jsonObject($0, option: "--output") } ?? [:]
            let taskId = try await options.withClient { client in
                try await client.tasks.updateByReferenceName(workflowId: workflowId, referenceName: referenceName,
                                                            status: status, output: outputObject, workerId: workerId)
            }
            if options.json {
                try CLI.printJSON(["taskId": taskId, "workflowId": workflowId, "status": status.rawValue])
            } else {
                print("Task \(referenceName) (\(taskId)) of \(workflowId) is now \(status.rawValue)")
            }
        }
    }

    struct Signal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the task a workflow is blocked on (a WAIT or HUMAN task, in it or a sub-workflow) to a status.",
            discussion: """
                STATUS is one of COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR, IN_PROGRESS.

                Examples:
                  baton task signal $ID COMPLETED --output '{"approved":true}'
                """)

        @Argument(help: "The workflow id.")
        var workflowId: String

        @Argument(help: "The new status.")
        var status: String

        @Option(help: ArgumentHelp("Output to merge into the task's output: a JSON object or @file.", valueName: "json"))
        var output: String?

        @OptionGroup var options: ClientOptions

        func validate() throws {
            _ = try CLI.resultStatus(status)
        }

        func run() async throws {
            let status = try CLI.resultStatus(self.status)
            let outputObject = try output.map { try CLI.jsonObject($0, option: "--output") } ?? [:]
            try await options.withClient { client in
                try await client.tasks.signal(workflowId: workflowId, status: status, output: outputObject)
            }
            if options.json {
                try CLI.printJSON(["workflowId": workflowId, "status": status.rawValue])
            } else {
                print("The task \(workflowId) was blocked on is now \(status.rawValue)")
            }
        }
    }

    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take tasks of a type as a worker would (they become IN_PROGRESS for you).",
            discussion: """
                Prints nothing (or [] with --json) when no task is waiting.

                Examples:
                  baton task poll greet
                  baton task poll greet --count 5 --wait 2000 --json
                """)

        @Argument(help: "The task type.")
        var taskType: String

        @Option(help: "How many tasks to take at most.")
        var count = 1

        @Option(help: "Milliseconds to wait for a task when none is waiting (at most 5000).")
        var wait = 0

        @Option(help: "The worker id to record.")
        var workerId = "baton-cli"

        @Option(help: "The domain to poll in.")
        var domain: String?

        @OptionGroup var options: ClientOptions

        func validate() throws {
            guard (1...1000).contains(count) else { throw ValidationError("--count must be between 1 and 1000") }
            guard (0...5000).contains(wait) else { throw ValidationError("--wait must be between 0 and 5000") }
        }

        func run() async throws {
            let tasks = try await options.withClient { client in
                try await client.tasks.batchPoll(taskType: taskType, count: count, timeout: .milliseconds(wait),
                                                 workerId: workerId, domain: domain)
            }
            if options.json { return try CLI.printJSON(tasks) }
            guard !tasks.isEmpty else { return printError("No task of type \(taskType) is waiting") }
            CLI.printTable(["TASK ID", "WORKFLOW ID", "REFERENCE", "INPUT"], tasks.map {
                [$0.taskId, $0.workflowInstanceId, $0.referenceTaskName, JSONValue.object($0.inputData).compactJSON]
            })
        }
    }
}

extension TaskCommand {
    struct Queues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the queues: tasks waiting, tasks workers hold, and when a worker last polled.",
            discussion: "Examples:\n  baton task queues\n  baton task queues --json")

        @OptionGroup var options: ClientOptions

        struct Row: Encodable {
            var queue: String
            var waiting: Int
            var inProgress: Int
            var lastPollTime: Int64?
        }

        func run() async throws {
            let (details, polls) = try await options.withClient { client in
                (try await client.tasks.queueDetails(), try await client.tasks.allPollData())
            }
            var lastPoll: [String: Int64] = [:]
            for poll in polls { lastPoll[poll.queueName] = max(lastPoll[poll.queueName] ?? 0, poll.lastPollTime) }
            let rows = Set(details.keys).union(lastPoll.keys).sorted().map { name in
                Row(queue: name, waiting: details[name]?.waiting ?? 0, inProgress: details[name]?.inProgress ?? 0,
                    lastPollTime: lastPoll[name])
            }
            if options.json { return try CLI.printJSON(rows) }
            guard !rows.isEmpty else { return print("No queue has a task or a worker") }
            CLI.printTable(["QUEUE", "WAITING", "IN PROGRESS", "LAST POLL"], rows.map {
                [$0.queue, String($0.waiting), String($0.inProgress), CLI.time($0.lastPollTime ?? 0)]
            })
        }
    }
}

extension CLI {
    /// A task status given on the command line, in any case.
    static func resultStatus(_ text: String) throws -> TaskResultStatus {
        guard let status = TaskResultStatus(rawValue: text.uppercased()) else {
            throw ValidationError("Unknown status '\(text)'; use COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR or IN_PROGRESS")
        }
        return status
    }
}
