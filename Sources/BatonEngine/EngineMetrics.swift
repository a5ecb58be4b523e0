public import CoreMetrics
import BatonModel
import Synchronization

/// The engine's swift-metrics: workflow starts and completions by workflow name and status. They go to
/// the factory set with `use(_:)` (the server passes its Prometheus registry), or nowhere.
public enum EngineMetrics {
    private static let factory = Mutex<(any MetricsFactory)?>(nil)

    /// Sends the engine's metrics to `factory` from now on.
    public static func use(_ factory: any MetricsFactory) {
        Self.factory.withLock { $0 = factory }
    }

    /// Counts a workflow's change of status: a start when there was none before, a completion when it
    /// reached a terminal status.
    static func record(from previous: WorkflowStatus?, to workflow: Workflow) {
        guard previous != workflow.status, let factory = factory.withLock({ $0 }) else { return }
        if previous == nil {
            Counter(label: "baton_workflow_starts_total", dimensions: [("name", workflow.workflowName)],
                    factory: factory).increment()
        }
        if workflow.status.isTerminal {
            Counter(label: "baton_workflow_completions_total",
                    dimensions: [("name", workflow.workflowName), ("status", workflow.status.rawValue)],
                    factory: factory).increment()
        }
    }
}
