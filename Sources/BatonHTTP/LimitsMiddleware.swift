import Foundation
public import Hummingbird
import NIOCore

/// Enforces `RequestLimits` before a route sees the body: the body size (413), the nesting depth of its
/// JSON (400), and Conductor's payload thresholds for workflow input and task output (413). Each error
/// names the limit it hit.
public struct LimitsMiddleware: RouterMiddleware {
    public typealias Context = BatonRequestContext

    let limits: RequestLimits
    let instance: String

    /// Creates the middleware for `limits`; `instance` goes into error bodies.
    public init(limits: RequestLimits, instance: String) {
        self.limits = limits
        self.instance = instance
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maximumBodySize {
            return tooLarge(length)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limits.maximumBodySize)
        } catch is NIOTooManyBytesError {
            return tooLarge(nil)
        }
        let shape = Shape(buffer.readableBytesView)
        let route = context.endpointPath ?? ""
        if let payload = payloadLimit(method: request.method, route: route) {
            let size = payload.perElement ? shape.largestElement : buffer.readableBytes
            if size > payload.limit {
                return ErrorReply.response(
                    .contentTooLarge,
                    "\(payload.what) of \(size) bytes is larger than the limit of \(payload.limit) bytes (\(payload.name))",
                    code: "PAYLOAD_TOO_LARGE", instance: instance)
            }
        }
        if shape.depth > limits.maximumJSONDepth {
            return ErrorReply.response(
                .badRequest,
                "Invalid JSON body: nesting depth \(shape.depth) is deeper than the limit of \(limits.maximumJSONDepth) "
                    + "(maximumJSONDepth)",
                code: "INVALID_JSON", instance: instance)
        }
        return try await next(request, context)
    }

    private func tooLarge(_ length: Int?) -> Response {
        let size = length.map { " of \($0) bytes" } ?? ""
        return ErrorReply.response(
            .contentTooLarge,
            "Request body\(size) is larger than the limit of \(limits.maximumBodySize) bytes (maximumBodySize)",
            code: "PAYLOAD_TOO_LARGE", instance: instance)
    }

    /// A route's payload threshold: `limit` bytes, named `name` in errors about `what`; with `perElement`, each
    /// element of the body's array is held to it (a batch of results), not the body as a whole.
    private struct PayloadLimit {
        let limit: Int
        let name: String
        let what: String
        var perElement = false
    }

    /// The payload threshold of a route: workflow input for starts and reruns, task output for results.
    private func payloadLimit(method: HTTPRequest.Method, route: String) -> PayloadLimit? {
        guard method == .post else { return nil }
        let taskOutput = PayloadLimit(limit: limits.maximumTaskOutputSize, name: "maximumTaskOutputSize",
                                      what: "Task output payload")
        switch route {
        case "/api/workflow", "/api/workflow/{id}", "/api/workflow/{id}/rerun":
            return PayloadLimit(limit: limits.maximumWorkflowInputSize, name: "maximumWorkflowInputSize",
                                what: "Workflow input payload")
        case "/api/tasks", "/api/tasks/update-v2", "/api/tasks/{id}/{taskRefName}/{status}",
             "/api/tasks/{id}/{taskRefName}/{status}/sync":
            return taskOutput
        case "/api/tasks/batch":
            var each = taskOutput
            each.perElement = true
            return each
        default:
            return nil
        }
    }

    /// What a linear scan of a JSON text finds, without validating it (the decoder does that): how deep it
    /// nests, and the size of the largest element when it is an array (strings are skipped).
    struct Shape {
        var depth = 0
        var largestElement = 0

        init(_ bytes: some Sequence<UInt8>) {
            var depth = 0
            var inString = false
            var escaped = false
            var elementSize = 0
            for byte in bytes {
                if depth >= 1 { elementSize += 1 }
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    self.depth = max(self.depth, depth)
                    if depth == 1 { elementSize = 0 }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if depth == 1 { largestElement = max(largestElement, elementSize - 1) }
                    depth -= 1
                case UInt8(ascii: ",") where depth == 1:
                    largestElement = max(largestElement, elementSize - 1)
                    elementSize = 0
                default: break
                }
            }
        }
    }
}
