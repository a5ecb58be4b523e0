public import CoreMetrics
import BatonModel

/// The engine's swift-metrics: workflow starts and completions by workflow name and status, sent to
/// one engine's factory (the server passes its own Prometheus registry), so several engines in one
/// process never mix their counts.
public struct EngineMetrics: Sendable {
    private let factory: (any MetricsFactory)?

    /// Creates metrics that go to `factory`, or nowhere when it is nil.
    public init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    /// Counts a workflow's change of status: a start when there was none before, a completion when it
    /// reached a terminal status.
    func record(_ change: StatusChange) {
        guard let factory else { return }
        if change.from == nil {
            Counter(label: "baton_workflow_starts_total", dimensions: [("name", change.workflowName)],
                    factory: factory).increment()
        }
        if change.to.isTerminal {
            Counter(label: "baton_workflow_completions_total",
                    dimensions: [("name", change.workflowName), ("status", change.to.rawValue)],
                    factory: factory).increment()
        }
    }
}

/// A workflow's change of status (`from` nil: it started); `from` and `to` differ.
struct StatusChange: Sendable {
    let workflowName: String
    let from: WorkflowStatus?
    let to: WorkflowStatus
}
