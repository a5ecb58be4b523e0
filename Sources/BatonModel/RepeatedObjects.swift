import Foundation

/// Objects that repeat byte for byte in one JSON text, parsed once: each task of a poll carries its definition
/// node (some forty members and its task definition), and most of a poll's tasks come from a few nodes. The
/// members of the top two levels' objects (a task's members, in a list of tasks or alone) of at least
/// `smallestSize` bytes are compared with the `capacity` last parsed or repeated; a repeat is the earlier value,
/// sharing its storage, which lets `JSONValueDecoder` decode it once too.
struct RepeatedObjects {
    /// The deepest object whose members are compared (1 is the outermost).
    static let deepestHolder = 2
    /// Smaller objects parse faster than they are compared.
    static let smallestSize = 64
    static let capacity = 8

    /// The objects to compare with, the most recently parsed or repeated last (a task's own input, parsed once,
    /// leaves before the definition node that every task repeats).
    private var recent: [(range: Range<Int>, value: JSONValue)] = []
    /// The storage identities (`identity(of:)`) of the objects remembered, which their repeats share.
    private(set) var identities: Set<UInt> = []

    /// The value of an earlier object whose text is the same as `range`'s.
    mutating func value(repeating range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard let base = bytes.baseAddress, let index = recent.lastIndex(where: { entry in
            entry.range.count == range.count && memcmp(base + entry.range.lowerBound, base + range.lowerBound, range.count) == 0
        }) else { return nil }
        let entry = recent.remove(at: index)
        recent.append(entry)
        return entry.value
    }

    /// Notes `value`, parsed from `range`, for the repeats that may follow.
    mutating func remember(_ value: JSONValue, parsedFrom range: Range<Int>) {
        guard case .object(let members) = value, let identity = Self.identity(of: members) else { return }
        identities.insert(identity)
        if recent.count == Self.capacity { recent.removeFirst() }
        recent.append((range, value))
    }

    /// The address of an object's storage: shared by the copies of one parsed object, different for any two
    /// objects alive at the same time. Nil if a dictionary is not one reference (it is on every platform Swift
    /// supports; then nothing is shared, which is only slower).
    static func identity(of members: JSONObject) -> UInt? {
        guard MemoryLayout<JSONObject>.size == MemoryLayout<UInt>.size else { return nil }
        return withUnsafeBytes(of: members) { $0.load(as: UInt.self) }
    }
}
