import Foundation

extension PostgresStore {
    /// Where the PostgreSQL database is and how the store uses it.
    public struct Configuration: Sendable, Hashable {
        /// Whether connections use TLS.
        public enum TLSMode: String, Sendable, Hashable {
            /// Plain TCP (`sslmode=disable`).
            case disable
            /// TLS when the server offers it (`sslmode=prefer`).
            case prefer
            /// TLS or no connection (`sslmode=require`).
            case require
        }

        /// The server's host name or address.
        public var host: String
        /// The server's port.
        public var port: Int
        /// The user to log in as.
        public var username: String
        /// The user's password, if the server asks for one.
        public var password: String?
        /// The database, or nil for the user's default.
        public var database: String?
        /// Whether connections use TLS.
        public var tls: TLSMode
        /// The schema holding Baton's tables (created if missing); nil for the user's default (`public`).
        public var schema: String?
        /// The most connections this store opens; each write or read transaction holds one.
        public var maximumConnections: Int
        /// The longest one statement may run (PostgreSQL's `statement_timeout`); zero for no limit.
        public var statementTimeout: Duration = .seconds(30)
        /// The longest a statement waits for a lock, a row another node holds say (`lock_timeout`); zero for no limit.
        /// A wait that runs out fails that one request as unavailable (503, retryable), never the pool.
        public var lockTimeout: Duration = .seconds(5)
        /// How long a connection may sit in an open transaction without a statement before PostgreSQL ends it
        /// (`idle_in_transaction_session_timeout`), so a node cut off mid-transaction cannot hold its locks for long.
        public var idleInTransactionTimeout: Duration = .seconds(60)

        /// Creates a configuration from its parts.
        public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String? = nil,
                    tls: TLSMode = .disable, schema: String? = nil, maximumConnections: Int = 20) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
            self.schema = schema
            self.maximumConnections = maximumConnections
        }

        /// Reads `postgres://user:password@host:port/database?sslmode=…&schema=…&pool_size=…`.
        ///
        /// `sslmode` is `disable` (the default), `prefer` or `require`; `schema` names the schema for Baton's
        /// tables; `pool_size` caps the connections (default 20); `statement_timeout`, `lock_timeout` and
        /// `idle_in_transaction_session_timeout` are milliseconds (defaults 30000, 5000 and 60000; 0 for none).
        public init(url text: String) throws(PostgresConfigurationError) {
            guard let components = URLComponents(string: text),
                  let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
            else { throw PostgresConfigurationError("Not a PostgreSQL URL (postgres://user:password@host:port/database): \(text)") }
            guard let host = components.host, !host.isEmpty else {
                throw PostgresConfigurationError("The PostgreSQL URL names no host: \(text)")
            }
            // URLComponents decodes the percent-encoding of user and password.
            let username = components.user ?? "postgres"
            let password = components.password
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            self.init(host: host, port: components.port ?? 5432, username: username, password: password,
                      database: path.isEmpty ? nil : path.removingPercentEncoding ?? path)
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name.lowercased() {
                case "sslmode":
                    switch value.lowercased() {
                    case "disable", "allow": tls = .disable
                    case "prefer": tls = .prefer
                    case "require", "verify-ca", "verify-full": tls = .require
                    default: throw PostgresConfigurationError("Unknown sslmode '\(value)'; use disable, prefer or require")
                    }
                case "schema", "search_path":
                    guard Self.isValidSchemaName(value) else {
                        throw PostgresConfigurationError(
                            "Invalid schema '\(value)'; use lower-case letters, digits and _ (not starting with a digit)")
                    }
                    schema = value
                case "pool_size", "max_connections":
                    guard let size = Int(value), size > 0 else {
                        throw PostgresConfigurationError("pool_size must be a positive number (got '\(value)')")
                    }
                    maximumConnections = size
                case "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout":
                    guard let milliseconds = Int64(value), milliseconds >= 0, milliseconds <= Int64(Int32.max) else {
                        throw PostgresConfigurationError("\(item.name) must be a whole number of milliseconds (got '\(value)')")
                    }
                    switch item.name.lowercased() {
                    case "statement_timeout": statementTimeout = .milliseconds(milliseconds)
                    case "lock_timeout": lockTimeout = .milliseconds(milliseconds)
                    default: idleInTransactionTimeout = .milliseconds(milliseconds)
                    }
                default:
                    throw PostgresConfigurationError("Unknown PostgreSQL URL parameter '\(item.name)'; known: sslmode, schema, "
                                                     + "pool_size, statement_timeout, lock_timeout, idle_in_transaction_session_timeout")
                }
            }
        }

        /// Whether `name` is a schema name the store accepts (it is used unquoted in SQL).
        public static func isValidSchemaName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, !name.isEmpty, name.count <= 63,
                  first == "_" || ("a"..."z").contains(first) else { return false }
            return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
    }
}

/// A PostgreSQL URL or setting that cannot be used.
public struct PostgresConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the offending value.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

extension Duration {
    /// The duration in whole milliseconds, as PostgreSQL's timeout settings take it.
    var postgresMilliseconds: String {
        String(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
