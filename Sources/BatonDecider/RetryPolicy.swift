import BatonModel

/// Conductor's automatic-retry arithmetic for a task definition.
public struct RetryPolicy: Sendable, Hashable {
    public var definition: TaskDef
    /// The `retryCount` override of the workflow task node, if any.
    public var overrideCount: Int?

    public init(definition: TaskDef, overrideCount: Int?) {
        self.definition = definition
        self.overrideCount = overrideCount
    }

    /// How many automatic retries the definition allows after the first attempt.
    public var allowedRetries: Int { max(0, overrideCount ?? definition.retryCount) }

    /// The delay in seconds before the retry of an attempt whose `retryCount` is `attempt` (0-based).
    public func delaySeconds(afterAttempt attempt: Int, jitter: Int64 = 0) -> Int64 {
        let base = Int64(max(0, definition.retryDelaySeconds))
        var delay: Int64
        switch definition.retryLogic {
        case .fixed:
            delay = base
        case .linearBackoff:
            let (product, overflow) = base.multipliedReportingOverflow(by: Int64(max(1, definition.backoffScaleFactor)) * Int64(attempt + 1))
            delay = overflow ? Int64(Int32.max) : product
        case .exponentialBackoff:
            let exponent = min(attempt, 62)
            let (product, overflow) = base.multipliedReportingOverflow(by: Int64(1) << Int64(exponent))
            delay = overflow || attempt > 62 ? Int64(Int32.max) : product
        }
        delay = min(delay, Int64(Int32.max))
        if definition.maxRetryDelaySeconds > 0 { delay = min(delay, Int64(definition.maxRetryDelaySeconds)) }
        return delay
    }
}
