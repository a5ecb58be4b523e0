public import Hummingbird

/// Counts every request and times it, by method, route (the pattern, e.g. `/api/workflow/{id}`, so the
/// number of series stays bounded) and status; counts signals by kind and outcome.
public struct MetricsMiddleware: RouterMiddleware {
    public typealias Context = BatonRequestContext

    let metrics: BatonMetrics

    /// Creates the middleware recording into `metrics`.
    public init(metrics: BatonMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        let method = request.method
        do {
            let response = try await next(request, context)
            record(method: method, route: route, status: Int(response.status.code), since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            record(method: method, route: route, status: status, since: started)
            throw error
        }
    }

    private func record(method: HTTPRequest.Method, route: String, status: Int, since started: ContinuousClock.Instant) {
        metrics.recordRequest(method: method.rawValue, route: route, status: status, duration: ContinuousClock.now - started)
        if let signal = Self.signal(method: method, route: route) {
            metrics.recordSignal(signal, status: status)
        }
    }

    /// The signal a route sends, if it is one.
    static func signal(method: HTTPRequest.Method, route: String) -> String? {
        Endpoint.matching(method: method, route: route)?.signal?.rawValue
    }
}
