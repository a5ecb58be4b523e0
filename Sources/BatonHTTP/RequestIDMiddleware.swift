public import Hummingbird
public import HTTPTypes
public import Logging

/// Gives every request's work its request id: the id goes back to the client in `X-Request-Id`, and every
/// log line written while the request is handled — the engine's too — carries it as `hb.request.id`, as
/// Hummingbird's own request logger does.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = context.id
        var response = try await RequestID.$current.withValue(id) { try await next(request, context) }
        response.headers[.requestID] = id
        return response
    }
}

/// The id of the request the current task is handling, if any.
public enum RequestID {
    @TaskLocal public static var current: String?
}

extension Logger.MetadataProvider {
    /// Adds `hb.request.id` to log lines written while a request is handled (see `RequestIDMiddleware`).
    public static let requestID = Logger.MetadataProvider {
        guard let id = RequestID.current else { return [:] }
        return ["hb.request.id": .string(id)]
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`: the id under which the server logged the request.
    public static let requestID = Self("X-Request-Id")!
}
