import ArgumentParser

/// The `baton` command: the server, and (soon) the operator commands.
@main
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "A Conductor-compatible workflow orchestration server.",
        subcommands: [ServerCommand.self])
}
