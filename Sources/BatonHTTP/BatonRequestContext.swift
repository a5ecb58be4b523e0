public import BatonEngine
public import Hummingbird
public import NIOCore

/// The per-request context of Baton's routes: Hummingbird's core storage plus who is asking.
public struct BatonRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who sent the request, as recorded in the audit trail ("anonymous" while auth is off).
    public var actor: String = "anonymous"
    /// The caller's roles; nil while auth is off, when every request may do everything.
    public var roles: Set<Role>?
    /// The tasks the caller may poll and report on (a worker key may be limited to some task types).
    public var taskAccess: TaskAccess = .unrestricted
    /// The connection the request came on, closed after a refused body (`Response.closingConnection(_:)`).
    public let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Refuses (403) what only an ADMIN may do, when the caller is not one; `what` names it for the message.
    func requireAdmin(for what: String) throws {
        guard let roles, !roles.contains(.admin) else { return }
        throw EngineError(.forbidden, "\(what) needs the ADMIN role: \(actor) has \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
    }

    /// Bodies are read by the routes themselves, up to `HTTPLimits.maximumBodySize`.
    public var maxUploadSize: Int { HTTPLimits.maximumBodySize }
}

/// Limits on what a client may send.
public enum HTTPLimits {
    /// The default largest request body accepted, in bytes; larger ones get 413
    /// (`RequestLimits.maximumBodySize` configures it).
    public static let maximumBodySize = 16 * 1024 * 1024
    /// The most `RequestLimits.maximumBodySize` may be set to; routes read bodies up to this, after
    /// `LimitsMiddleware` has enforced the configured limit.
    public static let ceiling = 1024 * 1024 * 1024
}
