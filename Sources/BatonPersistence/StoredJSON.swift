import Foundation

/// How the stores keep definitions, schedules and slot records: as JSON text, keys sorted; text that does not
/// read back is a corrupt store.
public enum StoredJSON {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw StoreError(.corrupt, "Stored \(T.self) cannot be read: \(error)")
        }
    }
}
