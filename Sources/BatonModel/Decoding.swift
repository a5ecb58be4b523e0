import Foundation

extension KeyedDecodingContainer {
    /// Decodes the value for `key`, or returns `fallback` when the key is absent or `null`,
    /// as Conductor's lenient JSON mapper does.
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}

extension Decoder {
    /// Refuses Conductor's `externalInputPayloadStoragePath` / `externalOutputPayloadStoragePath` when it names a
    /// path: Baton has no external payload storage to read it from, and keeps large payloads itself, so a payload
    /// sent that way would be lost.
    func refuseExternalPayloadPath(_ name: String) throws {
        let container = try self.container(keyedBy: NamedKey.self)
        guard let path = try container.decodeIfPresent(String.self, forKey: NamedKey(stringValue: name)), !path.isEmpty else {
            return
        }
        throw DecodingError.dataCorrupted(.init(
            codingPath: codingPath,
            debugDescription: "\(name) is not supported: Baton has no external payload storage; send the payload inline "
                + "(it takes payloads up to Conductor's 10 MB maximum and stores the large ones itself)"))
    }
}

extension Decoder {
    /// Refuses a member `name` that holds a non-empty array: a field Conductor's clients may send that Baton does
    /// not act on, so it is refused rather than ignored (null and `[]` pass).
    func refuseNonEmptyArray(_ name: String, because reason: String) throws {
        let container = try self.container(keyedBy: NamedKey.self)
        let key = NamedKey(stringValue: name)
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return }
        if let items = try? container.decode([JSONValue].self, forKey: key), items.isEmpty { return }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "\(name) is not supported: \(reason)"))
    }
}

/// A coding key by name, for a member read apart from a type's own keys.
private struct NamedKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
