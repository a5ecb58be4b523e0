public import BatonEngine
public import Hummingbird
import Logging

/// Builds Conductor's REST surface under `/api` for an engine.
public enum BatonRouter {
    /// The version reported by `/api/version`.
    public static let version = "0.1.0"

    /// Adds every API route to `router`, with Conductor's error bodies, and serves the files of
    /// `uiDirectory` (the web UI) for every other GET.
    public static func addRoutes(to router: Router<BatonRequestContext>, engine: Engine, instance: String,
                                 uiDirectory: String? = nil) {
        router.add(middleware: ErrorMiddleware(instance: instance))
        if let uiDirectory {
            router.add(middleware: FileMiddleware(uiDirectory, searchForIndexHtml: true,
                                                  logger: Logger(label: "baton.ui")))
        }
        let api = router.group("api")
        MetadataRoutes(engine: engine).register(on: api.group("metadata"))
        WorkflowBulkRoutes(engine: engine).register(on: api.group("workflow/bulk"))
        WorkflowRoutes(engine: engine).register(on: api.group("workflow"))
        TaskRoutes(engine: engine).register(on: api.group("tasks"))
        router.get("health") { _, _ in try JSONResponse.make(["healthy": true]) }
        api.get("health") { _, _ in try JSONResponse.make(["healthy": true]) }
        api.get("version") { _, _ in JSONResponse.text(version) }
    }
}
