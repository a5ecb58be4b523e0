/// One member of a type's JSON object, declared once for the four ways the object is read and written: the
/// `Decodable` conformance, the `Encodable` one, the fast reader (`JSONObjectReadable`) and the fast writer
/// (`JSONWritable`). A type lists its members in order (`static let members`) and its coding walks the list.
struct JSONMember<Root>: Sendable {
    /// The member's key.
    let name: String
    /// The member's value to write, or nil to leave it out.
    let value: @Sendable (Root) -> JSONMemberValue?
    /// Writes the member (nothing when it has no value) with the fast writer, or returns the node it holds for the
    /// writer to write (the writer remembers the nodes it wrote).
    let write: @Sendable (Root, inout JSONObjectWriter, inout String) -> WorkflowTask?
    /// Reads the member's parsed value into `root`; false when it is of another type (the `Decodable` path then
    /// reads the object, with its errors). Nil for a member that is written only.
    let read: (@Sendable (inout Root, JSONValue, JSONNestedReader) -> Bool)?
    /// Decodes the member into `root`, which keeps its default when the member is absent or null. Nil for a member
    /// that is written only.
    let decode: (@Sendable (inout Root, KeyedDecodingContainer<JSONMemberKey>) throws -> Void)?
}

/// A type whose JSON object is its `members`, declared once: its codings walk that list.
protocol JSONObjectMembers {
    static var members: [JSONMember<Self>] { get }
}

extension JSONObjectMembers {
    /// Writes the object: each member that has a value, with the fast writer.
    func writeMembers(to output: inout String) {
        var o = JSONObjectWriter(&output)
        for member in Self.members { _ = member.write(self, &o, &output) }
        o.finish(&output)
    }
}

/// A member's value as written.
enum JSONMemberValue {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case object(JSONObject)
    /// A definition node, written with its task definition beside it (`taskDefinition`), as Conductor writes a task.
    case node(WorkflowTask)
    /// A value that writes its JSON itself (a worker's log lines).
    case writable(any JSONWritable & Encodable & Sendable)
    /// Free-form JSON (a schema), or a list of strings.
    case json(JSONValue)
}

/// A member's key, by name.
struct JSONMemberKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A value that reads itself from a parsed member and knows how it is written.
protocol JSONMemberCodable: Codable, Sendable {
    init?(member value: JSONValue)
    var memberValue: JSONMemberValue { get }
    /// Writes the value as the member `name`.
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String)
}

extension String: JSONMemberCodable {
    init?(member value: JSONValue) {
        guard case .string(let text) = value else { return nil }
        self = text
    }
    var memberValue: JSONMemberValue { .string(self) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.string(name, self, &output)
    }
}

extension Int: JSONMemberCodable {
    init?(member value: JSONValue) {
        guard case .int(let number) = value, let exact = Int(exactly: number) else { return nil }
        self = exact
    }
    var memberValue: JSONMemberValue { .integer(Int64(self)) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.number(name, self, &output)
    }
}

extension Int64: JSONMemberCodable {
    init?(member value: JSONValue) {
        guard case .int(let number) = value else { return nil }
        self = number
    }
    var memberValue: JSONMemberValue { .integer(self) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.number(name, self, &output)
    }
}

extension Bool: JSONMemberCodable {
    init?(member value: JSONValue) {
        guard case .bool(let flag) = value else { return nil }
        self = flag
    }
    var memberValue: JSONMemberValue { .bool(self) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.bool(name, self, &output)
    }
}

extension Dictionary: JSONMemberCodable where Key == String, Value == JSONValue {
    init?(member value: JSONValue) {
        guard case .object(let object) = value else { return nil }
        self = object
    }
    var memberValue: JSONMemberValue { .object(self) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.object(name, self, &output)
    }
}

extension JSONValue: JSONMemberCodable {
    init?(member value: JSONValue) { self = value }
    var memberValue: JSONMemberValue { .json(self) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.value(name, self, &output)
    }
}

extension Array: JSONMemberCodable where Element == String {
    init?(member value: JSONValue) {
        guard case .array(let items) = value else { return nil }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { return nil }
            strings.append(text)
        }
        self = strings
    }
    var memberValue: JSONMemberValue { .json(.array(map(JSONValue.string))) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.strings(name, self, &output)
    }
}

/// A string enumeration as a member: its raw value.
protocol JSONMemberEnumeration: JSONMemberCodable, RawRepresentable where RawValue == String {}

extension JSONMemberEnumeration {
    init?(member value: JSONValue) {
        guard case .string(let text) = value else { return nil }
        self.init(rawValue: text)
    }
    var memberValue: JSONMemberValue { .string(rawValue) }
    func write(as name: String, with writer: inout JSONObjectWriter, _ output: inout String) {
        writer.string(name, rawValue, &output)
    }
}

extension TaskStatus: JSONMemberEnumeration {}
extension TaskResultStatus: JSONMemberEnumeration {}
extension TaskTimeoutPolicy: JSONMemberEnumeration {}
extension TaskType: JSONMemberEnumeration {}
extension IdempotencyStrategy: JSONMemberEnumeration {}
extension RetryLogic: JSONMemberEnumeration {}

extension JSONMember {
    /// A member always written, read into the root with `set` (which keeps its default when the member is absent or
    /// null).
    static func member<Value: JSONMemberCodable>(_ name: String, _ get: @escaping @Sendable (Root) -> Value,
                                                 _ set: @escaping @Sendable (inout Root, Value) -> Void) -> JSONMember {
        member(name, writing: { get($0).memberValue }, fastWriting: { root, writer, output in
            get(root).write(as: name, with: &writer, &output)
            return nil
        }, set)
    }

    /// A member read with `set` and written as `writing` gives it (a value the type derives for its readers).
    static func member<Value: JSONMemberCodable>(_ name: String, writing: @escaping @Sendable (Root) -> JSONMemberValue?,
                                                 _ set: @escaping @Sendable (inout Root, Value) -> Void) -> JSONMember {
        member(name, writing: writing, fastWriting: { root, writer, output in
            writing(root).flatMap { JSONMember.write($0, as: name, with: &writer, &output) }
        }, set)
    }

    private static func member<Value: JSONMemberCodable>(
        _ name: String, writing: @escaping @Sendable (Root) -> JSONMemberValue?,
        fastWriting: @escaping @Sendable (Root, inout JSONObjectWriter, inout String) -> WorkflowTask?,
        _ set: @escaping @Sendable (inout Root, Value) -> Void
    ) -> JSONMember {
        let key = JSONMemberKey(stringValue: name)
        return JSONMember(
            name: name, value: writing, write: fastWriting,
            read: { root, value, _ in
                guard let read = Value(member: value) else { return false }
                set(&root, read)
                return true
            },
            decode: { root, container in
                if let decoded = try container.decodeIfPresent(Value.self, forKey: key) { set(&root, decoded) }
            })
    }

    /// A member left out when nil (and nil when absent).
    static func optional<Value: JSONMemberCodable>(_ name: String, _ get: @escaping @Sendable (Root) -> Value?,
                                                   _ set: @escaping @Sendable (inout Root, Value?) -> Void) -> JSONMember {
        member(name, writing: { get($0)?.memberValue }, fastWriting: { root, writer, output in
            get(root)?.write(as: name, with: &writer, &output)
            return nil
        }, { (root, value: Value) in set(&root, value) })
    }

    /// A definition node (left out when nil), with its task definition written beside it.
    static func node(_ name: String, _ get: @escaping @Sendable (Root) -> WorkflowTask?,
                     _ set: @escaping @Sendable (inout Root, WorkflowTask?) -> Void) -> JSONMember {
        let key = JSONMemberKey(stringValue: name)
        return JSONMember(
            name: name, value: { get($0).map(JSONMemberValue.node) }, write: { root, _, _ in get(root) },
            read: { root, value, nested in
                guard case .object = value, let node = nested.decode(WorkflowTask.self, from: value) else { return false }
                set(&root, node)
                return true
            },
            decode: { root, container in set(&root, try container.decodeIfPresent(WorkflowTask.self, forKey: key)) })
    }

    /// A member of a type that writes its own JSON (a nested object, a list of them), left out when `get` gives nil;
    /// read and decoded as that type decodes.
    static func nested<Value: JSONWritable & Codable & Sendable>(
        _ name: String, _ get: @escaping @Sendable (Root) -> Value?, _ set: @escaping @Sendable (inout Root, Value) -> Void
    ) -> JSONMember {
        let key = JSONMemberKey(stringValue: name)
        return JSONMember(
            name: name, value: { get($0).map { .writable($0) } },
            write: { root, writer, output in
                writer.nested(name, get(root), &output)
                return nil
            },
            read: { root, value, nested in
                guard let read = nested.decode(Value.self, from: value) else { return false }
                set(&root, read)
                return true
            },
            decode: { root, container in
                if let decoded = try container.decodeIfPresent(Value.self, forKey: key) { set(&root, decoded) }
            })
    }

    /// A member written only: what the type derives for its readers, ignored when read.
    static func written(_ name: String, _ value: @escaping @Sendable (Root) -> JSONMemberValue?) -> JSONMember {
        JSONMember(name: name, value: value, write: { root, writer, output in
            value(root).flatMap { write($0, as: name, with: &writer, &output) }
        }, read: nil, decode: nil)
    }

    /// Writes `value` as the member `name`; a node is returned for the writer to write.
    private static func write(_ value: JSONMemberValue, as name: String, with writer: inout JSONObjectWriter,
                              _ output: inout String) -> WorkflowTask? {
        switch value {
        case .string(let text): writer.string(name, text, &output)
        case .integer(let number): writer.number(name, number, &output)
        case .bool(let flag): writer.bool(name, flag, &output)
        case .object(let object): writer.object(name, object, &output)
        case .node(let node): return node
        case .writable(let value): writer.nested(name, value, &output)
        case .json(let value): writer.value(name, value, &output)
        }
        return nil
    }
}

extension Array {
    /// Decodes each member into `root`.
    func decode<Root>(into root: inout Root, from decoder: any Decoder) throws where Element == JSONMember<Root> {
        let container = try decoder.container(keyedBy: JSONMemberKey.self)
        for member in self { try member.decode?(&root, container) }
    }

    /// Encodes each member of `root` that has a value; a node with its task definition beside it.
    func encode<Root>(_ root: Root, to encoder: any Encoder) throws where Element == JSONMember<Root> {
        var container = encoder.container(keyedBy: JSONMemberKey.self)
        for member in self {
            let key = JSONMemberKey(stringValue: member.name)
            switch member.value(root) {
            case nil: continue
            case .string(let text): try container.encode(text, forKey: key)
            case .integer(let number): try container.encode(number, forKey: key)
            case .bool(let flag): try container.encode(flag, forKey: key)
            case .object(let object): try container.encode(object, forKey: key)
            case .node(let node):
                try container.encode(node, forKey: key)
                try container.encodeIfPresent(node.taskDefinition, forKey: JSONMemberKey(stringValue: "taskDefinition"))
            case .writable(let value): try container.encode(value, forKey: key)
            case .json(let value): try container.encode(value, forKey: key)
            }
        }
    }
}
