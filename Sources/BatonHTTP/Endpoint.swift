import BatonModel
import HTTPTypes
import Hummingbird

/// One endpoint of Baton's HTTP API, declared once (`Endpoints.swift`): its method and path, the permission a
/// caller needs, the signal it counts as, and what the API document says of it. The routes register their
/// handlers by endpoint (`router.on(.pauseWorkflow) { … }`), and the auth and metrics middlewares and the
/// OpenAPI document all read the same declaration, so a path is written in one place.
struct Endpoint: Sendable {
    let method: HTTPRequest.Method
    /// The full path, with `{name}` for path parameters: `/api/workflow/{id}/pause`.
    let path: String
    let permission: Permission
    /// The signal a request to this endpoint sends, for `baton_signals_total`.
    let signal: Signal?
    let tag: Tag
    let summary: String
    let query: [Query]
    let body: Payload
    let reply: Payload
    /// The status of a success (`204` when the reply is always empty).
    let status: String
    /// Whether a success may also be a 204 with no body (a poll that found nothing).
    let mayReplyNoContent: Bool

    init(_ method: HTTPRequest.Method, _ path: String, _ permission: Permission, signal: Signal? = nil, tag: Tag,
         summary: String, query: [Query] = [], body: Payload = .none, reply: Payload = .none, status: String = "200",
         mayReplyNoContent: Bool = false) {
        self.method = method
        self.path = path
        self.permission = permission
        self.signal = signal
        self.tag = tag
        self.summary = summary
        self.query = query
        self.body = body
        self.reply = reply
        self.status = status
        self.mayReplyNoContent = mayReplyNoContent
    }

    /// The signals the metrics count, by the label they are counted under.
    enum Signal: String, Sendable {
        case pause, resume, restart, retry, rerun, terminate
        case taskByReference = "task_by_reference"
    }

    /// The API document's groups.
    enum Tag: String, Sendable, CaseIterable {
        case metadata, workflow
        case bulk = "workflow-bulk"
        case tasks, admin, scheduler, server
    }

    /// A query parameter.
    struct Query: Sendable {
        var name: String
        var type: String
        var description: String
        var required = false

        static func string(_ name: String, _ description: String, required: Bool = false) -> Query {
            Query(name: name, type: "string", description: description, required: required)
        }
        static func integer(_ name: String, _ description: String) -> Query {
            Query(name: name, type: "integer", description: description)
        }
        static func boolean(_ name: String, _ description: String) -> Query {
            Query(name: name, type: "boolean", description: description)
        }
    }

    /// What a body or a reply holds: a schema reference, a JSON type, plain text or nothing.
    enum Payload: Sendable, Equatable {
        case schema(String)
        case arrayOf(String)
        case object
        case stringList
        case array
        case integer
        case text
        case html
        case none
    }

    /// `GET /api/workflow/{id}`.
    var route: String { "\(method.rawValue) \(path)" }

    /// The endpoint a request matched, from its method and Hummingbird's matched route (`api/workflow/{id}`,
    /// with or without its leading slash); nil when no route matched.
    static func matching(method: HTTPRequest.Method, route: String?) -> Endpoint? {
        guard let route else { return nil }
        return byMethodAndRoute[method]?[route]
    }

    /// The endpoints by method, then by route with and without its leading slash (every request looks its endpoint
    /// up, in the auth and metrics middlewares: no string is built for it).
    private static let byMethodAndRoute: [HTTPRequest.Method: [String: Endpoint]] = Dictionary(grouping: all, by: \.method)
        .mapValues { endpoints in
            Dictionary(endpoints.flatMap { [($0.path, $0), (String($0.path.dropFirst()), $0)] }) { first, _ in first }
        }
}

extension RouterMethods<BatonRequestContext> {
    /// Registers `handler` for `endpoint`'s method and path.
    @discardableResult
    func on(_ endpoint: Endpoint,
            use handler: @Sendable @escaping (Request, BatonRequestContext) async throws -> some ResponseGenerator) -> Self {
        on(RouterPath(endpoint.path), method: endpoint.method, use: handler)
    }
}
