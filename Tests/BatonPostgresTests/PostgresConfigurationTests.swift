import BatonPostgres
import Testing

/// Reading `postgres://` URLs: runs without a PostgreSQL server.
@Suite("PostgreSQL configuration")
struct PostgresConfigurationTests {
    @Test("a full URL gives every part, with percent-encoding undone")
    func fullURL() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgres://baton:p%40ss%3Aword@db.internal:6543/orders?sslmode=require&schema=baton_prod&pool_size=7")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "baton")
        #expect(configuration.password == "p@ss:word")
        #expect(configuration.database == "orders")
        #expect(configuration.tls == .require)
        #expect(configuration.schema == "baton_prod")
        #expect(configuration.maximumConnections == 7)
    }

    @Test("defaults: port 5432, no TLS, no schema, 20 connections; postgresql:// works too")
    func defaults() throws {
        let configuration = try PostgresStore.Configuration(url: "postgresql://me@localhost/db")
        #expect(configuration.port == 5432)
        #expect(configuration.password == nil)
        #expect(configuration.tls == .disable)
        #expect(configuration.schema == nil)
        #expect(configuration.maximumConnections == 20)
        #expect(configuration.statementTimeout == .seconds(30))
        #expect(configuration.lockTimeout == .seconds(5))
        #expect(configuration.idleInTransactionTimeout == .seconds(60))
    }

    @Test("every database wait's deadline can be set in the URL, in milliseconds; 0 is none")
    func deadlines() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgres://me@localhost/db?statement_timeout=1500&lock_timeout=0&idle_in_transaction_session_timeout=9000")
        #expect(configuration.statementTimeout == .milliseconds(1500))
        #expect(configuration.lockTimeout == .zero)
        #expect(configuration.idleInTransactionTimeout == .seconds(9))
    }

    @Test("bad URLs are refused with a message naming the problem",
          arguments: ["mysql://a@b/c", "postgres:///db", "postgres://a@b/c?sslmode=sometimes",
                      "postgres://a@b/c?schema=Robert'); DROP", "postgres://a@b/c?pool_size=0", "postgres://a@b/c?colour=red",
                      "postgres://a@b/c?lock_timeout=soon", "postgres://a@b/c?statement_timeout=-1"])
    func refused(_ url: String) {
        #expect(throws: PostgresConfigurationError.self) { try PostgresStore.Configuration(url: url) }
    }
}
