import BatonModel
import BatonPersistence
import Foundation
import Synchronization

/// The definition snapshots executions run on, stored once per distinct definition; the encoding and
/// decoding are `DefinitionSnapshotCache`'s, this type keeps the rows.
final class DefinitionSnapshots: Sendable {
    typealias Snapshot = DefinitionSnapshotCache.Snapshot

    private let cache = DefinitionSnapshotCache()
    /// Keys whose rows a transaction found committed by another: those rows stay (snapshots are never
    /// deleted), so they need no more checking.
    private let committedKeys = Mutex<Set<String>>([])

    /// The key of `definition`, saving it when the database does not hold it yet.
    ///
    /// A key the cache remembers may have been inserted by a transaction that rolled back, so the row's
    /// presence is checked until a transaction finds it without having inserted it itself — then it is
    /// committed for good.
    func key(for definition: WorkflowDef, in tx: PostgresTransaction) throws -> String {
        let (encoded, _) = try cache.encoded(definition)
        if committedKeys.withLock({ $0.contains(encoded.key) }) { return encoded.key }
        let stored = try !tx.column(Int.self, "SELECT 1 FROM definition_snapshots WHERE key = $1", [encoded.key]).isEmpty
        if !stored {
            try tx.execute("INSERT INTO definition_snapshots (key, json) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                           [encoded.key, encoded.json])
            tx.insertedSnapshotKeys.insert(encoded.key)
        } else if !tx.insertedSnapshotKeys.contains(encoded.key) {
            _ = committedKeys.withLock { $0.insert(encoded.key) }
        }
        return encoded.key
    }

    /// The definition stored under `key`.
    func snapshot(forKey key: String, in tx: PostgresTransaction) throws -> Snapshot {
        if let snapshot = cache.snapshot(forKey: key) { return snapshot }
        guard let json = try tx.column(String.self, "SELECT json FROM definition_snapshots WHERE key = $1", [key]).first
        else { throw StoreError(.corrupt, "Definition snapshot \(key) is missing") }
        return try cache.snapshot(decoding: json, key: key)
    }
}
