import Foundation

/// Objects that repeat byte for byte in one JSON text, parsed once: each task of a poll carries its definition
/// node (some forty members and its task definition), and most of a poll's tasks come from a few nodes. The
/// members of the top two levels' objects (a task's members, in a list of tasks or alone) of at least
/// `smallestSize` bytes are compared with the `capacity` last parsed or repeated; a repeat is the earlier value,
/// sharing its storage, which lets `JSONValueDecoder` decode it once too (it finds a repeat among `repeated` by
/// comparing: a dictionary compares equal to one sharing its storage at once).
struct RepeatedObjects {
    /// The deepest object whose members are compared (1 is the outermost).
    static let deepestHolder = 2
    /// Smaller objects parse faster than they are compared.
    static let smallestSize = 64
    static let capacity = 8

    /// The objects to compare with, the most recently parsed or repeated last (a task's own input, parsed once,
    /// leaves before the definition node that every task repeats).
    private var recent: [(range: Range<Int>, value: JSONValue, repeated: Bool)] = []
    /// The objects repeated at least once, in the order first repeated: the values their repeats share.
    private(set) var repeated: [JSONObject] = []

    /// The value of an earlier object whose text is the same as `range`'s.
    mutating func value(repeating range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard let base = bytes.baseAddress, let index = recent.lastIndex(where: { entry in
            entry.range.count == range.count && memcmp(base + entry.range.lowerBound, base + range.lowerBound, range.count) == 0
        }) else { return nil }
        var entry = recent.remove(at: index)
        if !entry.repeated, case .object(let members) = entry.value {
            entry.repeated = true
            repeated.append(members)
        }
        recent.append(entry)
        return entry.value
    }

    /// Notes `value`, parsed from `range`, for the repeats that may follow.
    mutating func remember(_ value: JSONValue, parsedFrom range: Range<Int>) {
        guard case .object = value else { return }
        if recent.count == Self.capacity { recent.removeFirst() }
        recent.append((range, value, false))
    }
}
