import ArgumentParser
import BatonModel
import BatonPersistence
import BatonSQLite
import Foundation
import Hummingbird
import Logging

/// `baton-bench ceiling-server`: the machine's ceiling on Baton's own stack. The same HTTP server
/// (Hummingbird) and the same store (SQLite in WAL mode through Baton's group-committing writer), doing
/// the least a durable request can: `POST /commit` appends one row in its own transaction and answers
/// after the commit; `GET /hello` answers without touching the store.
struct CeilingServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceiling-server", abstract: "Serve the ceiling endpoints (started by the benchmark itself).")

    @Option(help: "Port to listen on.") var port: Int
    @Option(help: "SQLite file.") var database: String
    @Option(help: "FULL or NORMAL.") var sqliteSynchronous = "FULL"

    func run() async throws {
        guard let durability = SQLiteStore.Durability(rawValue: sqliteSynchronous.uppercased()) else {
            throw ValidationError("Unknown durability \(sqliteSynchronous)")
        }
        let store = try SQLiteStore(path: database, durability: durability)
        let router = Router()
        router.get("hello") { _, _ in "hello" }
        router.get("health") { _, _ in "ok" }
        router.post("commit") { _, _ -> String in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try await store.write { tx in
                try tx.append(WorkflowEvent(workflowId: "ceiling", time: now, kind: "ceiling", actor: "bench"))
            }
            return "ok"
        }
        var logger = Logger(label: "ceiling")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              logger: logger)
        try await app.runService()
        try await store.close()
    }
}
