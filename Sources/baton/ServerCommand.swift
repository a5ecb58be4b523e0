import ArgumentParser
import BatonDecider
import BatonEngine
import BatonHTTP
import BatonModel
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
            BATON_SCRIPT_CONCURRENCY, BATON_ALLOWED_HOSTS, BATON_IDLE_TIMEOUT, BATON_BODY_TIMEOUT, \
            BATON_MAX_CONNECTIONS, BATON_PAYLOAD_LIMITS. \
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

    @Option(help: "Largest request body in bytes (default 16777216); larger ones get 413.")
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
    @Option(help: "How many scripts run at once (default: half the processors, at least one).")
    var scriptConcurrency: Int?

    @Option(help: """
        Host names (comma-separated, no ports) requests may carry in Host; others get 400. * allows any. \
        Default: localhost, 127.0.0.1 and [::1] when listening on a loopback address, any otherwise.
        """)
    var allowedHosts: String?

    @Option(help: "Seconds a connection may stay idle, or take to send a request's head, before it is closed (default 60).")
    var idleTimeout: Int?

    @Option(help: "Seconds a request's body may take to arrive (default 30); a slower one gets 408 and its connection is closed.")
    var bodyTimeout: Int?

    @Option(help: """
        Most connections open at once (default 4096, or three quarters of the descriptor limit when lower); \
        one more gets 503 and is closed.
        """)
    var maxConnections: Int?

    @Option(help: """
        Seconds late a schedule's slot may be found and still fire, for a schedule without runCatchupScheduleInstances \
        (default 60); a later one came while no server ran, and is skipped.
        """)
    var scheduleMisfireThreshold: Int?

    @Option(help: """
        Payload limits by Conductor's names, comma-separated NAME=SIZE in bytes or with KB, MB or GB as Conductor \
        writes them: taskInputPayloadSizeThreshold, taskOutputPayloadSizeThreshold, workflowInputPayloadSizeThreshold, \
        workflowOutputPayloadSizeThreshold (default 64KB each), and each with max (maxTask…, maxWorkflow…: 10240KB). \
        A payload over its threshold is stored apart from its row, one over its max is refused.
        """)
    var payloadLimits: String?

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
        if let size = try Self.positive(maxBodySize, environment["BATON_MAX_BODY_SIZE"], "body size limit (bytes)") {
            configuration.requestLimits.maximumBodySize = size
        }
        configuration.httpTaskTargets.allowed = try Self.addressRanges(httpTaskAllow ?? environment["BATON_HTTP_TASK_ALLOW"])
        configuration.httpTaskTargets.denied += try Self.addressRanges(httpTaskDeny ?? environment["BATON_HTTP_TASK_DENY"])
        if let count = try Self.positive(maxTasksPerWorkflow, environment["BATON_MAX_TASKS_PER_WORKFLOW"],
                                         "--max-tasks-per-workflow") {
            configuration.executionLimits.maximumTasks = count
        }
        if let count = try Self.positive(maxForkWidth, environment["BATON_MAX_FORK_WIDTH"], "--max-fork-width") {
            configuration.executionLimits.maximumForkWidth = count
        }
        if let seconds = try Self.positive(scriptTimeLimit, environment["BATON_SCRIPT_TIME_LIMIT"], "script time limit") {
            guard .seconds(seconds) <= ScriptLimits.maximumTimeLimit else {
                throw ValidationError("The script time limit can be at most \(ScriptLimits.maximumTimeLimit), not \(seconds) seconds")
            }
            configuration.scriptLimits.timeLimit = .seconds(seconds)
        }
        if let bytes = try Self.positive(scriptMemoryLimit, environment["BATON_SCRIPT_MEMORY_LIMIT"], "script memory limit") {
            configuration.scriptLimits.memoryLimit = bytes
        }
        if let bytes = try Self.positive(scriptOutputLimit, environment["BATON_SCRIPT_OUTPUT_LIMIT"], "script output limit") {
            configuration.scriptLimits.outputLimit = bytes
        }
        if let count = try Self.positive(scriptConcurrency, environment["BATON_SCRIPT_CONCURRENCY"], "script concurrency") {
            configuration.scriptConcurrency = count
        }
        if let hosts = allowedHosts ?? environment["BATON_ALLOWED_HOSTS"] {
            configuration.allowedHosts = hosts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        if let seconds = try Self.positive(idleTimeout, environment["BATON_IDLE_TIMEOUT"], "idle timeout") {
            configuration.idleTimeout = .seconds(seconds)
        }
        if let seconds = try Self.positive(bodyTimeout, environment["BATON_BODY_TIMEOUT"], "body timeout") {
            configuration.requestLimits.bodyReadTimeout = .seconds(seconds)
        }
        if let count = try Self.positive(maxConnections, environment["BATON_MAX_CONNECTIONS"], "connection limit") {
            configuration.maximumConnections = count
        }
        if let seconds = try Self.positive(scheduleMisfireThreshold, environment["BATON_SCHEDULE_MISFIRE_THRESHOLD"],
                                           "schedule misfire threshold") {
            configuration.scheduleMisfireThreshold = .seconds(seconds)
        }
        if let text = payloadLimits ?? environment["BATON_PAYLOAD_LIMITS"] {
            try Self.apply(payloadLimits: text, to: &configuration.executionLimits.payloads)
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

    /// Sets the payload limits named in `text` (`NAME=SIZE,…`, Conductor's names, its `conductor.app.` prefix optional).
    static func apply(payloadLimits text: String, to limits: inout PayloadLimits) throws {
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = parts[0].replacingOccurrences(of: "conductor.app.", with: "")
            guard parts.count == 2, let size = byteCount(parts[1]), size > 0 else {
                throw ValidationError("'\(item)' is not NAME=SIZE with a positive size (bytes, or e.g. 3072KB, 10MB)")
            }
            if let kind = PayloadKind.allCases.first(where: { $0.thresholdName == name }) {
                limits[kind].threshold = size
            } else if let kind = PayloadKind.allCases.first(where: { $0.maximumName == name }) {
                limits[kind].maximum = size
            } else {
                let names = PayloadKind.allCases.flatMap { [$0.thresholdName, $0.maximumName] }
                throw ValidationError("Unknown payload limit '\(name)'; the names are \(names.joined(separator: ", "))")
            }
        }
        if let problem = limits.problem { throw ValidationError("Payload limits: \(problem)") }
    }

    /// Bytes in Spring's data size notation (`3072KB`, `10MB`, `1GB`, or a plain number of bytes; 1 KB = 1024 B).
    private static func byteCount(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("B", 1)]
        let upper = text.uppercased()
        for unit in units where upper.hasSuffix(unit.suffix) {
            guard let count = Int(upper.dropLast(unit.suffix.count)) else { return nil }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: unit.factor)
            return overflow ? nil : bytes
        }
        return Int(upper)
    }

    /// A positive whole number from a flag, else from an environment variable; nil when neither is set.
    private static func positive(_ flag: Int?, _ variable: String?, _ what: String) throws -> Int? {
        guard let text = flag.map(String.init) ?? variable else { return nil }
        guard let value = Int(text), value > 0 else {
            throw ValidationError("The \(what) must be a positive whole number, not '\(text)'")
        }
        return value
    }
}
