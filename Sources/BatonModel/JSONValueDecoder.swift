/// Decodes `Decodable` values from a parsed `JSONValue` tree, as Foundation's `JSONDecoder` decodes them from
/// text, without its intermediate representation: the clients' hot replies (a poll's tasks, each with its
/// definition node) cost several times less to read. `JSONValue` and `JSONObject` members are handed over as
/// they are. Numbers must fit the requested type exactly; anything else is a `DecodingError`.
public struct JSONValueDecoder {
    public init() {}

    /// `T` from `value`.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try ValueDecoder(value: value, containerPath: [], repeats: nil).decodeValue(T.self)
    }

    /// `T` from the JSON text `bytes`, read with Baton's parser. Objects that repeat byte for byte near the top
    /// of the text (the definition node each task of a poll carries) are parsed and decoded once.
    public func decode<T: Decodable>(_ type: T.Type, fromJSON bytes: [UInt8]) throws -> T {
        let (value, shared) = try JSONParser.parseSharingRepeats(bytes)
        let repeats = shared.isEmpty ? nil : DecodedRepeats(shared: shared)
        return try ValueDecoder(value: value, containerPath: [], repeats: repeats).decodeValue(T.self)
    }
}

/// A `Decodable` type that reads its usual JSON from an object already parsed faster than its `init(from:)`
/// does. `JSONValueDecoder` asks it first; when it answers nil, `init(from:)`, its leniency and its errors
/// are the rule.
protocol JSONObjectReadable: Decodable {
    init?(reading members: JSONObject, nested: JSONNestedReader)
}

/// Decodes the members a `JSONObjectReadable` type leaves to `Decodable` (a task's definition node), as
/// the decoder that asked it does: an object repeated in the text is decoded once.
struct JSONNestedReader {
    fileprivate let repeats: DecodedRepeats?

    /// A reader for an object read on its own, with no repeats to share.
    static var alone: JSONNestedReader { JSONNestedReader(repeats: nil) }

    /// `value` as a `T`, or nil when it is not one.
    func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) -> T? {
        try? ValueDecoder(value: value, containerPath: [], repeats: repeats).decodeValue(T.self)
    }
}

/// What the objects that repeat in one text decoded to, by the object and the type asked for.
///
/// A repeat is the earlier object's value itself, sharing its storage, so finding it among the shared objects costs
/// a comparison that a dictionary answers at once for shared storage (and by its count for most other objects).
private final class DecodedRepeats {
    struct Key: Hashable {
        /// The object's place among `shared`.
        let index: Int
        let type: ObjectIdentifier
    }

    /// The objects that repeats may share, in the order they were parsed.
    let shared: [JSONObject]
    var decoded: [Key: Any] = [:]

    init(shared: [JSONObject]) {
        self.shared = shared
    }

    /// Where `members` is among the shared objects, or nil when it is none of them.
    func index(of members: JSONObject) -> Int? {
        shared.firstIndex { $0.count == members.count && $0 == members }
    }
}

/// Whether a null cannot be a `T` (anything but `JSONValue` and optionals, which make their own nil of it).
private func refusesNull<T>(_ type: T.Type) -> Bool {
    !(T.self == JSONValue.self || T.self is any OptionalValue.Type)
}

private protocol OptionalValue {}
extension Optional: OptionalValue {}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    /// The path to the value's container; with `key`, the coding path, made only when asked for (most
    /// values are read without: an array per member was a good part of decoding a task).
    let containerPath: [any CodingKey]
    let key: (any CodingKey)?
    /// Set when the text's repeated objects are decoded once.
    let repeats: DecodedRepeats?

    init(value: JSONValue, containerPath: [any CodingKey], key: (any CodingKey)? = nil, repeats: DecodedRepeats?) {
        self.value = value
        self.containerPath = containerPath
        self.key = key
        self.repeats = repeats
    }

    var codingPath: [any CodingKey] { key.map { containerPath + [$0] } ?? containerPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: JSONValue].self) }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath, repeats: repeats))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath, repeats: repeats)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(decoder: self) }

    func mismatch(_ expected: Any.Type) -> DecodingError {
        let found = switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
        return DecodingError.typeMismatch(expected, .init(codingPath: codingPath, debugDescription: "Expected \(expected), found \(found)"))
    }

    /// `T` from this value: free-form JSON as it is, scalars directly, anything else through its `init(from:)`
    /// (once for all the repeats of an object).
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        guard let direct = try directValue(T.self) else { return try decodeOnce(T.self) }
        guard let typed = direct as? T else { throw mismatch(T.self) }
        return typed
    }

    private func decodeOnce<T: Decodable>(_ type: T.Type) throws -> T {
        guard let repeats, case .object(let members) = value, let index = repeats.index(of: members) else {
            return try decodeAfresh(T.self)
        }
        let key = DecodedRepeats.Key(index: index, type: ObjectIdentifier(T.self))
        if let earlier = repeats.decoded[key] as? T { return earlier }
        let decoded = try decodeAfresh(T.self)
        repeats.decoded[key] = decoded
        return decoded
    }

    private func decodeAfresh<T: Decodable>(_ type: T.Type) throws -> T {
        if let readable = T.self as? any JSONObjectReadable.Type, case .object(let members) = value,
           let read = readable.init(reading: members, nested: JSONNestedReader(repeats: repeats)) as? T {
            return read
        }
        return try T(from: self)
    }

    /// This value as one of the types read without their `init(from:)`, or nil for any other type. Every
    /// integer type is among them by name: their `init(from:)` asks the single-value container for
    /// themselves, which would come back here.
    private func directValue(_ type: Any.Type) throws -> Any? {
        if type == JSONValue.self { return value }
        if type == [String: JSONValue].self {
            guard case .object(let members) = value else { throw mismatch(type) }
            return members
        }
        if type == String.self { return try string() }
        if type == Bool.self { return try bool() }
        if type == Double.self { return try double() }
        if type == Float.self { return Float(try double()) }
        if let integerType = type as? any FixedWidthInteger.Type { return try integer(integerType) }
        return nil
    }

    func string() throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self) }
        return text
    }

    func bool() throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self) }
        return flag
    }

    func double() throws -> Double {
        switch value {
        case .double(let number): return number
        case .int(let number): return Double(number)
        default: throw mismatch(Double.self)
        }
    }

    func integer<Number: FixedWidthInteger>(_ type: Number.Type) throws -> Number {
        switch value {
        case .int(let number):
            if let exact = Number(exactly: number) { return exact }
        case .double(let number):
            if let exact = Number(exactly: number) { return exact }
        default:
            throw mismatch(Number.self)
        }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                                                debugDescription: "The number \(value) does not fit in \(Number.self)"))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]
    let repeats: DecodedRepeats?

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let member = members[key.stringValue] else { throw missing(key) }
        return member == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let member = members[key.stringValue] else { throw missing(key) }
        let decoder = ValueDecoder(value: member, containerPath: codingPath, key: key, repeats: repeats)
        if member == .null, refusesNull(T.self) {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: decoder.codingPath, debugDescription: "null"))
        }
        return try decoder.decodeValue(T.self)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let member = members[key.stringValue], member != .null else { return nil }
        return try ValueDecoder(value: member, containerPath: codingPath, key: key, repeats: repeats).decodeValue(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        guard let member = members[key.stringValue] else { throw missing(key) }
        return try ValueDecoder(value: member, containerPath: codingPath, key: key, repeats: repeats).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        guard let member = members[key.stringValue] else { throw missing(key) }
        return try ValueDecoder(value: member, containerPath: codingPath, key: key, repeats: repeats).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: members["super"] ?? .null, containerPath: codingPath, repeats: repeats)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: members[key.stringValue] ?? .null, containerPath: codingPath, key: key, repeats: repeats)
    }

    private func missing(_ key: Key) -> DecodingError {
        .keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value for \(key.stringValue)"))
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    let repeats: DecodedRepeats?
    private(set) var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey], repeats: DecodedRepeats?) {
        self.elements = elements
        self.codingPath = codingPath
        self.repeats = repeats
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw atEnd(JSONValue.self) }
        guard elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = try next(T.self)
        if decoder.value == .null, refusesNull(T.self) {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: decoder.codingPath, debugDescription: "null"))
        }
        let value = try decoder.decodeValue(T.self)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey> {
        let container = try next(JSONObject.self).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try next([JSONValue].self).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = try next(JSONValue.self)
        currentIndex += 1
        return decoder
    }

    private func next(_ type: Any.Type) throws -> ValueDecoder {
        guard !isAtEnd else { throw atEnd(type) }
        return ValueDecoder(value: elements[currentIndex], containerPath: codingPath, key: Index(currentIndex), repeats: repeats)
    }

    private func atEnd(_ type: Any.Type) -> DecodingError {
        .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "The list has no more elements"))
    }

    private struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }
}

private struct SingleValue: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if decoder.value == .null, refusesNull(T.self) {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath, debugDescription: "null"))
        }
        return try decoder.decodeValue(T.self)
    }
}
