import Foundation

extension KeyedDecodingContainer {
    /// Decodes the value for `key`, or returns `fallback` when the key is absent or `null`,
    /// as Conductor's lenient JSON mapper does.
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}
