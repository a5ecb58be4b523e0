import AsyncHTTPClient
import Foundation
public import NIOHTTP1
import NIOCore

/// A small JSON-over-HTTP client for tests: it sends exactly what a test says and returns the status
/// and raw body, so tests can check Conductor's wire format byte for byte.
public struct TestHTTPClient: Sendable {
    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL
    }

    /// A response: status code and body.
    public struct Reply: Sendable {
        public let status: Int
        public let body: Data
        public let headers: HTTPHeaders

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body decoded as JSON into `T`.
        public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
            try JSONDecoder().decode(T.self, from: body)
        }

        /// The body as a JSON object (for checking exact field names).
        public func object() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw TestHarnessError("Expected a JSON object, got: \(text)")
            }
            return object
        }
    }

    /// Sends a request with a raw body.
    public func send(_ method: HTTPMethod, _ path: String, body: String? = nil,
                     contentType: String = "application/json") async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), body: Data(buffer.readableBytesView), headers: response.headers)
    }

    /// Sends a request whose body is `value` encoded as JSON.
    public func send(_ method: HTTPMethod, _ path: String, json value: some Encodable) async throws -> Reply {
        let data = try JSONEncoder().encode(value)
        return try await send(method, path, body: String(decoding: data, as: UTF8.self))
    }

    public func get(_ path: String) async throws -> Reply { try await send(.GET, path) }
}
