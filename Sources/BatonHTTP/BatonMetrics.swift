import BatonEngine
public import Prometheus
import Synchronization

/// Baton's Prometheus metrics: a registry the request middleware and the engine write to, and the
/// gauges computed when `/metrics` is scraped (queue depth, the sweeper's backlog).
public final class BatonMetrics: Sendable {
    /// The process-wide metrics, which `baton server` uses.

    /// The registry every Baton metric lives in; feed it to `PrometheusMetricsFactory` so swift-metrics
    /// users (the engine) land in it too.
    public let registry: PrometheusCollectorRegistry
    private let knownQueues = Mutex<Set<String>>([])

    /// Creates metrics over a new registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The buckets of the request latency histogram, in seconds.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30),
    ]

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "baton", metricName: "http_requests", unitName: "total",
                             helpText: "HTTP requests by method, route and status")
    }
    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "baton", metricName: "http_request_duration", unitName: "seconds",
                             helpText: "HTTP request latency by method and route")
    }
    static var signals: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "baton", metricName: "signals", unitName: "total",
                             helpText: "Signal requests by signal and outcome")
    }
    static var queueDepth: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "baton", metricName: "queue_depth", unitName: "",
                             helpText: "Tasks waiting to be polled, by queue ([domain:]taskType)")
    }
    static var sweeperBacklog: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "baton", metricName: "sweeper_backlog", unitName: "",
                             helpText: "Workflows whose timers are due but not yet fired (capped at 10000)")
    }
    static var sweeperLag: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "baton", metricName: "sweeper_lag", unitName: "seconds",
                             helpText: "How long the oldest due timer has waited for the sweeper")
    }
    static var storeUp: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "baton", metricName: "store_up", unitName: "",
                             helpText: "1 when the last scrape could read the store")
    }

    /// A request's series: its counter (by status too) and its latency histogram.
    private struct RequestSeries: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    /// The series requests used before: the registry builds each metric's name and looks it up per call.
    private let requestMetrics = Mutex<[RequestSeries: (Counter, DurationHistogram)]>([:])

    /// Records one finished request.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let series = RequestSeries(method: method, route: route, status: status)
        let (counter, histogram) = requestMetrics.withLock { known in
            if let metrics = known[series] { return metrics }
            let metrics = (
                registry.makeCounter(descriptor: Self.requests,
                                     labels: [("method", method), ("route", route), ("status", String(status))]),
                registry.makeDurationHistogram(descriptor: Self.requestDuration,
                                               labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets))
            known[series] = metrics
            return metrics
        }
        counter.increment()
        histogram.record(duration)
    }

    /// Records one signal request (pause, resume, terminate…) and whether it was accepted.
    func recordSignal(_ signal: String, status: Int) {
        registry.makeCounter(descriptor: Self.signals,
                             labels: [("signal", signal), ("outcome", status < 400 ? "accepted" : "refused")]).increment()
    }

    /// Sets the gauges that are computed on scrape from the store, then renders every metric in
    /// Prometheus' text format.
    public func scrape(engine: Engine) async -> String {
        do {
            let sizes = try await engine.queueSizes()
            let previous = knownQueues.withLock { known in
                let previous = known
                known.formUnion(sizes.keys)
                return previous
            }
            for queue in previous.union(sizes.keys) {
                registry.makeGauge(descriptor: Self.queueDepth, labels: [("queue", queue)])
                    .set(to: Double(sizes[queue] ?? 0))
            }
            let backlog = try await engine.dueWorkflowCount(limit: 10_000)
            registry.makeGauge(descriptor: Self.sweeperBacklog)
                .set(to: Double(backlog.count))
            registry.makeGauge(descriptor: Self.sweeperLag)
                .set(to: Double(backlog.oldestAge) / 1000)
            registry.makeGauge(descriptor: Self.storeUp).set(to: 1)
        } catch {
            registry.makeGauge(descriptor: Self.storeUp).set(to: 0)
        }
        return registry.emitToString()
    }
}
