import Foundation

extension JSONValue {
    /// Compact JSON text for this value, written without Foundation's encoder (the hot path's format).
    public var jsonText: String {
        var output = ""
        output.reserveCapacity(64)
        write(to: &output)
        return output
    }

    /// Appends compact JSON text for this value to `output`.
    public func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value):
            output += value.isFinite ? JSONValue.format(value) : "null"
        case .string(let text): JSONValue.writeString(text, to: &output)
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let members):
            JSONValue.writeObject(members, to: &output)
        }
    }

    /// Appends compact JSON text for an object, keys sorted, to `output`.
    public static func writeObject(_ members: JSONObject, to output: inout String) {
        // Empty and one-member objects (most of them: `{}` inputs, `{"result":…}` outputs) need no sort; larger
        // ones are sorted as pairs, so no member is looked up again by its key.
        switch members.count {
        case 0:
            output += "{}"
        case 1:
            let (key, value) = members.first!
            output += "{"
            writeMember(key, value, to: &output)
            output += "}"
        default:
            output += "{"
            for (position, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { output += "," }
                writeMember(member.key, member.value, to: &output)
            }
            output += "}"
        }
    }

    private static func writeMember(_ key: String, _ value: JSONValue, to output: inout String) {
        writeString(key, to: &output)
        output += ":"
        value.write(to: &output)
    }

    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        // Most strings need no escape: appended whole, not scalar by scalar.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Parses JSON text into a value (strict JSON, at most 512 levels deep).
    public init(parsing text: String) throws {
        self = try JSONParser.parse(text)
    }

    /// Parses UTF-8 JSON text into a value, as `init(parsing:)` does.
    public init(parsingUTF8 bytes: [UInt8]) throws {
        var parser = JSONParser(bytes)
        self = try parser.parseWhole()
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Compact JSON text for this object, keys sorted.
    public var jsonText: String {
        var output = ""
        JSONValue.writeObject(self, to: &output)
        return output
    }

    /// Parses JSON text that holds an object.
    public init(parsingObject text: String) throws {
        guard case .object(let members) = try JSONValue(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Expected a JSON object"))
        }
        self = members
    }
}
