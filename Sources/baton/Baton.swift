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
              baton def register Examples/definitions/greet-task.json Examples/definitions/hello-workflow.json
              ID=$(baton workflow start hello --input '{"name":"Ada"}')
              baton workflow get $ID
              baton workflow list --status RUNNING
              baton task update $ID greet COMPLETED --output '{"message":"Hello, Ada"}'
              baton workflow pause ID1 ID2 ID3
            """,
        subcommands: [ServerCommand.self, WorkflowCommand.self, TaskCommand.self, DefCommand.self, AdminCommand.self,
                      ScheduleCommand.self, AuthCommand.self])

    /// Runs the command line and exits with Baton's exit codes (see `ExitStatus`).
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            finish(with: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            finish(with: error, in: type(of: command))
        }
    }

    /// Prints what went wrong and exits with the matching status; a usage error found while `command` ran
    /// shows that command's usage.
    static func finish(with error: any Error, in command: (any ParsableCommand.Type)? = nil) -> Never {
        if let command, let error = error as? ValidationError {
            printError("Error: \(error.message)\nUsage: \(usageString(for: command))\n"
                + "  See '\(commandPath(to: command).joined(separator: " ")) --help' for more information.")
            Foundation.exit(ExitStatus.usage)
        }
        switch error {
        case let error as UnreachableError:
            printError("Cannot reach the Baton server at \(error.server): \(error.reason)")
            Foundation.exit(ExitStatus.unreachable)
        case let error as ClientError:
            printError("The server refused: \(error.message)" + (error.status.map { " (HTTP \($0))" } ?? ""))
            Foundation.exit(ExitStatus.refused)
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

extension Baton {
    /// The names from `root` down to `command`, e.g. `["baton", "def", "register"]`; empty when `command` is
    /// not in `root`'s tree.
    static func commandPath(to command: any ParsableCommand.Type,
                            from root: any ParsableCommand.Type = Baton.self) -> [String] {
        if ObjectIdentifier(root) == ObjectIdentifier(command) { return [root._commandName] }
        for subcommand in root.configuration.subcommands {
            let path = commandPath(to: command, from: subcommand)
            if !path.isEmpty { return [root._commandName] + path }
        }
        return []
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

/// A server that did not answer; exits with status 3.
struct UnreachableError: Error {
    /// The server's URL.
    var server: String
    /// Why there was no answer, e.g. `connection refused`.
    var reason: String
}

/// Writes `message` to standard error.
func printError(_ message: String) {
    try? FileHandle.standardError.write(contentsOf: Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}
