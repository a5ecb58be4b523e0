public import BatonEngine
public import Hummingbird
import Logging

/// Builds Conductor's REST surface under `/api` for an engine.
public enum BatonRouter {
    /// The version reported by `/api/version`.
    public static let version = "0.1.0"

    /// Adds every API route to `router`, with Conductor's error bodies, browser safety, auth, request limits and
    /// metrics as `configuration` says, and serves the files of `uiDirectory` (the web UI) for every other GET.
    public static func addRoutes(to router: Router<BatonRequestContext>, engine: Engine, uiDirectory: String? = nil,
                                 configuration: APIConfiguration = APIConfiguration()) {
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: configuration.metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BrowserSafetyMiddleware(allowedHosts: configuration.allowedHosts))
        if let authenticator = configuration.authenticator {
            router.add(middleware: AuthMiddleware(authenticator: authenticator,
                                                  publicMetrics: configuration.publicMetrics))
        }
        router.add(middleware: LimitsMiddleware(limits: configuration.limits))
        if let uiDirectory {
            router.add(middleware: FileMiddleware(uiDirectory, searchForIndexHtml: true,
                                                  logger: Logger(label: "baton.ui")))
        }
        MetadataRoutes(engine: engine).register(on: router)
        WorkflowBulkRoutes(engine: engine).register(on: router)
        WorkflowRoutes(engine: engine).register(on: router)
        TaskRoutes(engine: engine).register(on: router)
        AdminRoutes(engine: engine, configuration: configuration).register(on: router)
        SchedulerRoutes(engine: engine).register(on: router)
        ServerRoutes(engine: engine, configuration: configuration).register(on: router)
    }

    /// Every route `addRoutes` registers, as `GET /api/workflow/{id}` (with auth on, so `/api/token` is
    /// included).
    public static func routes(engine: Engine) -> [String] {
        let router = Router(context: BatonRequestContext.self)
        let authenticator = Authenticator(configuration: AuthConfiguration(tokenSecret: "", applications: []))
        addRoutes(to: router, engine: engine, configuration: APIConfiguration(authenticator: authenticator))
        return router.routes.map { route in
            let path = route.path.description
            return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
        }
    }
}
