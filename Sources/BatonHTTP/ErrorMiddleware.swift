import BatonEngine
import BatonModel
import Foundation
public import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into Conductor's ErrorResponse JSON with the matching status.
/// This file is the one place where errors become HTTP status codes.
///
/// A server error (500) says nothing of its cause to the caller — a store's message can hold SQL, a path or a
/// host — only the request id under which the cause is logged; the body's `instance` is that id too.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = BatonRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, described, retryable) = Self.describe(error)
            if status.code >= 500 {
                context.logger.error("Request failed", metadata: ["baton.error": "\(error)", "hb.request.path": "\(request.uri.path)"])
            }
            let refusal = error as? Refusal
            let message = described ?? "Internal server error: the server's log has its cause under request id \(context.id)"
            let reply = ErrorResponse(status: Int(status.code), message: message, code: refusal?.code, instance: context.id,
                                      retryable: retryable, error: refusal?.error)
            var response = try JSONResponse.make(reply, status: status)
            if retryable { response.headers[.retryAfter] = "1" }
            return refusal?.closesConnection == true ? response.closingConnection(context.channel) : response
        }
    }

    /// The status, message and retryability for an error; no message for a server error, whose cause only the
    /// log may tell.
    static func describe(_ error: any Error) -> (HTTPResponse.Status, String?, Bool) {
        switch error {
        case let error as EngineError:
            switch error.code {
            case .invalid: return (.badRequest, error.message, false)
            case .notFound: return (.notFound, error.message, false)
            case .forbidden: return (.forbidden, error.message, false)
            case .conflict: return (.conflict, error.message, false)
            case .tooLarge: return (.contentTooLarge, error.message, false)
            case .unavailable: return (.serviceUnavailable, error.message, true)
            default: return (.internalServerError, nil, false)
            }
        case let refusal as Refusal:
            return (refusal.status, refusal.message, false)
        case let error as DecodingError:
            return (.badRequest, "Invalid JSON body: \(Self.describe(error))", false)
        case let error as HTTPError:
            switch error.status {
            case .notFound: return (.notFound, error.body ?? "No such resource", false)
            case .contentTooLarge:
                return (.contentTooLarge, "Request body is larger than \(HTTPLimits.maximumBodySize) bytes", false)
            default: return (error.status, error.status.code >= 500 ? nil : error.body ?? error.status.reasonPhrase, false)
            }
        case is NIOTooManyBytesError:
            return (.contentTooLarge, "Request body is larger than \(HTTPLimits.maximumBodySize) bytes", false)
        case let error as any HTTPResponseError:
            return (error.status, error.status.code >= 500 ? nil : "\(error)", false)
        default:
            return (.internalServerError, nil, false)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : " at '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context)): \(context.debugDescription)"
        case .valueNotFound(let type, let context): return "missing \(type)\(path(context))"
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
        case .dataCorrupted(let context):
            var message = context.debugDescription
            if let underlying = context.underlyingError as NSError? {
                message += " (\(underlying.localizedDescription))"
            }
            return message + path(context)
        @unknown default: return "\(error)"
        }
    }
}
