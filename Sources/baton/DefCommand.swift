import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// `baton def …`: register, list and show task and workflow definitions.
struct DefCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "def",
        abstract: "Register, list and show task and workflow definitions.",
        discussion: """
            Examples:
              baton def register Examples/definitions/greet-task.json Examples/definitions/hello-workflow.json
              baton def list
              baton def list --tasks
              baton def get hello --version 2
              baton def get greet --task
            """,
        subcommands: [Register.self, List.self, Get.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register definitions from JSON files (created, or replaced when they exist).",
            discussion: """
                A file holds a workflow definition (an object with "tasks"), a task definition, or an array \
                of either.

                Examples:
                  baton def register hello.json
                  baton def register defs/*.json
                """)

        @Argument(help: "The JSON files.")
        var files: [String]

        @OptionGroup var options: ClientOptions

        func run() async throws {
            var taskDefs: [TaskDef] = []
            var workflowDefs: [WorkflowDef] = []
            for file in files {
                let text = try CLI.readFile(file, what: "definition")
                let value: JSONValue
                do { value = try JSONValue(parsing: text) } catch {
                    throw ValidationError("\(file) is not JSON: \(error)")
                }
                let items = value.arrayValue ?? [value]
                for item in items {
                    guard let object = item.objectValue else { throw ValidationError("\(file) holds something that is not a definition") }
                    do {
                        if object["tasks"] != nil {
                            workflowDefs.append(try item.decode(as: WorkflowDef.self))
                        } else {
                            taskDefs.append(try item.decode(as: TaskDef.self))
                        }
                    } catch {
                        throw ValidationError("\(file) holds an invalid definition: \(error)")
                    }
                }
            }
            let (tasks, workflows) = (taskDefs, workflowDefs)
            let response = try await options.withClient { client -> BulkResponse in
                if !tasks.isEmpty { try await client.metadata.register(taskDefs: tasks) }
                guard !workflows.isEmpty else { return BulkResponse() }
                return try await client.metadata.update(workflowDefs: workflows)
            }
            if options.json {
                try CLI.printJSON(["taskDefs": tasks.map(\.name), "workflowDefs": response.bulkSuccessfulResults])
            } else {
                for task in tasks { print("Registered task \(task.name)") }
                for workflow in workflows where response.bulkSuccessfulResults.contains(workflow.name) {
                    print("Registered workflow \(workflow.name) v\(workflow.version)")
                }
            }
            guard response.bulkErrorResults.isEmpty else {
                throw RefusedError(message: response.bulkErrorResults.sorted { $0.key < $1.key }
                    .map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List workflow definitions (or task definitions with --tasks).",
            discussion: "Examples:\n  baton def list\n  baton def list --tasks --json")

        @Flag(help: "List task definitions instead of workflow definitions.")
        var tasks = false

        @OptionGroup var options: ClientOptions

        func run() async throws {
            if tasks {
                let definitions = try await options.withClient { client in try await client.metadata.taskDefs() }
                if options.json { return try CLI.printJSON(definitions) }
                CLI.printTable(["NAME", "RETRIES", "RESPONSE TIMEOUT", "TIMEOUT"], definitions.sorted { $0.name < $1.name }.map {
                    [$0.name, "\($0.retryCount) \($0.retryLogic.rawValue)", "\($0.responseTimeoutSeconds)s", "\($0.timeoutSeconds)s"]
                })
            } else {
                let definitions = try await options.withClient { client in try await client.metadata.workflowDefs() }
                if options.json { return try CLI.printJSON(definitions) }
                let byName = Dictionary(grouping: definitions, by: \.name)
                CLI.printTable(["NAME", "VERSIONS", "TASKS", "DESCRIPTION"], byName.keys.sorted().map { name in
                    let versions = (byName[name] ?? []).sorted { $0.version < $1.version }
                    return [name, versions.map { String($0.version) }.joined(separator: ","),
                            String(versions.last?.tasks.count ?? 0), versions.last?.description ?? ""]
                })
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a workflow definition (or a task definition with --task) as JSON.",
            discussion: "Examples:\n  baton def get hello\n  baton def get hello --version 1\n  baton def get greet --task")

        @Argument(help: "The definition's name.")
        var name: String

        @Option(help: "The workflow definition's version (default: the latest).")
        var version: Int?

        @Flag(help: "Show the task definition with this name.")
        var task = false

        @OptionGroup var options: ClientOptions

        func validate() throws {
            if task && version != nil { throw ValidationError("--version applies to workflow definitions only") }
        }

        func run() async throws {
            if task {
                try CLI.printJSON(try await options.withClient { client in try await client.metadata.taskDef(named: name) })
            } else {
                let version = self.version
                try CLI.printJSON(try await options.withClient { client in
                    try await client.metadata.workflowDef(named: name, version: version)
                })
            }
        }
    }
}
