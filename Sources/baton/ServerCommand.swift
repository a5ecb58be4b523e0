import ArgumentParser
import BatonDecider
import BatonEngine
import BatonHTTP
import BatonServer
import Foundation
import Logging

/// `baton server`: serve Baton's API on an SQLite or PostgreSQL database.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Baton server.",
        discussion: """
            Every option can also be set with an environment variable: BATON_HOST, BATON_PORT, \
            BATON_DATABASE, BATON_LOG_LEVEL, BATON_SQLITE_SYNCHRONOUS, BATON_AUTH_CONFIG, BATON_MAX_BODY_SIZE, \
            BATON_LOG_FORMAT, BATON_HTTP_TASK_ALLOW, BATON_HTTP_TASK_DENY, BATON_MAX_TASKS_PER_WORKFLOW, \
            BATON_MAX_FORK_WIDTH. \
            A flag wins over the variable.
            """)

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default 8080; 0 picks a free port).")
    var port: Int?

    @Option(help: """
        SQLite database file, created on first start (default ./\(ServerConfiguration.defaultDatabase)), \
        or postgres://user:password@host:port/database to share a PostgreSQL database between servers.
        """)
    var database: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?

    @Option(help: "SQLite synchronous mode: FULL (survives power loss, default) or NORMAL (survives a crashed process).")
    var sqliteSynchronous: String?

    @Option(help: "Auth configuration file (JSON: tokenSecret, applications with keyId, secretHash, roles); auth is off without it.")
    var authConfig: String?

    @Option(help: "Largest request body in bytes (default 8388608); larger ones get 413.")
    var maxBodySize: Int?

    @Option(help: "Log format: text (default) or json (one JSON object per line).")
    var logFormat: String?

    @Option(help: """
        Addresses HTTP tasks may call although they are denied, comma-separated CIDR ranges or addresses \
        (e.g. 127.0.0.1 for a service on this host). Loopback and link-local addresses are denied by default.
        """)
    var httpTaskAllow: String?

    @Option(help: "Addresses HTTP tasks may not call, besides loopback and link-local ones: comma-separated CIDR ranges.")
    var httpTaskDeny: String?

    @Option(help: "Most task attempts one workflow execution may hold; one that reaches it fails (default 10000).")
    var maxTasksPerWorkflow: Int?

    @Option(help: "Most branches one FORK_JOIN_DYNAMIC may start; a wider fork fails its task (default 1000).")
    var maxForkWidth: Int?

    func run() async throws {
        // A log reader that goes away (`baton server | tee log`, and tee dies) must not kill the server: a write
        // to its closed pipe fails with EPIPE, and the line is dropped, instead of raising SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        if let host = host ?? environment["BATON_HOST"] { configuration.host = host }
        if let portText = port.map(String.init) ?? environment["BATON_PORT"] {
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw ValidationError("Port must be a number from 0 to 65535, not '\(portText)'")
            }
            configuration.port = port
        }
        if let database = database ?? environment["BATON_DATABASE"], !database.isEmpty { configuration.database = database }
        if let levelText = logLevel ?? environment["BATON_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
                throw ValidationError("Unknown log level '\(levelText)'")
            }
            configuration.logLevel = level
        }
        if let mode = sqliteSynchronous ?? environment["BATON_SQLITE_SYNCHRONOUS"] {
            configuration.sqliteDurability = mode
        }
        if let path = authConfig ?? environment["BATON_AUTH_CONFIG"], !path.isEmpty {
            configuration.authConfigurationPath = path
        }
        if let sizeText = maxBodySize.map(String.init) ?? environment["BATON_MAX_BODY_SIZE"] {
            guard let size = Int(sizeText), size > 0 else {
                throw ValidationError("The body size limit must be a positive number of bytes, not '\(sizeText)'")
            }
            configuration.requestLimits.maximumBodySize = size
        }
        configuration.httpTaskTargets.allowed = try Self.addressRanges(httpTaskAllow ?? environment["BATON_HTTP_TASK_ALLOW"])
        configuration.httpTaskTargets.denied += try Self.addressRanges(httpTaskDeny ?? environment["BATON_HTTP_TASK_DENY"])
        if let text = maxTasksPerWorkflow.map(String.init) ?? environment["BATON_MAX_TASKS_PER_WORKFLOW"] {
            configuration.executionLimits.maximumTasks = try Self.positive(text, "--max-tasks-per-workflow")
        }
        if let text = maxForkWidth.map(String.init) ?? environment["BATON_MAX_FORK_WIDTH"] {
            configuration.executionLimits.maximumForkWidth = try Self.positive(text, "--max-fork-width")
        }
        let formatName = (logFormat ?? environment["BATON_LOG_FORMAT"] ?? "text").lowercased()
        guard let format = ServerLogHandler.Format(rawValue: formatName) else {
            throw ValidationError("Unknown log format '\(formatName)'; use text or json")
        }
        LoggingSystem.bootstrap({ label, provider in ServerLogHandler(label: label, format: format, metadataProvider: provider) },
                                metadataProvider: nil)
        let application: BatonApplication
        do {
            application = try await BatonApplication.open(configuration: configuration)
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
        try await application.run()
    }

    /// A positive whole number given to `option`.
    static func positive(_ text: String, _ option: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw ValidationError("\(option) must be a positive number, not '\(text)'") }
        return value
    }

    /// Comma-separated CIDR ranges; none for nil or empty text.
    static func addressRanges(_ text: String?) throws -> [AddressRange] {
        guard let text, !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let range = AddressRange(trimmed) else {
                throw ValidationError("'\(trimmed)' is not an address or a CIDR range (e.g. 10.0.0.0/8, fd00::/8)")
            }
            return range
        }
    }
}
