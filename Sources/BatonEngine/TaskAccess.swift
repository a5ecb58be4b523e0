import BatonModel
import BatonDecider

/// Which tasks a caller may poll, report on or log to: every task, or only the tasks of some types (a worker
/// key limited to its task types). The engine checks it inside the transaction, on the very task it acts on.
public struct TaskAccess: Sendable, Hashable {
    /// The task types the caller may act on; nil for every type.
    public let taskTypes: Set<String>?
    /// Whether the caller may poll Baton's own script queue (`ScriptTask.queueName`): only Baton's script runner,
    /// since a result reported from there skips the runner's limits.
    let pollsScriptQueue: Bool

    /// Every task a worker may poll: every type, but not Baton's own script queue.
    public static let unrestricted = TaskAccess(taskTypes: nil, pollsScriptQueue: false)

    /// Baton's own runners: every task, the script queue too.
    static let baton = TaskAccess(taskTypes: nil, pollsScriptQueue: true)

    /// Only the tasks of `taskTypes`.
    public static func only(_ taskTypes: Set<String>) -> TaskAccess {
        TaskAccess(taskTypes: taskTypes, pollsScriptQueue: false)
    }

    /// Refuses a poll of Baton's own script queue by anyone but its script runner.
    func check(polledQueue taskType: String) throws(EngineError) {
        guard pollsScriptQueue || taskType != ScriptTask.queueName else {
            throw EngineError.invalid("'\(taskType)' is Baton's own script queue, polled by its script runner: no worker may poll it")
        }
    }

    /// Whether the caller may act on tasks of `taskType`.
    public func permits(_ taskType: String) -> Bool {
        taskTypes?.contains(taskType) ?? true
    }

    /// Refuses, as forbidden, a task type the caller may not act on.
    func check(taskType: String) throws(EngineError) {
        guard permits(taskType) else {
            throw EngineError(.forbidden, "This key may not work on tasks of type '\(taskType)'")
        }
    }
}
