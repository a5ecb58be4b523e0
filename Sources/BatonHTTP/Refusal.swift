public import Hummingbird

/// A request refused by a route or a middleware: a client error with its status, its message, and Conductor's
/// optional `code` and `error` fields. Thrown like any error and rendered, as every error is, by
/// `ErrorMiddleware`.
public struct Refusal: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    /// A short name for the refusal (`INVALID_JSON`, `PAYLOAD_TOO_LARGE`).
    public var code: String?
    /// The field conductor-python reads on 401 and 403: `INVALID_TOKEN` and `EXPIRED_TOKEN` make it fetch a
    /// new token.
    public var error: String?
    /// Whether the connection closes after the answer: the request's body was refused before it was read to
    /// its end, and no client may keep a connection busy with it (`Response.closingConnection`).
    public var closesConnection: Bool

    public init(_ status: HTTPResponse.Status, _ message: String, code: String? = nil, error: String? = nil,
                closesConnection: Bool = false) {
        self.status = status
        self.message = message
        self.code = code
        self.error = error
        self.closesConnection = closesConnection
    }

    /// A 400: a bad query parameter, a missing or invalid body.
    public static func badRequest(_ message: String) -> Refusal {
        Refusal(.badRequest, message)
    }
}
