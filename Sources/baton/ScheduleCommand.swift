import ArgumentParser
import BatonClient
import Foundation

/// `baton schedule …`: schedules (so far, when a cron expression fires).
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Schedules: when a cron expression fires.",
        discussion: """
            Examples:
              baton schedule next "0 0 9 * * MON-FRI"
              baton schedule next "0 */15 * * * *" --limit 3 --json
            """,
        subcommands: [Next.self])

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
