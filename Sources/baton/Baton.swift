import ArgumentParser
import BatonClient
import Foundation

/// The `baton` command: the server, and the operator commands that talk to one.
@main
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "A Conductor-compatible workflow orchestration server, and the commands to operate it.",
        discussion: """
            Exit status: 0 on success, 1 when the server refuses a request (its message is printed), \
            2 on usage errors, 3 when the server cannot be reached.

            Examples:
              baton server --port 8080
              baton def register greet-task.json hello-workflow.json
              ID=$(baton workflow start hello --input '{"name":"Ada"}')
              baton workflow get $ID
              baton task update $ID approval COMPLETED --output '{"by":"you"}'
              baton workflow pause ID1 ID2 ID3
            """,
        subcommands: [ServerCommand.self, WorkflowCommand.self, TaskCommand.self, DefCommand.self, AuthCommand.self])

    /// Runs the command line and exits with Baton's exit codes (see `ExitStatus`).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            finish(with: error)
        }
    }

    /// Prints what went wrong and exits with the matching status.
    static func finish(with error: any Error) -> Never {
        switch error {
        case let error as ClientError:
            printError(error.isUnreachable ? "Cannot reach the server: \(error.message)"
                : "The server refused: \(error.message)" + (error.status.map { " (HTTP \($0))" } ?? ""))
            Foundation.exit(error.isUnreachable ? ExitStatus.unreachable : ExitStatus.refused)
        case let error as RefusedError:
            printError(error.message)
            Foundation.exit(ExitStatus.refused)
        default:
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// The exit statuses of `baton`'s client commands.
enum ExitStatus {
    /// The server refused the request (or some of a bulk request).
    static let refused: Int32 = 1
    /// The command line was wrong.
    static let usage: Int32 = 2
    /// The server could not be reached.
    static let unreachable: Int32 = 3
}

/// A refusal the command found itself (e.g. some ids of a bulk signal failed); exits with status 1.
struct RefusedError: Error {
    var message: String
}

/// Writes `message` to standard error.
func printError(_ message: String) {
    try? FileHandle.standardError.write(contentsOf: Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}
