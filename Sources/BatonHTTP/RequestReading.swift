import BatonModel
import Foundation
import Hummingbird
import NIOCore

/// Reading query parameters and bodies the way Conductor's clients send them.
extension Request {
    /// A query parameter's value, nil when absent.
    func query(_ name: String) -> String? {
        queryValues(name).first
    }

    /// Every value of a repeated query parameter.
    func queryValues(_ name: String) -> [String] {
        queryItems.filter { $0.name == name }.map(\.value)
    }

    /// The query's name–value pairs, decoded as Conductor's servlet container does: `+` is a space, then
    /// percent-escapes. The Python client encodes with `urlencode`, e.g. `?reason=operator+said+stop`.
    var queryItems: [(name: String, value: String)] {
        guard let query = uri.query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.formDecoded(parts[0]), parts.count > 1 ? Self.formDecoded(parts[1]) : "")
        }
    }

    private static func formDecoded(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// A boolean query parameter, in any case (`true`, `True`, `TRUE`); `fallback` when absent.
    func flag(_ name: String, default fallback: Bool) throws -> Bool {
        guard let text = query(name), !text.isEmpty else { return fallback }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw Refusal.badRequest("Query parameter '\(name)' must be true or false, not '\(text)'")
        }
    }

    /// A whole-number query parameter; nil when absent.
    func integer(_ name: String) throws -> Int? {
        guard let text = query(name), !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw Refusal.badRequest("Query parameter '\(name)' must be a whole number, not '\(text)'") }
        return value
    }

    /// The `returnStrategy` query parameter of a synchronous execute or signal; `TARGET_WORKFLOW` when absent.
    func returnStrategy() throws -> WorkflowSignalReturnStrategy {
        guard let text = query("returnStrategy"), !text.isEmpty else { return .targetWorkflow }
        guard let strategy = WorkflowSignalReturnStrategy(rawValue: text.uppercased()) else {
            throw Refusal.badRequest("Query parameter 'returnStrategy' must be one of "
                + WorkflowSignalReturnStrategy.allCases.map(\.rawValue).joined(separator: ", ") + ", not '\(text)'")
        }
        return strategy
    }

    /// The raw body, at most `HTTPLimits.ceiling` bytes (`LimitsMiddleware` enforces the configured limit).
    func bodyData() async throws -> Data {
        Data(try await bodyBytes())
    }

    private func bodyBytes() async throws -> [UInt8] {
        let buffer = try await body.collect(upTo: HTTPLimits.ceiling)
        return Array(buffer.readableBytesView)
    }

    /// The body parsed as JSON, nil when it is empty. Every body is parsed once, and all that is decided about a
    /// request — who may make it and what it does — is read from that one parse: two readers of one text can
    /// disagree (an object naming a key twice is refused by the parser for the same reason).
    func jsonBody() async throws -> JSONValue? {
        let bytes = try await bodyBytes()
        if Self.isBlank(bytes) { return nil }
        do {
            return try JSONValue(parsingUTF8: bytes)
        } catch {
            throw Refusal.badRequest("Invalid JSON body: \(error)")
        }
    }

    /// The JSON body decoded as `T`, or `fallback` when the body is empty.
    func decode<T: Decodable>(_ type: T.Type, orIfEmpty fallback: @autoclosure () -> T) async throws -> T {
        guard let value = try await jsonBody() else { return fallback() }
        return try JSONValueDecoder().decode(T.self, from: value)
    }

    /// The JSON object body (a workflow's input, a task's output), or `fallback` when the body is empty.
    func decodeObject(orIfEmpty fallback: JSONObject) async throws -> JSONObject {
        guard let value = try await jsonBody() else { return fallback }
        guard case .object(let members) = value else { throw Refusal.badRequest("The request body must be a JSON object") }
        return members
    }

    /// A worker's result: its usual shape read by `TaskResult(fastParsing:)`, anything else by its `Decodable`
    /// conformance, both from the one parse of the body.
    func decodeTaskResult() async throws -> TaskResult {
        try Self.taskResult(from: try await requiredJSONBody(TaskResult.self))
    }

    /// Workers' results (a JSON array), read as `decodeTaskResult()` reads one.
    func decodeTaskResults() async throws -> [TaskResult] {
        guard case .array(let items) = try await requiredJSONBody([TaskResult].self) else {
            throw Refusal.badRequest("The request body must be a JSON array of task results")
        }
        return try items.map(Self.taskResult(from:))
    }

    private static func taskResult(from value: JSONValue) throws -> TaskResult {
        try TaskResult(fastParsing: value) ?? JSONValueDecoder().decode(TaskResult.self, from: value)
    }

    /// The JSON body decoded as `T`; an empty body is a 400.
    func decode<T: Decodable>(_ type: T.Type) async throws -> T {
        try JSONValueDecoder().decode(T.self, from: await requiredJSONBody(T.self))
    }

    private func requiredJSONBody<T>(_ type: T.Type) async throws -> JSONValue {
        guard let value = try await jsonBody() else { throw Refusal.badRequest("The request needs a JSON body (\(T.self))") }
        return value
    }

    /// Whether a body holds nothing but JSON white space.
    private static func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}

/// Building JSON and text responses.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A task, written by its hand-written JSON writer (the hot path: tasks handed to workers).
    static func make(_ task: TaskExecution, status: HTTPResponse.Status = .ok) -> Response {
        json(task.jsonText, status: status)
    }

    /// Tasks, written by their hand-written JSON writer.
    static func make(_ tasks: [TaskExecution], status: HTTPResponse.Status = .ok) -> Response {
        json(TaskExecution.jsonText(of: tasks), status: status)
    }

    private static func json(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Plain text, as Conductor labels it (`text/plain;charset=UTF-8`): the Go SDK up to v1.3.7 reads an id only
    /// under exactly that type.
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain;charset=UTF-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A synchronous execute's or signal's reply; an empty body when a task was asked for and none blocks (as
    /// Conductor answers its null).
    static func signalReply(_ reply: SignalResponse?) throws -> Response {
        guard let reply else { return empty() }
        return try make(reply)
    }

    static func empty(_ status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status)
    }
}

extension Parameters {
    /// A path parameter that the route guarantees; one that decodes to a NUL character (`%00`) is a 400, as in a body.
    func path(_ name: String) throws -> String {
        guard let value = get(name) else { throw Refusal.badRequest("Missing path parameter \(name)") }
        let decoded = value.percentDecoded
        guard !decoded.utf8.contains(0) else { throw Refusal.badRequest("Path parameter \(name) holds a NUL character (%00)") }
        return decoded
    }
}

extension String {
    /// The text with `%XX` escapes decoded (itself when one is malformed). Most path components have none, and
    /// Foundation's decoding goes through a CFString even then: that is skipped.
    var percentDecoded: String {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        return removingPercentEncoding ?? self
    }
}
