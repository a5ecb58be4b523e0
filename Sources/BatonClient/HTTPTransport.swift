import AsyncHTTPClient
import BatonModel
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends requests to one server and turns its answers into values or `ClientError`s. Every group
/// client (`metadata`, `workflows`, `tasks`) shares one transport and so one connection pool.
struct HTTPTransport: Sendable {
    /// An answer with a success status.
    struct Reply: Sendable {
        var status: Int
        var body: Data

        /// The body as UTF-8 text.
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let http: HTTPClient
    /// The server's root, without a trailing slash, e.g. `http://localhost:8080`.
    let baseURL: String
    let apiKey: String?
    let requestTimeout: Duration
    /// The largest body accepted in an answer.
    let maximumResponseSize = 64 * 1024 * 1024

    /// Sends a request to `path` (below the base URL) and returns the answer if its status is 2xx.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], body: Data? = nil,
              contentType: String = "application/json", extraTime: Duration = .zero) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path + Self.queryString(query))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json, text/plain")
        if let apiKey, !apiKey.isEmpty { request.headers.add(name: "X-Authorization", value: apiKey) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = Self.timeAmount(requestTimeout + extraTime)
        let status: Int
        let data: Data
        do {
            let response = try await http.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: maximumResponseSize)
            status = Int(response.status.code)
            data = Data(buffer.readableBytesView)
        } catch {
            try Task.checkCancellation()
            throw Self.transportError(error)
        }
        guard (200..<300).contains(status) else { throw Self.refusal(status: status, body: data) }
        return Reply(status: status, body: data)
    }

    /// Sends `value` encoded as JSON.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], json value: some Encodable,
              extraTime: Duration = .zero) async throws -> Reply {
        try await send(method, path, query: query, body: Self.encode(value), extraTime: extraTime)
    }

    /// Decodes a JSON answer as `T`.
    func decode<T: Decodable>(_ type: T.Type, from reply: Reply) throws -> T {
        // Baton's parser and `JSONValueDecoder` first (several times faster on a poll's tasks, whose repeated
        // definition nodes it reads once); Foundation's decoder for anything they refuse, so its leniency and its
        // messages stay what callers get.
        if let value = try? JSONValueDecoder().decode(T.self, fromJSON: Array(reply.body)) { return value }
        do {
            return try JSONDecoder().decode(T.self, from: reply.body)
        } catch {
            throw ClientError(.invalidResponse, message: "Expected \(T.self) in the answer: \(error)", status: reply.status)
        }
    }

    /// Sends a request and decodes its JSON answer as `T`.
    func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(String, String?)] = []) async throws -> T {
        try decode(T.self, from: await send(.GET, path, query: query))
    }

    // MARK: - Building requests

    /// JSON for `value`, as Conductor's servers read it.
    static func encode(_ value: some Encodable) throws -> Data {
        // Task results and definitions write their own JSON, the same document as the encoder's, several times faster.
        if let writable = value as? any JSONWritable { return Data(writable.jsonText.utf8) }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return try encoder.encode(value)
        } catch {
            throw ClientError(.invalidRequest, message: "Cannot encode the request body: \(error)")
        }
    }

    /// `?a=1&b=2` for the parameters that have a value; empty when none has.
    static func queryString(_ query: [(String, String?)]) -> String {
        let pairs = query.compactMap { name, value in value.map { "\(escapeQuery(name))=\(escapeQuery($0))" } }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// A path segment with everything but unreserved characters percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static func escapeQuery(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    // MARK: - Errors

    /// A refusal carrying the server's message (its `ErrorResponse` when it sent one).
    static func refusal(status: Int, body: Data) -> ClientError {
        if let response = try? JSONDecoder().decode(ErrorResponse.self, from: body), !response.message.isEmpty {
            return ClientError(.refused, message: response.message, status: status, response: response)
        }
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let message = text.isEmpty ? HTTPResponseStatus(statusCode: status).reasonPhrase : text
        return ClientError(.refused, message: message, status: status)
    }

    /// A failure to get any answer, saying why in plain words (e.g. `connection refused`).
    static func transportError(_ error: any Error) -> ClientError {
        if let error = error as? ClientError { return error }
        return ClientError(.unreachable, message: reason(for: error))
    }

    /// Why a request got no answer, e.g. `connection refused` or `no answer in time`.
    private static func reason(for error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return "no answer in time"
        case let error as HTTPClientError where error == .connectTimeout:
            return "connecting timed out"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return "the server closed the connection"
        case let error as IOError:
            // strerror's text, e.g. "Connection refused", without NIO's "connection reset (error set)" around it.
            let text = String(cString: strerror(error.errnoCode))
            return text.prefix(1).lowercased() + text.dropFirst()
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first { return reason(for: failure.error) }
            return "cannot resolve the host name \(error.host)"
        default:
            return "\(error)"
        }
    }
}
