public import CoreMetrics
import BatonModel
import BatonPersistence
import Synchronization

/// The engine's swift-metrics: workflow starts, completions by workflow name and status, ALERT_ONLY timeouts,
/// polls cut short by a task definition's limits, and requests the store refused as unavailable by cause, sent to
/// one engine's factory (the server passes its own Prometheus registry), so several engines in one
/// process never mix their counts.
public struct EngineMetrics: Sendable {
    private let factory: (any MetricsFactory)?
    private let counters = Counters()

    /// Creates metrics that go to `factory`, or nowhere when it is nil.
    public init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    /// Counts a workflow's change of status: a start when there was none before, a completion when it
    /// reached a terminal status.
    func record(_ change: StatusChange) {
        guard let factory else { return }
        if change.from == nil {
            counters.counter(.started, change.workflowName, factory: factory).increment()
        }
        if change.to.isTerminal {
            counters.counter(.ended(change.to), change.workflowName, factory: factory).increment()
        }
    }

    /// Counts a workflow whose timeout passed under ALERT_ONLY (it runs on).
    func recordTimeoutAlert(workflowName: String) {
        guard let factory else { return }
        counters.counter(.timeoutAlert, workflowName, factory: factory).increment()
    }

    /// Counts a poll of `taskType` that handed out fewer tasks than asked (or none) because of its definition's
    /// concurrency or rate limit.
    func recordLimitedPoll(taskType: String) {
        guard let factory else { return }
        counters.counter(.limitedPoll, taskType, factory: factory).increment()
    }

    /// Counts a request the store refused as unavailable, by why (a lock or statement deadline, no connection, …).
    func recordStoreFailure(_ cause: StoreError.Cause) {
        guard let factory else { return }
        counters.counter(.storeFailure, cause.rawValue, factory: factory).increment()
    }

    /// Counts `count` slots of schedule `name` by what became of them: `fired` (its workflow started), `failed` (the
    /// start was refused, recorded in the slot's record) or `missed` (no server ran at the time, and the schedule does
    /// not catch up).
    func recordScheduleSlots(_ outcome: String, schedule name: String, count: Int = 1) {
        guard let factory, count > 0 else { return }
        counters.counter(.scheduleSlot(outcome), name, factory: factory).increment(by: count)
    }

    /// The counters made so far, by what they count: a factory makes a counter by building its name and
    /// looking it up in its registry, which cost more per start than the rest of its bookkeeping.
    private final class Counters: Sendable {
        enum Kind: Hashable {
            case started
            case ended(WorkflowStatus)
            case timeoutAlert
            case limitedPoll
            case storeFailure
            case scheduleSlot(String)
        }

        private struct Key: Hashable {
            let kind: Kind
            let name: String
        }

        private let made = Mutex<[Key: Counter]>([:])

        /// The counter of `kind` for `name` (a workflow's name, a task type's for `limitedPoll`, a cause's for
        /// `storeFailure`).
        func counter(_ kind: Kind, _ name: String, factory: any MetricsFactory) -> Counter {
            let key = Key(kind: kind, name: name)
            return made.withLock { made in
                if let counter = made[key] { return counter }
                let counter = switch kind {
                case .started:
                    Counter(label: "baton_workflow_starts_total", dimensions: [("name", name)], factory: factory)
                case .ended(let status):
                    Counter(label: "baton_workflow_completions_total",
                            dimensions: [("name", name), ("status", status.rawValue)], factory: factory)
                case .timeoutAlert:
                    Counter(label: "baton_workflow_timeout_alerts_total", dimensions: [("name", name)], factory: factory)
                case .limitedPoll:
                    Counter(label: "baton_task_polls_limited_total", dimensions: [("task_type", name)], factory: factory)
                case .storeFailure:
                    Counter(label: "baton_store_failures_total", dimensions: [("cause", name)], factory: factory)
                case .scheduleSlot(let outcome):
                    Counter(label: "baton_schedule_slots_total", dimensions: [("schedule", name), ("outcome", outcome)],
                            factory: factory)
                }
                made[key] = counter
                return counter
            }
        }
    }
}

/// A workflow's change of status (`from` nil: it started); `from` and `to` differ.
struct StatusChange: Sendable {
    let workflowName: String
    let from: WorkflowStatus?
    let to: WorkflowStatus
}
