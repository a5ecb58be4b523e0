import BatonModel

/// Reads the few members a benchmark worker answers with from the tasks of a poll reply, skipping the rest
/// without building it (a task's definition node is most of its JSON). The load generator shares the
/// server's two cores: reading whole replies cost it a third of its CPU, CPU the server then lacked.
/// Anything it does not expect (escapes in a wanted string, malformed JSON) falls back to the full parser.
struct PollReply {
    private let bytes: [UInt8]
    private var index = 0

    /// The tasks of a reply holding a list of tasks.
    static func tasks(in text: String) throws -> [PolledTask] {
        var reply = PollReply(bytes: Array(text.utf8))
        if let tasks = reply.readList() { return tasks }
        return try JSONValue(parsing: text).arrayValue?.compactMap(PolledTask.init) ?? []
    }

    /// The task of a reply holding one task.
    static func task(in text: String) throws -> PolledTask? {
        var reply = PollReply(bytes: Array(text.utf8))
        if let task = reply.readTask() { return task }
        return PolledTask(try JSONValue(parsing: text))
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func readList() -> [PolledTask]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var tasks: [PolledTask] = []
        if consume(UInt8(ascii: "]")) { return tasks }
        repeat {
            guard let task = readTask() else { return nil }
            tasks.append(task)
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? tasks : nil
    }

    private mutating func readTask() -> PolledTask? {
        var taskId: String?, workflowId: String?, reference: String?, input = ""
        guard consume(UInt8(ascii: "{")) else { return nil }
        if !consume(UInt8(ascii: "}")) {
            repeat {
                guard let key = readString(), consume(UInt8(ascii: ":")) else { return nil }
                switch key {
                case "taskId": taskId = readString()
                case "workflowInstanceId": workflowId = readString()
                case "referenceTaskName": reference = readString()
                case "inputData":
                    guard let n = readMember("n") else { return nil }
                    input = n
                default:
                    guard skipValue() else { return nil }
                }
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { return nil }
        }
        guard let taskId, let workflowId, let reference else { return nil }
        return PolledTask(taskId: taskId, workflowId: workflowId, reference: reference, input: input)
    }

    /// The string member `name` of the object here ("" when absent), skipping the others.
    private mutating func readMember(_ name: String) -> String? {
        guard consume(UInt8(ascii: "{")) else { return nil }
        var found = ""
        if consume(UInt8(ascii: "}")) { return found }
        repeat {
            guard let key = readString(), consume(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            if key == name, peek == UInt8(ascii: "\"") {
                guard let value = readString() else { return nil }
                found = value
            } else if !skipValue() {
                return nil
            }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}")) ? found : nil
    }

    /// A string without escapes (nil for any other value, so the caller falls back).
    private mutating func readString() -> String? {
        skipSpace()
        guard peek == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        index = end + 1
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Steps over one value of any kind.
    private mutating func skipValue() -> Bool {
        skipSpace()
        guard let first = peek else { return false }
        switch first {
        case UInt8(ascii: "\""):
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            index += 1
            return index <= bytes.count
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = first == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            if consume(close) { return true }
            repeat {
                if first == UInt8(ascii: "{") {
                    guard readKey(), consume(UInt8(ascii: ":")) else { return false }
                }
                guard skipValue() else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(close)
        default:
            // A number or a literal: up to the next delimiter.
            let start = index
            while index < bytes.count, !Self.isDelimiter(bytes[index]) { index += 1 }
            return index > start
        }
    }

    /// Steps over an object's key, escapes and all.
    private mutating func readKey() -> Bool {
        skipSpace()
        return peek == UInt8(ascii: "\"") && skipValue()
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard peek == byte else { return false }
        index += 1
        return true
    }
}
