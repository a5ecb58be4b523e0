import BatonModel

/// Bounds on what one workflow may make, so that no definition or payload can grow an execution (and the
/// transaction that writes it) without end. A workflow that reaches one fails with a reason naming it.
public struct ExecutionLimits: Sendable, Hashable {
    /// The most task attempts one execution may hold (every retry, loop iteration and fork branch counts).
    public var maximumTasks: Int
    /// The most branches one FORK_JOIN_DYNAMIC may start.
    public var maximumForkWidth: Int
    /// How large a workflow's and a task's input and output may be (Conductor's payload thresholds).
    public var payloads: PayloadLimits

    /// 10,000 tasks per execution, 1,000 branches per dynamic fork, Conductor's payload limits.
    public init(maximumTasks: Int = 10_000, maximumForkWidth: Int = 1_000, payloads: PayloadLimits = PayloadLimits()) {
        self.maximumTasks = maximumTasks
        self.maximumForkWidth = maximumForkWidth
        self.payloads = payloads
    }
}
