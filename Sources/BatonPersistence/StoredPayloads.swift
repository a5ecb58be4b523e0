public import BatonModel
import Synchronization

/// Large payloads kept apart from their rows, shared by every store (`PayloadLimits`).
///
/// A payload larger than its kind's threshold goes to a table of its own, and its row's column holds a reference
/// instead (`@` and a random version tag: JSON objects start with `{`, so the two never meet). A row is rewritten
/// at every change of its workflow or task; a payload apart is written when it changes only. Inputs written and
/// payloads read lately stay parsed in memory: a payload's version is never reused, so an entry is never stale —
/// on any server sharing the database — and a decision over an execution with a 5 MB input reads neither its text
/// nor the table again. (An output is kept once read, not when written: outputs are rewritten often — a loop's
/// grows at every iteration — and inputs are written once and read at every decision.)
public final class StoredPayloads: Sendable {
    /// The thresholds (and maxima, which the Decider keeps).
    public let limits: PayloadLimits
    private let recent: Mutex<RecentPayloads>

    /// Keeps up to `cacheCapacity` bytes of payload text parsed in memory (least recently used go first).
    public init(limits: PayloadLimits, cacheCapacity: Int = 32 * 1024 * 1024) {
        self.limits = limits
        recent = Mutex(RecentPayloads(capacity: cacheCapacity))
    }

    /// The text the column of `owner`'s `kind` payload holds for `payload`: its JSON, or when that is larger than
    /// the threshold, a reference to the copy `keepApart(version, json)` stores (an input is kept in memory too).
    public func columnText(for payload: JSONObject, kind: PayloadKind, owner: String,
                           keepApart: (_ version: String, _ json: String) throws -> Void) rethrows -> String {
        let text = payload.jsonText
        guard text.utf8.count > limits[kind].threshold else { return text }
        let version = String(UInt64.random(in: 1...UInt64.max), radix: 16)
        try keepApart(version, text)
        if kind == .workflowInput || kind == .taskInput {
            recent.withLock { $0.insert(payload, weight: text.utf8.count, for: Self.key(owner, kind, version)) }
        }
        return Self.referenceMark + version
    }

    /// Whether a column's text is a reference to a payload apart.
    public static func isReference(_ columnText: String) -> Bool { columnText.utf8.first == UInt8(ascii: "@") }

    /// The payload a column's text stands for: parsed from it, or the copy apart that `load(version)` reads (nil
    /// when it is missing: a corrupt store).
    public func payload(fromColumn text: String, kind: PayloadKind, owner: String,
                        load: (_ version: String) throws -> String?) throws -> JSONObject {
        guard Self.isReference(text) else { return try JSONObject(parsingObject: text) }
        let version = String(text.dropFirst())
        let key = Self.key(owner, kind, version)
        if let known = recent.withLock({ $0.payload(for: key) }) { return known }
        guard let json = try load(version) else {
            throw StoreError(.corrupt, "The \(kind.rawValue) of \(owner) is stored apart as version \(version), which is missing")
        }
        let payload = try JSONObject(parsingObject: json)
        recent.withLock { $0.insert(payload, weight: json.utf8.count, for: key) }
        return payload
    }

    private static let referenceMark = "@"

    private static func key(_ owner: String, _ kind: PayloadKind, _ version: String) -> String {
        "\(owner)/\(kind.rawValue)/\(version)"
    }
}

/// Parsed payloads by key, the least recently used dropped past `capacity` bytes of their text. Uses are kept in
/// order (a key used again is listed again; only its last use counts), so the oldest is found without a scan.
private struct RecentPayloads {
    let capacity: Int
    private var entries: [String: (payload: JSONObject, weight: Int, lastUse: UInt64)] = [:]
    private var uses: [(key: String, use: UInt64)] = []
    private var oldest = 0
    private var weight = 0
    private var clock: UInt64 = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func payload(for key: String) -> JSONObject? {
        guard let entry = entries[key] else { return nil }
        noteUse(of: key)
        return entry.payload
    }

    mutating func insert(_ payload: JSONObject, weight: Int, for key: String) {
        guard weight <= capacity else { return }
        if let old = entries.updateValue((payload, weight, 0), forKey: key) { self.weight -= old.weight }
        self.weight += weight
        noteUse(of: key)
        while self.weight > capacity, oldest < uses.count {
            let use = uses[oldest]
            oldest += 1
            if let entry = entries[use.key], entry.lastUse == use.use {
                entries[use.key] = nil
                self.weight -= entry.weight
            }
        }
    }

    private mutating func noteUse(of key: String) {
        clock += 1
        entries[key]?.lastUse = clock
        uses.append((key, clock))
        // Uses that are no one's last are dropped once they outnumber the entries: the list stays in proportion.
        if uses.count - oldest > 2 * entries.count + 64 {
            uses = entries.map { (key: $0.key, use: $0.value.lastUse) }.sorted { $0.use < $1.use }
            oldest = 0
        }
    }
}
