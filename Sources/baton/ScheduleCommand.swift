import ArgumentParser
import BatonClient
import BatonModel
import Foundation

/// `baton schedule …`: schedules that start workflows on a cron, what their slots did, and when an expression fires.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Schedules: start workflows on a cron (Spring's six fields, second first).",
        discussion: """
            Examples:
              baton schedule create weekday-report --workflow report --cron "0 0 9 * * MON-FRI" --zone America/New_York
              baton schedule list
              baton schedule executions weekday-report
              baton schedule pause weekday-report --reason "holiday"
              baton schedule next "0 */15 * * * *" --limit 3 --json
            """,
        subcommands: [Create.self, Save.self, List.self, Get.self, Executions.self, Pause.self, Resume.self, Delete.self,
                      Next.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or replace a schedule that starts a workflow each time a cron expression fires.",
            discussion: """
                Examples:
                  baton schedule create nightly --workflow report --cron "0 0 2 * * *"
                  baton schedule create ny-9am --workflow report --version 2 --cron "0 0 9 * * MON-FRI" \\
                    --zone America/New_York --input '{"region":"us"}' --catch-up
                """)

        @Argument(help: "The schedule's name.")
        var name: String
        @Option(help: "The workflow each slot starts.")
        var workflow: String
        @Option(help: "Its version (default: the latest when the slot fires).")
        var version: Int?
        @Option(help: "The cron expression: second minute hour day-of-month month day-of-week (quote it).")
        var cron: String
        @Option(help: "The time zone the expression's times are in (default UTC).")
        var zone = "UTC"
        @Option(help: "The workflow's input: a JSON object, or @file.")
        var input: String?
        @Option(help: "The workflow's correlation id.")
        var correlationId: String?
        @Flag(help: "Fire the slots missed while no server ran, each once and in order (otherwise they are skipped).")
        var catchUp = false
        @Flag(help: "Save it paused.")
        var paused = false
        @Option(help: "No slot before this instant (epoch milliseconds).")
        var start: Int64?
        @Option(help: "No slot after this instant (epoch milliseconds).")
        var end: Int64?
        @Option(help: "What it is for.")
        var description: String?
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let request = StartWorkflowRequest(name: workflow, version: version,
                                               input: try input.map { try CLI.jsonObject($0, option: "--input") } ?? [:],
                                               correlationId: correlationId)
            let schedule = WorkflowSchedule(name: name, cronExpression: cron, zoneId: zone, startWorkflowRequest: request,
                                            runCatchupScheduleInstances: catchUp, paused: paused, scheduleStartTime: start,
                                            scheduleEndTime: end, description: description)
            let saved = try await options.withClient { try await $0.scheduler.save(schedule) }
            if options.json { return try CLI.printJSON(saved) }
            print("Saved \(saved.name): " + ScheduleCommand.nextRun(of: saved))
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or replace schedules from JSON files (Conductor's WorkflowSchedule, or an array of them).",
            discussion: """
                Examples:
                  baton schedule save nightly.json
                  baton schedule save schedules/*.json
                """)

        @Argument(help: "The JSON files.")
        var files: [String]
        @OptionGroup var options: ClientOptions

        func run() async throws {
            var schedules: [WorkflowSchedule] = []
            for file in files {
                let text = try CLI.readFile(file, what: "schedule")
                do {
                    let value = try JSONValue(parsing: text)
                    for item in value.arrayValue ?? [value] { schedules.append(try item.decode(as: WorkflowSchedule.self)) }
                } catch {
                    throw ValidationError("\(file) does not hold a schedule: \(error)")
                }
            }
            let all = schedules
            let saved = try await options.withClient { client in
                var saved: [WorkflowSchedule] = []
                for schedule in all { saved.append(try await client.scheduler.save(schedule)) }
                return saved
            }
            if options.json { return try CLI.printJSON(saved) }
            for schedule in saved { print("Saved \(schedule.name): " + ScheduleCommand.nextRun(of: schedule)) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List schedules with their next run time.")

        @Option(help: "Only those that start this workflow.")
        var workflow: String?
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let schedules = try await options.withClient { try await $0.scheduler.schedules(workflowName: workflow) }
            if options.json { return try CLI.printJSON(schedules) }
            guard !schedules.isEmpty else { return print("No schedules") }
            CLI.printTable(["NAME", "WORKFLOW", "CRON", "ZONE", "NEXT RUN (UTC)"], schedules.map { schedule in
                [schedule.name, schedule.workflowName, schedule.cronExpression ?? "(\(schedule.cronSchedules.count) expressions)",
                 schedule.zoneId, ScheduleCommand.nextRun(of: schedule)]
            })
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a schedule as JSON.")

        @Argument(help: "The schedule's name.")
        var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try CLI.printJSON(try await options.withClient { try await $0.scheduler.schedule(named: name) })
        }
    }

    struct Executions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What schedules' slots did, latest first: the workflow each started, or why not.",
            discussion: """
                Examples:
                  baton schedule executions nightly
                  baton schedule executions --query "state IN (FAILED)" --size 20
                """)

        @Argument(help: "Only this schedule's.")
        var name: String?
        @Option(help: "A search over scheduleName, state, scheduledTime, executionTime, workflowName, workflowId.")
        var query: String?
        @Option(help: "How many (1 to 1000).")
        var size = 20
        @OptionGroup var options: ClientOptions

        func run() async throws {
            let clauses = [name.map { "scheduleName = '\($0.replacingOccurrences(of: "'", with: "\\'"))'" }, query]
                .compactMap { $0 }
            let found = try await options.withClient { client in
                try await client.scheduler.executions(query: clauses.isEmpty ? nil : clauses.joined(separator: " AND "),
                                                      size: size)
            }
            if options.json { return try CLI.printJSON(found) }
            guard !found.results.isEmpty else { return print("No executions") }
            CLI.printTable(["SCHEDULE", "SLOT (UTC)", "STATE", "WORKFLOW ID / REASON"], found.results.map { execution in
                [execution.scheduleName, CLI.time(execution.scheduledTime), execution.state.rawValue,
                 execution.workflowId ?? execution.reason ?? ""]
            })
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a schedule: no slot fires until it is resumed.")

        @Argument(help: "The schedule's name.")
        var name: String
        @Option(help: "Why, shown with the schedule.")
        var reason: String?
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await options.withClient { try await $0.scheduler.pause(scheduleNamed: name, reason: reason) }
            print("Paused \(name)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a paused schedule from now (the slots missed while paused are not fired).")

        @Argument(help: "The schedule's name.")
        var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await options.withClient { try await $0.scheduler.resume(scheduleNamed: name) }
            print("Resumed \(name)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a schedule and the record of its slots.")

        @Argument(help: "The schedule's name.")
        var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await options.withClient { try await $0.scheduler.delete(scheduleNamed: name) }
            print("Deleted \(name)")
        }
    }

    /// A schedule's next run, or why it has none.
    static func nextRun(of schedule: WorkflowSchedule) -> String {
        if schedule.paused { return "paused" + (schedule.pausedReason.map { " (\($0))" } ?? "") }
        return schedule.nextRunTime.map(CLI.time) ?? "no slot left"
    }

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next times (UTC, at most 5) a Spring six-field cron expression fires.",
            discussion: """
                The fields are second minute hour day-of-month month day-of-week, as Conductor's scheduler reads them.
                Examples:
                  baton schedule next "0 0 9 * * MON-FRI"
                  baton schedule next "0 0 0 L * *" --start 1767225600000 --json
                """)

        @Argument(help: "The cron expression (quote it: it holds spaces and *).")
        var cronExpression: String

        @Option(help: "None before this instant (epoch milliseconds).")
        var start: Int64?

        @Option(help: "None after this instant (epoch milliseconds).")
        var end: Int64?

        @Option(help: "How many (1 to 5).")
        var limit = 5

        @OptionGroup var options: ClientOptions

        func validate() throws {
            guard (1...5).contains(limit) else { throw ValidationError("--limit must be between 1 and 5") }
        }

        func run() async throws {
            let times = try await options.withClient {
                try await $0.scheduler.nextFireTimes(cronExpression: cronExpression, startTime: start, endTime: end, limit: limit)
            }
            if options.json { return try CLI.printJSON(times) }
            guard !times.isEmpty else { return print("It does not fire again") }
            CLI.printTable(["FIRES AT (UTC)", "EPOCH MS"], times.map { [CLI.time($0), String($0)] })
        }
    }
}
