/// Bounds on what one workflow may make, so that no definition or payload can grow an execution (and the
/// transaction that writes it) without end. A workflow that reaches one fails with a reason naming it.
public struct ExecutionLimits: Sendable, Hashable {
    /// The most task attempts one execution may hold (every retry, loop iteration and fork branch counts).
    public var maximumTasks: Int
    /// The most branches one FORK_JOIN_DYNAMIC may start.
    public var maximumForkWidth: Int
    /// The largest output, in bytes of JSON, a task Baton runs itself may produce (a JOIN gathering its branches'
    /// outputs, a sub-workflow's output, a script's result); workers' outputs meet the same bound at the API.
    public var maximumTaskOutputSize: Int

    /// 10,000 tasks per execution, 1,000 branches per dynamic fork, 3 MiB of output per task (Conductor's
    /// `taskOutputPayloadSizeThreshold`).
    public init(maximumTasks: Int = 10_000, maximumForkWidth: Int = 1_000, maximumTaskOutputSize: Int = 3 * 1024 * 1024) {
        self.maximumTasks = maximumTasks
        self.maximumForkWidth = maximumForkWidth
        self.maximumTaskOutputSize = maximumTaskOutputSize
    }
}
