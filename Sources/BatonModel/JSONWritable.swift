/// A type that writes its compact JSON itself, without Foundation's encoder: the same members its
/// `Encodable` conformance encodes (object keys may come in another order). Used for the hot messages:
/// the tasks handed to workers, and the results workers send back.
public protocol JSONWritable {
    /// Appends this value's JSON to `output`.
    func writeJSON(to output: inout String)
}

extension JSONWritable {
    /// This value's compact JSON.
    public var jsonText: String {
        var output = ""
        output.reserveCapacity(2048)
        writeJSON(to: &output)
        return output
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func writeJSON(to output: inout String) {
        output += "["
        for (position, element) in enumerated() {
            if position > 0 { output += "," }
            element.writeJSON(to: &output)
        }
        output += "]"
    }
}

extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    /// An object of the values by key, keys in order.
    public func writeJSON(to output: inout String) {
        output += "{"
        for (position, key) in keys.sorted().enumerated() {
            if position > 0 { output += "," }
            JSONValue.writeString(key, to: &output)
            output += ":"
            self[key]?.writeJSON(to: &output)
        }
        output += "}"
    }
}

/// Writes one JSON object member by member. Member names are Swift identifiers: written as they are.
struct JSONObjectWriter {
    private var first = true

    init(_ output: inout String) { output += "{" }

    mutating func key(_ name: String, _ output: inout String) {
        output += first ? "\"" : ",\""
        first = false
        output += name
        output += "\":"
    }

    mutating func string(_ name: String, _ value: String?, _ output: inout String) {
        guard let value else { return }
        key(name, &output)
        JSONValue.writeString(value, to: &output)
    }

    mutating func number<Number: BinaryInteger>(_ name: String, _ value: Number?, _ output: inout String) {
        guard let value else { return }
        key(name, &output)
        output += String(value)
    }

    mutating func bool(_ name: String, _ value: Bool?, _ output: inout String) {
        guard let value else { return }
        key(name, &output)
        output += value ? "true" : "false"
    }

    mutating func object(_ name: String, _ value: JSONObject?, _ output: inout String) {
        guard let value else { return }
        key(name, &output)
        JSONValue.writeObject(value, to: &output)
    }

    mutating func value(_ name: String, _ value: JSONValue?, _ output: inout String) {
        guard let value else { return }
        key(name, &output)
        value.write(to: &output)
    }

    mutating func strings(_ name: String, _ values: [String], _ output: inout String) {
        key(name, &output)
        JSONValue.array(values.map(JSONValue.string)).write(to: &output)
    }

    mutating func nested(_ name: String, _ value: (some JSONWritable)?, _ output: inout String) {
        guard let value else { return }
        key(name, &output)
        value.writeJSON(to: &output)
    }

    func finish(_ output: inout String) { output += "}" }
}

extension TaskExecution: JSONWritable {
    public func writeJSON(to output: inout String) {
        var nodes = NodeJSONMemo()
        writeJSON(to: &output, nodes: &nodes)
    }

    /// The JSON of `tasks`, as their `jsonText` is, with each definition node written once for the tasks
    /// that follow it and carry the same node (as the tasks of one poll usually do): the node and its task
    /// definition are most of a task's JSON.
    public static func jsonText(of tasks: [TaskExecution]) -> String {
        var output = ""
        output.reserveCapacity(1024 + 512 * tasks.count)
        var nodes = NodeJSONMemo()
        output += "["
        for (position, task) in tasks.enumerated() {
            if position > 0 { output += "," }
            task.writeJSON(to: &output, nodes: &nodes)
        }
        output += "]"
        return output
    }

    private func writeJSON(to output: inout String, nodes: inout NodeJSONMemo) {
        var o = JSONObjectWriter(&output)
        for member in Self.members {
            guard let node = member.write(self, &o, &output) else { continue }
            nodes.remember(node)
            o.key(member.name, &output)
            output += nodes.nodeJSON
            if let definitionJSON = nodes.definitionJSON {
                o.key("taskDefinition", &output)
                output += definitionJSON
            }
        }
        o.finish(&output)
    }
}

/// The JSON of the last few definition nodes tasks carried (a poll of a type used by several nodes of a
/// workflow, e.g. five steps of one type, hands out tasks of each in turn).
private struct NodeJSONMemo {
    private struct Entry {
        let node: WorkflowTask
        let nodeJSON: String
        let definitionJSON: String?
    }

    private var entries: [Entry] = []
    private var current = 0
    /// The entry a new node replaces once the memo is full (the oldest).
    private var oldest = 0
    private static let capacity = 8

    var nodeJSON: String { entries[current].nodeJSON }
    var definitionJSON: String? { entries[current].definitionJSON }

    /// Makes `nodeJSON` and `definitionJSON` those of `node`. Comparing is cheap where writing is not: the
    /// tasks of one definition share their node's storage, which equality checks before contents, and
    /// different nodes differ early (in their reference names).
    mutating func remember(_ node: WorkflowTask) {
        if let found = entries.firstIndex(where: { $0.node == node }) {
            current = found
            return
        }
        let entry = Entry(node: node, nodeJSON: node.jsonText, definitionJSON: node.taskDefinition?.jsonText)
        if entries.count < Self.capacity {
            entries.append(entry)
            current = entries.count - 1
        } else {
            entries[oldest] = entry
            current = oldest
            oldest = (oldest + 1) % Self.capacity
        }
    }
}

extension String: JSONWritable {
    public func writeJSON(to output: inout String) { JSONValue.writeString(self, to: &output) }
}

extension TaskExecLog: JSONWritable {
    public func writeJSON(to output: inout String) {
        var o = JSONObjectWriter(&output)
        o.string("log", log, &output)
        o.string("taskId", taskId, &output)
        o.number("createdTime", createdTime, &output)
        o.finish(&output)
    }
}

