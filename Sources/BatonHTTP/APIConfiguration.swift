/// How the API guards itself: who may call it, how much a request may carry, where metrics go.
public struct APIConfiguration: Sendable {
    /// Checks tokens and key pairs; nil turns auth off (every request is "anonymous", `/api/token` is a 404).
    public var authenticator: Authenticator?
    /// Limits on request bodies.
    public var limits: RequestLimits
    /// Where request, workflow and queue metrics are recorded and `/metrics` reads them from.
    public var metrics: BatonMetrics
    /// Whether `/metrics` answers without credentials when auth is on (Prometheus scrapers rarely have
    /// tokens). When false it needs the VIEWER role.
    public var publicMetrics: Bool
    /// The host names requests may carry in `Host` (no ports); empty allows any. Naming them stops a page
    /// whose domain was re-pointed at the server (DNS rebinding).
    public var allowedHosts: [String]

    public init(authenticator: Authenticator? = nil, limits: RequestLimits = RequestLimits(),
                metrics: BatonMetrics = BatonMetrics(), publicMetrics: Bool = true, allowedHosts: [String] = []) {
        self.authenticator = authenticator
        self.limits = limits
        self.metrics = metrics
        self.publicMetrics = publicMetrics
        self.allowedHosts = allowedHosts
    }
}

/// Limits on what one request may carry; each is named in the error a request that breaks it gets.
public struct RequestLimits: Sendable, Hashable {
    /// The largest request body, in bytes (default 16 MiB: a payload at Conductor's 10 MB maximum and the request
    /// around it); larger ones get 413. Payloads within a body meet `PayloadLimits` in the engine.
    public var maximumBodySize: Int
    /// The deepest nesting of JSON arrays and objects in a body (default 256); deeper ones get 400.
    public var maximumJSONDepth: Int
    /// How long a request's body may take to arrive once its head has (default 30 s); a slower one gets 408
    /// and its connection is closed.
    public var bodyReadTimeout: Duration

    public init(maximumBodySize: Int = HTTPLimits.maximumBodySize, maximumJSONDepth: Int = 256,
                bodyReadTimeout: Duration = .seconds(30)) {
        self.maximumBodySize = maximumBodySize
        self.maximumJSONDepth = maximumJSONDepth
        self.bodyReadTimeout = bodyReadTimeout
    }
}
