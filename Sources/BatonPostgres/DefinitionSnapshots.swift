import BatonModel
import BatonPersistence
import Foundation
import Synchronization

/// The definition snapshots executions run on, stored once per distinct definition and cached decoded.
final class DefinitionSnapshots: Sendable {
    private struct Cache {
        var encodedByDefinition: [WorkflowDef: Encoded] = [:]
        var definitionsByKey: [String: Snapshot] = [:]
        /// Keys whose rows a transaction found committed by another: those rows stay (snapshots are
        /// never deleted), so they need no more checking.
        var committedKeys: Set<String> = []
    }

    /// A definition's key and JSON.
    private struct Encoded {
        let key: String
        let json: String
    }

    /// A decoded definition with its nodes by reference name.
    struct Snapshot: Sendable {
        let definition: WorkflowDef
        let nodes: [String: WorkflowTask]
    }

    private let cache = Mutex(Cache())
    private static let limit = 4096

    /// The key of `definition`, saving it when the database does not hold it yet.
    ///
    /// A key the cache remembers may have been inserted by a transaction that rolled back, so the row's
    /// presence is checked until a transaction finds it without having inserted it itself — then it is
    /// committed for good.
    func key(for definition: WorkflowDef, in tx: PostgresTransaction) throws -> String {
        let cached = cache.withLock { $0.encodedByDefinition[definition] }
        let encoded = try cached ?? Self.encode(definition)
        if cache.withLock({ $0.committedKeys.contains(encoded.key) }) { return encoded.key }
        let stored = try !tx.column(Int.self, "SELECT 1 FROM definition_snapshots WHERE key = $1", [encoded.key]).isEmpty
        if !stored {
            try tx.execute("INSERT INTO definition_snapshots (key, json) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                           [encoded.key, encoded.json])
            tx.insertedSnapshotKeys.insert(encoded.key)
        } else if !tx.insertedSnapshotKeys.contains(encoded.key) {
            _ = cache.withLock { $0.committedKeys.insert(encoded.key) }
        }
        if cached == nil { remember(definition, encoded: encoded) }
        return encoded.key
    }

    /// The definition stored under `key`.
    func snapshot(forKey key: String, in tx: PostgresTransaction) throws -> Snapshot {
        if let snapshot = cache.withLock({ $0.definitionsByKey[key] }) { return snapshot }
        guard let json = try tx.column(String.self, "SELECT json FROM definition_snapshots WHERE key = $1", [key]).first
        else { throw StoreError(.corrupt, "Definition snapshot \(key) is missing") }
        let definition = try JSONDecoder().decode(WorkflowDef.self, from: Data(json.utf8))
        return remember(definition, encoded: Encoded(key: key, json: json))
    }

    @discardableResult
    private func remember(_ definition: WorkflowDef, encoded: Encoded) -> Snapshot {
        var nodes: [String: WorkflowTask] = [:]
        for node in definition.allNodes { nodes[node.taskReferenceName] = node }
        let snapshot = Snapshot(definition: definition, nodes: nodes)
        cache.withLock { cache in
            if cache.encodedByDefinition.count > Self.limit { cache = Cache() }
            cache.encodedByDefinition[definition] = encoded
            cache.definitionsByKey[encoded.key] = snapshot
        }
        return snapshot
    }

    private static func encode(_ definition: WorkflowDef) throws -> Encoded {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try String(decoding: encoder.encode(definition), as: UTF8.self)
        return Encoded(key: fingerprint(json), json: json)
    }

    /// A 128-bit FNV-1a style fingerprint of the definition's JSON, in hex (the same keys as SQLite's).
    static func fingerprint(_ text: String) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = (second &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
            second ^= second >> 29
        }
        return String(first, radix: 16) + String(second, radix: 16) + "-" + String(text.utf8.count)
    }
}
