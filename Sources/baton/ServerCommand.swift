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
            BATON_MAX_FORK_WIDTH, BATON_SCRIPT_TIME_LIMIT, BATON_SCRIPT_MEMORY_LIMIT, BATON_SCRIPT_OUTPUT_LIMIT, \
            BATON_SCRIPT_CONCURRENCY. \
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

    @Option(help: "Longest a script (INLINE, JSON_JQ_TRANSFORM, JavaScript SWITCH/DO_WHILE) may run, in seconds (default 4, at most 300).")
    var scriptTimeLimit: Int?
    @Option(help: "Most memory a jq query's helper process may take, in bytes (default 268435456).")
    var scriptMemoryLimit: Int?
    @Option(help: "Largest result a script may return, in bytes (default 10485760); a larger one fails its task.")
    var scriptOutputLimit: Int?
    @Option(help: "How many scripts run at once (default: one per processor).")
    var scriptConcurrency: Int?

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
        if let count = try positiveNumber(maxTasksPerWorkflow, environment["BATON_MAX_TASKS_PER_WORKFLOW"],
                                          naming: "--max-tasks-per-workflow") {
            configuration.executionLimits.maximumTasks = count
        }
        if let count = try positiveNumber(maxForkWidth, environment["BATON_MAX_FORK_WIDTH"], naming: "--max-fork-width") {
            configuration.executionLimits.maximumForkWidth = count
        }
        if let seconds = try positiveNumber(scriptTimeLimit, environment["BATON_SCRIPT_TIME_LIMIT"], naming: "script time limit") {
            guard .seconds(seconds) <= ScriptLimits.maximumTimeLimit else {
                throw ValidationError("The script time limit can be at most \(ScriptLimits.maximumTimeLimit), not \(seconds) seconds")
            }
            configuration.scriptLimits.timeLimit = .seconds(seconds)
        }
        if let bytes = try positiveNumber(scriptMemoryLimit, environment["BATON_SCRIPT_MEMORY_LIMIT"], naming: "script memory limit") {
            configuration.scriptLimits.memoryLimit = bytes
        }
        if let bytes = try positiveNumber(scriptOutputLimit, environment["BATON_SCRIPT_OUTPUT_LIMIT"], naming: "script output limit") {
            configuration.scriptLimits.outputLimit = bytes
        }
        if let count = try positiveNumber(scriptConcurrency, environment["BATON_SCRIPT_CONCURRENCY"], naming: "script concurrency") {
            configuration.scriptConcurrency = count
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

    /// The flag's value, else the environment variable's, as a positive number; nil when neither is set.
    private func positiveNumber(_ flag: Int?, _ variable: String?, naming setting: String) throws -> Int? {
        guard let text = flag.map(String.init) ?? variable else { return nil }
        guard let number = Int(text), number > 0 else {
            throw ValidationError("The \(setting) must be a positive number, not '\(text)'")
        }
        return number
    }
}
