public import BatonModel
import Foundation
import Synchronization

/// The in-memory side of definition snapshots, shared by every store: each distinct definition is
/// encoded once (sorted-keys JSON, keyed by its fingerprint) and decoded once, with its nodes indexed
/// by reference name. The stores keep the rows; this keeps the work of getting to and from them.
public final class DefinitionSnapshotCache: Sendable {
    /// A definition's key and the JSON stored under it.
    public struct Encoded: Sendable {
        public let key: String
        public let json: String
    }

    /// A decoded definition with its nodes by reference name.
    public struct Snapshot: Sendable {
        public let definition: WorkflowDef
        public let nodes: [String: WorkflowTask]
    }

    private struct Cache {
        var encodedByDefinition: [WorkflowDef: Encoded] = [:]
        var definitionsByKey: [String: Snapshot] = [:]
        /// The last definitions looked up, compared before the dictionary is: every start looks its
        /// definition up, and hashing one reads all of it, where comparing equal copies mostly compares
        /// the same storage.
        var recent: [(definition: WorkflowDef, encoded: Encoded)] = []

        mutating func encoded(_ definition: WorkflowDef) -> Encoded? {
            if let hit = recent.first(where: { $0.definition == definition }) { return hit.encoded }
            guard let known = encodedByDefinition[definition] else { return nil }
            noteRecent(definition, known)
            return known
        }

        mutating func noteRecent(_ definition: WorkflowDef, _ encoded: Encoded) {
            if recent.count == DefinitionSnapshotCache.recentLimit { recent.removeFirst() }
            recent.append((definition, encoded))
        }
    }

    private let cache = Mutex(Cache())
    private static let limit = 4096
    private static let recentLimit = 8

    public init() {}

    /// The key and JSON of `definition`, and whether they were already known (so a store may skip
    /// work it did before). Encodes and remembers the definition on a miss.
    public func encoded(_ definition: WorkflowDef) throws -> (encoded: Encoded, wasCached: Bool) {
        if let known = cache.withLock({ $0.encoded(definition) }) { return (known, true) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try String(decoding: encoder.encode(definition), as: UTF8.self)
        let encoded = Encoded(key: Self.fingerprint(json), json: json)
        remember(definition, encoded: encoded)
        return (encoded, false)
    }

    /// The snapshot decoded earlier for `key`, if any.
    public func snapshot(forKey key: String) -> Snapshot? {
        cache.withLock { $0.definitionsByKey[key] }
    }

    /// Decodes the JSON stored under `key` and remembers the result.
    public func snapshot(decoding json: String, key: String) throws -> Snapshot {
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
            cache.noteRecent(definition, encoded)
        }
        return snapshot
    }

    /// A 128-bit FNV-1a style fingerprint of a definition's JSON, in hex (the same in every store).
    public static func fingerprint(_ text: String) -> String {
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
