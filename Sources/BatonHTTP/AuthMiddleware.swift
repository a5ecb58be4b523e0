import BatonEngine
import BatonModel
import Foundation
public import Hummingbird

/// What a route needs from the caller.
enum Permission: Equatable {
    /// Nothing: health, version, the token endpoint, the API document, the web UI's files.
    case open
    /// Any valid credential (unknown `/api` paths, which then answer 404).
    case authenticated
    /// VIEWER, OPERATOR or ADMIN.
    case read
    /// OPERATOR or ADMIN.
    case operate
    /// WORKER (of the task's type, if its key is limited to some types) or ADMIN.
    case work
    /// WORKER (as for `work`), OPERATOR or ADMIN: completing a task by reference name without reading the
    /// workflow back.
    case workOrOperate
    /// ADMIN.
    case admin

    /// The permission a request needs: its endpoint's, or when no route matched, any credential under `/api`
    /// (which then answers 404) and none elsewhere (the web UI's files).
    static func required(method: HTTPRequest.Method, route: String?, path: String) -> Permission {
        if let endpoint = Endpoint.matching(method: method, route: route) { return endpoint.permission }
        return path.hasPrefix("/api/") || path == "/api" ? .authenticated : .open
    }

    /// The roles that satisfy this permission, for messages.
    var roleNames: String {
        switch self {
        case .open, .authenticated: "any"
        case .read: "VIEWER, OPERATOR or ADMIN"
        case .operate: "OPERATOR or ADMIN"
        case .work: "WORKER or ADMIN"
        case .workOrOperate: "WORKER, OPERATOR or ADMIN"
        case .admin: "ADMIN"
        }
    }
}

/// Checks the `X-Authorization` header of every API request against the route's required role, and sets
/// the request's actor to the application's name for the audit trail. Answers 401 (with `"error":
/// "INVALID_TOKEN"` or `"EXPIRED_TOKEN"`, which make Conductor's clients fetch a new token) and 403.
///
/// It reads no body: what a request acts on is decided where it is read. A worker key limited to some task types
/// passes with that limit in the context (`taskAccess`), which the engine checks on each task it touches; the
/// caller's roles go along too (`roles`), for what only the decoded body reveals (an inline definition).
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = BatonRequestContext

    let authenticator: Authenticator
    let publicMetrics: Bool

    /// Creates the middleware.
    public init(authenticator: Authenticator, publicMetrics: Bool) {
        self.authenticator = authenticator
        self.publicMetrics = publicMetrics
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var permission = Permission.required(method: request.method, route: context.endpointPath, path: request.uri.path)
        if !publicMetrics && request.uri.path == Endpoint.metrics.path { permission = .read }
        guard permission != .open else { return try await next(request, context) }
        guard let credential = Self.credential(in: request.headers), !credential.isEmpty else {
            throw Refusal(.unauthorized, "Missing X-Authorization header: get a token from POST /api/token",
                          code: "INVALID_TOKEN", error: "INVALID_TOKEN")
        }
        let application: AuthApplication
        switch authenticator.verify(credential) {
        case .valid(let found): application = found
        case .expired:
            throw Refusal(.unauthorized, "The token has expired: get a new one from POST /api/token",
                          code: "EXPIRED_TOKEN", error: "EXPIRED_TOKEN")
        case .invalid:
            throw Refusal(.unauthorized, "Invalid token or key", code: "INVALID_TOKEN", error: "INVALID_TOKEN")
        }
        var context = context
        context.actor = application.name
        let roles = application.roles
        context.roles = roles
        if roles.contains(.admin) || permission == .authenticated { return try await next(request, context) }
        switch permission {
        case .read where !roles.isDisjoint(with: [.viewer, .operator]),
             .operate where roles.contains(.operator),
             .workOrOperate where roles.contains(.operator):
            return try await next(request, context)
        case .work where roles.contains(.worker), .workOrOperate where roles.contains(.worker):
            if let allowed = application.taskTypes, !allowed.isEmpty { context.taskAccess = .only(allowed) }
            return try await next(request, context)
        default:
            throw Refusal(
                .forbidden, "Application '\(application.name)' lacks the role for \(request.method) \(request.uri.path): "
                    + "it needs \(permission.roleNames)",
                code: "ACCESS_FORBIDDEN", error: "ACCESS_FORBIDDEN")
        }
    }
}

extension AuthMiddleware {
    /// The credential of a request: its `X-Authorization` header (Conductor's), else `Authorization`.
    static func credential(in headers: HTTPFields) -> String? {
        headers.first { $0.name.canonicalName == "x-authorization" }?.value ?? headers[.authorization]
    }
}
