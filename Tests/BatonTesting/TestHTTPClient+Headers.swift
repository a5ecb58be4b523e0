import AsyncHTTPClient
import Foundation
public import NIOHTTP1
import NIOCore

extension TestHTTPClient {
    /// Sends a request with a raw body and extra headers (e.g. `X-Authorization`).
    public func send(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)],
                     contentType: String = "application/json") async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), body: Data(buffer.readableBytesView), headers: response.headers)
    }
}
