public import BatonModel

/// Which tasks a caller may poll, report on or log to: every task, or only the tasks of some types (a worker
/// key limited to its task types). The engine checks it inside the transaction, on the very task it acts on.
public struct TaskAccess: Sendable, Hashable {
    /// The task types the caller may act on; nil for every type.
    public let taskTypes: Set<String>?

    /// Every task.
    public static let unrestricted = TaskAccess(taskTypes: nil)

    /// Only the tasks of `taskTypes`.
    public static func only(_ taskTypes: Set<String>) -> TaskAccess {
        TaskAccess(taskTypes: taskTypes)
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
