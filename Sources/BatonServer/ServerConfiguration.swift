public import BatonDecider
public import BatonEngine
public import BatonHTTP
import BatonSQLite
import Foundation
public import Logging

/// How `baton server` runs: where it listens, which database it uses, how much it logs.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// The database: a path to an SQLite file (created on first start), `sqlite:PATH`, or a PostgreSQL URL
    /// `postgres://user:password@host:port/database` (shared by several servers).
    public var database: String
    /// The least severe log level written.
    public var logLevel: Logger.Level
    /// SQLite's `synchronous` setting: `FULL` survives power loss, `NORMAL` survives a crashed process.
    public var sqliteDurability: String
    /// How often the sweeper looks for due timers.
    public var sweepInterval: Duration
    /// How late a schedule's slot may be found and still fire, for a schedule that does not catch up (default 60 s):
    /// later than this, no server ran when it came, and it is skipped.
    public var scheduleMisfireThreshold: Duration = .seconds(60)
    /// How long an SQLite write waits for a lock held by another process before answering 503.
    public var sqliteBusyTimeout: Duration = .seconds(10)
    /// The auth configuration file (applications, hashed secrets, roles); nil leaves auth off.
    public var authConfigurationPath: String?
    /// The auth configuration itself (wins over `authConfigurationPath`; for tests and embedding).
    public var authConfiguration: AuthConfiguration?
    /// Limits on request bodies: size, JSON depth, workflow input and task output.
    public var requestLimits = RequestLimits()
    /// Whether `/metrics` answers without credentials when auth is on.
    public var publicMetrics = true
    /// The addresses HTTP tasks may call (by default none on loopback or link-local).
    public var httpTaskTargets = HTTPTargetPolicy.standard
    /// How many tasks one execution, and one dynamic fork, may make, and how large its payloads may be (from what
    /// size they are stored apart from their rows, and the most they may be).
    public var executionLimits = ExecutionLimits()
    /// How far one script (INLINE, JSON_JQ_TRANSFORM, JavaScript conditions) may go: time, jq's memory, output.
    public var scriptLimits = ScriptLimits()
    /// How many scripts run at once (default: half the processors, at least one). Scripts run at nice 10,
    /// but a processor kept busy by a spinning script still answers late (on a virtual machine its host schedules
    /// it away for milliseconds at a time, whatever the priority inside): measured on 2 cores beside 400
    /// starts/s, two endless scripts at once raised the starts' p99 7×, one 1.6×. The other half stays for requests.
    public var scriptConcurrency = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    /// How long a connection may wait for its next request, or take to send a request's head, before it is
    /// closed (Hummingbird's idle timer runs from the last complete part of a request or response, so a head
    /// trickled in byte by byte is cut too).
    public var idleTimeout: Duration = .seconds(60)
    /// The most connections open at once; one more gets a 503 and is closed at once.
    public var maximumConnections = ServerConfiguration.defaultMaximumConnections
    /// The host names requests may carry in `Host` (no ports; `*` allows any); nil takes the default: the
    /// loopback names (`localhost`, `127.0.0.1`, `[::1]`) when the server listens on a loopback address, any
    /// host otherwise.
    public var allowedHosts: [String]?

    /// The default database file, under `./baton-data/`.
    public static let defaultDatabase = "baton-data/baton.sqlite"

    public init(host: String = "127.0.0.1", port: Int = 8080, database: String = ServerConfiguration.defaultDatabase,
                logLevel: Logger.Level = .info, sqliteDurability: String = "FULL",
                sweepInterval: Duration = .milliseconds(200)) {
        self.host = host
        self.port = port
        self.database = database
        self.logLevel = logLevel
        self.sqliteDurability = sqliteDurability
        self.sweepInterval = sweepInterval
    }

    /// Whether `database` is a PostgreSQL URL.
    public var usesPostgres: Bool {
        let lowercased = database.lowercased()
        return lowercased.hasPrefix("postgres://") || lowercased.hasPrefix("postgresql://")
    }

    /// The host names the API answers to (empty: any), from `allowedHosts` and the listening address.
    var effectiveAllowedHosts: [String] {
        if let allowedHosts { return allowedHosts.contains("*") ? [] : allowedHosts }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"]
        return loopback.contains(host.lowercased()) ? ["localhost", "127.0.0.1", "[::1]"] : []
    }

    /// The default connection limit: 4,096, or three quarters of the process's file descriptor limit when
    /// that is lower, so that the database, logs and the limit's own refusals always find a descriptor.
    public static var defaultMaximumConnections: Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 4096 }
        return max(1, min(4096, Int(clamping: limit.rlim_cur / 4 * 3)))
    }

    /// The SQLite file path the `database` setting names.
    var sqlitePath: String {
        database.hasPrefix("sqlite:") ? String(database.dropFirst("sqlite:".count)) : database
    }
}

/// A configuration problem, reported before anything starts.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
