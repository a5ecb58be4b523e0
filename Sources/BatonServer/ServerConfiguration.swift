import BatonSQLite
import Foundation
public import Logging

/// How `baton server` runs: where it listens, which database it uses, how much it logs.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// The database: a path to an SQLite file (created on first start), or `sqlite:PATH`.
    public var database: String
    /// The least severe log level written.
    public var logLevel: Logger.Level
    /// SQLite's `synchronous` setting: `FULL` survives power loss, `NORMAL` survives a crashed process.
    public var sqliteDurability: String
    /// How often the sweeper looks for due timers.
    public var sweepInterval: Duration

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
