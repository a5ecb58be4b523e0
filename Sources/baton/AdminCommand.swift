import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// `baton admin …`: what an operator asks of the server — its settings, the pending tasks of a type, putting lost
/// queue entries back, and making a workflow due again.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operators' requests: settings, pending tasks, repairs (an ADMIN key when auth is on).",
        discussion: """
            Examples:
              baton admin config
              baton admin pending greet --count 20
              baton admin requeue greet
              baton admin repair $ID
              baton admin sweep $ID
            """,
        subcommands: [Config.self, Pending.self, Requeue.self, Repair.self, Sweep.self])

    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the server's settings (no secrets).",
            discussion: "Examples:\n  baton admin config\n  baton admin config --json")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let settings = try await options.withClient { try await $0.admin.configuration() }
            if options.json { return try CLI.printJSON(settings) }
            CLI.printTable(["SETTING", "VALUE"], settings.keys.sorted().map { [$0, settings[$0]?.compactJSON ?? ""] })
        }
    }

    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the SCHEDULED and IN_PROGRESS tasks of a type in live workflows, oldest first.",
            discussion: "Examples:\n  baton admin pending greet\n  baton admin pending greet --start 100 --count 50 --json")

        @Argument(help: "The task type.")
        var taskType: String

        @Option(help: "How many to skip.")
        var start = 0

        @Option(help: "How many to list at most.")
        var count = 100

        @OptionGroup var options: ClientOptions

        func validate() throws {
            guard start >= 0 else { throw ValidationError("--start must not be negative") }
            guard (1...10_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000") }
        }

        func run() async throws {
            let tasks = try await options.withClient { try await $0.admin.pendingTasks(taskType: taskType, start: start, count: count) }
            if options.json { return try CLI.printJSON(tasks) }
            guard !tasks.isEmpty else { return print("No task of type \(taskType) is pending") }
            CLI.printTable(["TASK ID", "STATUS", "WORKFLOW ID", "REFERENCE", "SCHEDULED", "WORKER"], tasks.map {
                [$0.taskId, $0.status.rawValue, $0.workflowInstanceId, $0.referenceTaskName, CLI.time($0.scheduledTime), $0.workerId ?? "-"]
            })
        }
    }

    struct Requeue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put back in its queue every SCHEDULED task of a type whose queue entry is missing.",
            discussion: "Examples:\n  baton admin requeue greet")

        @Argument(help: "The task type.")
        var taskType: String

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let count = try await options.withClient { try await $0.tasks.requeuePendingTasks(taskType: taskType) }
            if options.json { return try CLI.printJSON(["requeued": count]) }
            print("Requeued \(count) task\(count == 1 ? "" : "s") of type \(taskType)")
        }
    }

    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mend a workflow's queue entries and timer, and say whether anything needed it.",
            discussion: "Examples:\n  baton admin repair $ID")

        @Argument(help: "The workflow id.")
        var workflowId: String

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let repaired = try await options.withClient { try await $0.admin.verifyAndRepair(workflowId: workflowId) }
            if options.json { return try CLI.printJSON(["repaired": repaired]) }
            print(repaired ? "Workflow \(workflowId) was repaired" : "Workflow \(workflowId) needed no repair")
        }
    }

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a workflow due for the sweeper now (its timers and timeouts are checked at once).",
            discussion: "Examples:\n  baton admin sweep $ID")

        @Argument(help: "The workflow id.")
        var workflowId: String

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await options.withClient { try await $0.admin.requeueSweep(workflowId: workflowId) }
            print("Workflow \(workflowId) is due for the sweeper")
        }
    }
}
