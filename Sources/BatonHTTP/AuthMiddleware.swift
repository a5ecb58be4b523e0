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
    /// WORKER (as for `work`), OPERATOR or ADMIN: completing a task by reference name.
    case workOrOperate
    /// ADMIN.
    case admin

    /// The permission a request needs, from its method and the route it matched (`/api/workflow/{id}`),
    /// or its raw path when no route matched.
    static func required(method: HTTPRequest.Method, route: String?, path: String) -> Permission {
        guard let matched = route else {
            return path.hasPrefix("/api/") || path == "/api" ? .authenticated : .open
        }
        return required(method: method, route: matched.hasPrefix("/") ? matched : "/" + matched)
    }

    private static func required(method: HTTPRequest.Method, route: String) -> Permission {
        guard route.hasPrefix("/api/") else { return .open }
        switch route {
        case "/api/token", "/api/health", "/api/version", "/api/openapi.json", "/api/docs": return .open
        default: break
        }
        if route.hasPrefix("/api/metadata") {
            if method == .get || (method == .post && route == "/api/metadata/workflow/validate") { return .read }
            return .admin
        }
        if route.hasPrefix("/api/workflow") {
            if method == .get || (method == .post && route == "/api/workflow/{id}/correlated") { return .read }
            switch route {
            case "/api/workflow/{id}/remove", "/api/workflow/{id}/terminate-remove", "/api/workflow/bulk/remove",
                 "/api/workflow/bulk/delete", "/api/workflow/bulk/terminate-remove":
                return .admin
            default:
                return .operate
            }
        }
        if route.hasPrefix("/api/tasks") {
            switch (method, route) {
            case (.get, "/api/tasks/poll/{taskType}"), (.get, "/api/tasks/poll/batch/{taskType}"): return .work
            case (.get, _): return .read
            case (.post, "/api/tasks"), (.post, "/api/tasks/batch"), (.post, "/api/tasks/update-v2"), (.post, "/api/tasks/{id}/log"):
                return .work
            case (.post, "/api/tasks/{id}/{taskRefName}/{status}"), (.post, "/api/tasks/{id}/{taskRefName}/{status}/sync"):
                return .workOrOperate
            default: return .admin
            }
        }
        return .admin
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
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = BatonRequestContext

    let authenticator: Authenticator
    let engine: Engine
    let publicMetrics: Bool
    let maximumBodySize: Int

    /// Creates the middleware; `engine` looks up task types for type-limited workers, whose bodies are
    /// read (up to `maximumBodySize` bytes) to find the task they report on.
    public init(authenticator: Authenticator, engine: Engine, publicMetrics: Bool, maximumBodySize: Int) {
        self.authenticator = authenticator
        self.engine = engine
        self.publicMetrics = publicMetrics
        self.maximumBodySize = maximumBodySize
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var permission = Permission.required(method: request.method, route: context.endpointPath, path: request.uri.path)
        if !publicMetrics && request.uri.path == "/metrics" { permission = .read }
        guard permission != .open else { return try await next(request, context) }
        guard let credential = Self.credential(in: request.headers), !credential.isEmpty else {
            return ErrorReply.response(.unauthorized, "Missing X-Authorization header: get a token from POST /api/token",
                                       code: "INVALID_TOKEN", error: "INVALID_TOKEN", requestID: context.id)
        }
        let application: AuthApplication
        switch authenticator.verify(credential) {
        case .valid(let found): application = found
        case .expired:
            return ErrorReply.response(.unauthorized, "The token has expired: get a new one from POST /api/token",
                                       code: "EXPIRED_TOKEN", error: "EXPIRED_TOKEN", requestID: context.id)
        case .invalid:
            return ErrorReply.response(.unauthorized, "Invalid token or key", code: "INVALID_TOKEN", error: "INVALID_TOKEN",
                                       requestID: context.id)
        }
        var context = context
        context.actor = application.name
        let roles = application.roles
        if roles.contains(.admin) || permission == .authenticated { return try await next(request, context) }
        switch permission {
        case .read where !roles.isDisjoint(with: [.viewer, .operator]),
             .operate where roles.contains(.operator),
             .workOrOperate where roles.contains(.operator):
            return try await next(request, context)
        case .work where roles.contains(.worker), .workOrOperate where roles.contains(.worker):
            guard let allowed = application.taskTypes, !allowed.isEmpty else { return try await next(request, context) }
            var request = request
            switch try await taskType(of: &request, context: context) {
            case .some(let taskType) where allowed.contains(taskType):
                return try await next(request, context)
            case .some(let taskType):
                return forbidden("Application '\(application.name)' may not work on tasks of type '\(taskType)'", context: context)
            case .none:
                return try await next(request, context)
            }
        default:
            return forbidden("Application '\(application.name)' lacks the role for \(request.method) \(request.uri.path): "
                + "it needs \(permission.roleNames)", context: context)
        }
    }

    private func forbidden(_ message: String, context: Context) -> Response {
        ErrorReply.response(.forbidden, message, code: "ACCESS_FORBIDDEN", error: "ACCESS_FORBIDDEN", requestID: context.id)
    }

    /// The task type a worker request concerns; nil when it names no existing task (the route then
    /// answers 404 or 400 by itself). Reads the body when the task is named there, and puts it back.
    private func taskType(of request: inout Request, context: Context) async throws -> String? {
        let route = context.endpointPath ?? ""
        if route.hasSuffix("{taskType}") {
            return context.parameters.get("taskType").map(\.percentDecoded)
        }
        if route.hasSuffix("{taskRefName}/{status}") || route.hasSuffix("{taskRefName}/{status}/sync") {
            guard let workflowId = context.parameters.get("id"), let reference = context.parameters.get("taskRefName"),
                  let workflow = try? await engine.workflow(id: workflowId, includeTasks: true) else { return nil }
            let name = reference.percentDecoded
            return workflow.tasks.last { $0.referenceTaskName == name }?.taskType
        }
        if route == "/api/tasks/{id}/log" {
            guard let taskId = context.parameters.get("id") else { return nil }
            return try? await engine.task(id: taskId).taskType
        }
        let buffer = try await request.collectBody(upTo: maximumBodySize)
        struct TaskIdentity: Decodable { var taskId: String? }
        guard let taskId = (try? JSONDecoder().decode(TaskIdentity.self, from: Data(buffer.readableBytesView)))?.taskId else {
            return nil
        }
        return try? await engine.task(id: taskId).taskType
    }
}

extension AuthMiddleware {
    /// The credential of a request: its `X-Authorization` header (Conductor's), else `Authorization`.
    static func credential(in headers: HTTPFields) -> String? {
        headers.first { $0.name.canonicalName == "x-authorization" }?.value ?? headers[.authorization]
    }
}
