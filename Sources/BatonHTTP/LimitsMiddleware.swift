import Foundation
public import Hummingbird
import NIOCore

/// Enforces `RequestLimits` before a route sees the body: the body size (413), the time it may take to arrive
/// (408), the nesting depth of its JSON (400), and what no body may hold — a NUL in a string or a number beyond a
/// double's range (400). (Payloads within a body meet Conductor's payload limits in the engine: `PayloadLimits`.)
/// Each error names the limit it hit. A body too slow, or declared larger than the limit and not sent within
/// a moment of the answer, closes its connection: the server does not read the rest of it.
public struct LimitsMiddleware: RouterMiddleware {
    public typealias Context = BatonRequestContext

    let limits: RequestLimits

    /// Creates the middleware for `limits`.
    public init(limits: RequestLimits) {
        self.limits = limits
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maximumBodySize {
            var refusal = tooLarge(length)
            switch try await BodyReading.collect(request.body, upTo: 0, within: Response.lingerAfterRefusal) {
            case .timedOut: refusal.closesConnection = true
            case .tooLarge, .complete: break
            }
            throw refusal
        }
        var request = request
        let buffer: ByteBuffer
        switch try await BodyReading.collect(request.body, upTo: limits.maximumBodySize, within: limits.bodyReadTimeout) {
        case .complete(let complete): buffer = complete
        case .tooLarge: throw tooLarge(nil)
        case .timedOut:
            throw Refusal(.requestTimeout, "The request body did not arrive within \(limits.bodyReadTimeout) (bodyReadTimeout)",
                          code: "REQUEST_TIMEOUT", closesConnection: true)
        }
        request.body = .init(buffer: buffer)
        let shape = JSONShape(buffer.readableBytesView)
        if let problem = invalidContent(shape) {
            throw Refusal(.badRequest, "Invalid JSON body: \(problem)", code: "INVALID_JSON")
        }
        return try await next(request, context)
    }

    /// What makes a body with `shape` unacceptable whatever its route, if anything.
    private func invalidContent(_ shape: JSONShape) -> String? {
        if shape.depth > limits.maximumJSONDepth {
            return "nesting depth \(shape.depth) is deeper than the limit of \(limits.maximumJSONDepth) (maximumJSONDepth)"
        }
        if shape.hasNUL {
            return "a string holds a NUL character (\\u0000), which names, keys and values may not contain"
        }
        if let number = shape.outOfRangeNumber {
            return "the number \(number.prefix(40)) is beyond the range of a double"
        }
        return nil
    }

    private func tooLarge(_ length: Int?) -> Refusal {
        let size = length.map { " of \($0) bytes" } ?? ""
        return Refusal(.contentTooLarge,
                       "Request body\(size) is larger than the limit of \(limits.maximumBodySize) bytes (maximumBodySize)",
                       code: "PAYLOAD_TOO_LARGE")
    }
}
