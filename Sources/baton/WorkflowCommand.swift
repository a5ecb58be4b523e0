import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// `baton workflow …`: start, read, search and signal workflow executions.
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Start, inspect, search and signal workflow executions.",
        discussion: """
            Signals given several ids use the server's bulk endpoint; each id succeeds or fails on its own \
            and the command exits 1 if any failed.

            Examples:
              baton workflow start hello --input '{"name":"Ada"}' --correlation-id order-17
              baton workflow get 5f6c…
              baton workflow list --status RUNNING
              baton workflow search --name hello --status FAILED
              baton workflow retry ID1 ID2
              baton workflow terminate ID --reason "customer cancelled"
              baton workflow rerun ID --from-task greet --task-input '{"who":"Bob"}'
            """,
        subcommands: [Start.self, Get.self, List.self, Search.self, Pause.self, Resume.self, Retry.self, Terminate.self,
                      Delete.self, Restart.self, Rerun.self, SkipTask.self, Execute.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a workflow and print its id.",
            discussion: """
                Examples:
                  baton workflow start hello
                  baton workflow start hello --version 2 --input @input.json --correlation-id order-17
                """)

        @Argument(help: "The workflow definition's name.")
        var name: String

        @Option(help: "The definition's version (default: the latest).")
        var version: Int?

        @Option(help: ArgumentHelp("The input: a JSON object, or @file holding one.", valueName: "json"))
        var input: String?

        @Option(help: "A correlation id to find the execution by.")
        var correlationId: String?

        @Option(help: "The priority, 0 to 99.")
        var priority: Int?

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let inputObject = try input.map { try CLI.jsonObject($0, option: "--input") } ?? [:]
            let id = try await options.withClient { client in
                try await client.workflows.start(name: name, version: version, input: inputObject,
                                                 correlationId: correlationId, priority: priority)
            }
            if options.json { try CLI.printJSON(["workflowId": id]) } else { print(id) }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an execution: status, reason and its tasks (--json for the whole execution).",
            discussion: """
                Examples:
                  baton workflow get 5f6c…
                  baton workflow get 5f6c… --json | jq .output
                """)

        @Argument(help: "The workflow id.")
        var workflowId: String

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let workflow = try await options.withClient { client in try await client.workflows.get(workflowId) }
            if options.json {
                try CLI.printJSON(workflow)
            } else {
                WorkflowSummaryPrinter.print(workflow)
            }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search executions by name, status, Conductor query or free text.",
            discussion: """
                Examples:
                  baton workflow search --name hello --status RUNNING --status PAUSED
                  baton workflow search --query 'correlationId IN (order-17)'
                  baton workflow search --free-text Ada --json
                """)

        @Option(help: "Only executions of this workflow (repeatable).")
        var name: [String] = []

        @Option(help: "Only executions in this status: RUNNING, PAUSED, COMPLETED, FAILED, TIMED_OUT, TERMINATED (repeatable).")
        var status: [String] = []

        @Option(help: "A Conductor structured query, e.g. \"startTime>1700000000000\".")
        var query: String?

        @Option(help: "Free text to match.")
        var freeText: String?

        @Option(help: "The offset of the first result.")
        var start = 0

        @Option(help: "The largest number of results.")
        var size = 100

        @OptionGroup var options: ClientOptions

        func validate() throws {
            _ = try CLI.workflowStatuses(status)
        }

        func run() async throws {
            let search = WorkflowQuery(names: name, statuses: try CLI.workflowStatuses(status), query: query,
                                       freeText: freeText, sort: ["startTime:DESC"], start: start, size: size)
            let result = try await options.withClient { client in try await client.workflows.search(search) }
            try CLI.printExecutions(result, json: options.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the latest executions, newest first.",
            discussion: """
                Examples:
                  baton workflow list
                  baton workflow list --name hello --status RUNNING --status PAUSED --size 5
                  baton workflow list --status FAILED --json | jq -r '.results[].workflowId'
                """)

        @Option(help: "Only executions of this workflow (repeatable).")
        var name: [String] = []

        @Option(help: "Only executions in this status: RUNNING, PAUSED, COMPLETED, FAILED, TIMED_OUT, TERMINATED (repeatable).")
        var status: [String] = []

        @Option(help: "How many executions to list at most.")
        var size = 20

        @OptionGroup var options: ClientOptions

        func validate() throws {
            _ = try CLI.workflowStatuses(status)
            guard (1...1000).contains(size) else { throw ValidationError("--size must be between 1 and 1000") }
        }

        func run() async throws {
            let search = WorkflowQuery(names: name, statuses: try CLI.workflowStatuses(status), sort: ["startTime:DESC"],
                                       size: size)
            let result = try await options.withClient { client in try await client.workflows.search(search) }
            try CLI.printExecutions(result, json: options.json)
        }
    }
}

extension CLI {
    /// Workflow statuses given on the command line, in any case; a usage error names an unknown one.
    static func workflowStatuses(_ texts: [String]) throws -> [WorkflowStatus] {
        try texts.map { text in
            guard let status = WorkflowStatus(rawValue: text.uppercased()) else {
                throw ValidationError("Unknown status '\(text)'; use one of "
                    + WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return status
        }
    }

    /// Prints a page of executions as a table with its count, or as the server's JSON.
    static func printExecutions(_ result: SearchResult<WorkflowSummary>, json: Bool) throws {
        if json { return try printJSON(result) }
        printTable(["WORKFLOW ID", "NAME", "VERSION", "STATUS", "STARTED", "CORRELATION ID"], result.results.map {
            [$0.workflowId, $0.workflowType, String($0.version), $0.status.rawValue, $0.startTime, $0.correlationId ?? ""]
        })
        print("\(result.results.count) shown of \(result.totalHits)")
    }
}

/// The readable form of `baton workflow get`.
enum WorkflowSummaryPrinter {
    static func print(_ workflow: Workflow) {
        var lines: [(String, String)] = [
            ("Workflow", workflow.workflowId),
            ("Name", "\(workflow.workflowName) v\(workflow.workflowVersion)"),
            ("Status", workflow.status.rawValue),
        ]
        if let reason = workflow.reasonForIncompletion, !reason.isEmpty { lines.append(("Reason", reason)) }
        if let correlationId = workflow.correlationId { lines.append(("Correlation", correlationId)) }
        lines.append(("Started", CLI.time(workflow.createTime)))
        lines.append(("Ended", CLI.time(workflow.endTime)))
        lines.append(("Input", JSONValue.object(workflow.input).compactJSON))
        if !workflow.output.isEmpty { lines.append(("Output", JSONValue.object(workflow.output).compactJSON)) }
        for (label, value) in lines {
            Swift.print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value)
        }
        guard !workflow.tasks.isEmpty else { return Swift.print("Tasks       none") }
        Swift.print("Tasks")
        CLI.printTable(["REFERENCE", "TYPE", "STATUS", "STARTED", "ENDED", "TASK ID", "REASON"], workflow.tasks.map {
            [$0.referenceTaskName, $0.taskType, $0.status.rawValue, CLI.time($0.startTime), CLI.time($0.endTime), $0.taskId,
             $0.reasonForIncompletion ?? ""]
        }, indent: "  ")
    }
}
