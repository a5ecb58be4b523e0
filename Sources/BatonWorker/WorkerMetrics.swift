import Metrics

/// The counters and timers of one task type, all with the dimension `taskType`:
/// `baton_worker_polls` (batch polls sent), `baton_worker_poll_errors` (polls that failed),
/// `baton_worker_tasks` (tasks executed, with an `outcome` dimension), `baton_worker_task_duration`
/// (execution time), `baton_worker_reports` (requests that carried results: fewer than tasks when results
/// go in batches), `baton_worker_report_errors` (results that could not be reported) and
/// `baton_worker_lease_extensions` (leases extended).
struct WorkerMetrics: Sendable {
    let polls: Counter
    let pollErrors: Counter
    let reports: Counter
    let reportErrors: Counter
    let leaseExtensions: Counter
    let duration: Metrics.Timer
    private let taskType: String
    private let factory: any MetricsFactory

    init(taskType: String, factory: any MetricsFactory) {
        let dimensions = [("taskType", taskType)]
        self.taskType = taskType
        self.factory = factory
        polls = Counter(label: "baton_worker_polls", dimensions: dimensions, factory: factory)
        pollErrors = Counter(label: "baton_worker_poll_errors", dimensions: dimensions, factory: factory)
        reports = Counter(label: "baton_worker_reports", dimensions: dimensions, factory: factory)
        reportErrors = Counter(label: "baton_worker_report_errors", dimensions: dimensions, factory: factory)
        leaseExtensions = Counter(label: "baton_worker_lease_extensions", dimensions: dimensions, factory: factory)
        duration = Metrics.Timer(label: "baton_worker_task_duration", dimensions: dimensions, factory: factory)
    }

    /// Counts one executed task that ended with `outcome` (e.g. `completed`).
    func countTask(outcome: String) {
        Counter(label: "baton_worker_tasks", dimensions: [("taskType", taskType), ("outcome", outcome)],
                factory: factory).increment()
    }
}
