import BatonModel
import Foundation

/// Checks a workflow or task definition before it is stored, the way Conductor's validation does,
/// and also refuses node types this version of Baton cannot run.
public enum DefinitionValidator {
    /// The problems with a workflow definition, each a sentence naming the field; empty when valid.
    public static func problems(in definition: WorkflowDef) -> [String] {
        var problems: [String] = []
        if definition.name.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("WorkflowDef name cannot be null or empty")
        }
        if definition.tasks.isEmpty {
            problems.append("WorkflowTask list cannot be empty")
        }
        if definition.version < 0 { problems.append("WorkflowDef version must not be negative") }
        if definition.schemaVersion != 2 { problems.append("schemaVersion: \(definition.schemaVersion) is not supported; use 2") }
        if definition.timeoutSeconds < 0 { problems.append("timeoutSeconds must not be negative") }
        var seen = Set<String>()
        for node in definition.allNodes {
            let label = node.taskReferenceName.isEmpty ? node.name : node.taskReferenceName
            if node.name.isEmpty { problems.append("WorkflowTask name cannot be empty (taskReferenceName: \(label))") }
            if node.taskReferenceName.isEmpty {
                problems.append("WorkflowTask taskReferenceName cannot be empty (name: \(node.name))")
            } else if !seen.insert(node.taskReferenceName).inserted {
                problems.append("taskReferenceName '\(node.taskReferenceName)' is used more than once; "
                    + "reference names must be unique in a workflow definition")
            }
            if !TaskType.conductorTypes.contains(node.type) {
                problems.append("Unknown task type '\(node.type.rawValue)' for task '\(label)'")
            } else if !SupportedTaskTypes.all.contains(node.type) {
                problems.append("Task type '\(node.type.rawValue)' (task '\(label)') is not supported by this version "
                    + "of Baton; supported: \(SupportedTaskTypes.all.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            if node.startDelay < 0 { problems.append("startDelay must not be negative (task '\(label)')") }
            problems += ParameterResolver.validate(.object(node.inputParameters)).map { "task '\(label)' inputParameters: \($0)" }
            if node.type == .doWhile, let keep = node.inputParameters["keepLastN"], (keep.intValue ?? 0) < 1 {
                problems.append("DO_WHILE task '\(label)': keepLastN must be a whole number of at least 1, not \(keep.interpolated)")
            }
            if node.type == .wait {
                if node.inputParameters["duration"] != nil, node.inputParameters["until"] != nil {
                    problems.append("WAIT task '\(label)' cannot have both 'duration' and 'until'")
                }
                if case .string(let text)? = node.inputParameters["duration"], !text.contains("${"),
                   WaitSchedule.durationSeconds(text) == nil {
                    problems.append("WAIT task '\(label)' has an invalid duration '\(text)'")
                }
                if case .string(let text)? = node.inputParameters["until"], !text.contains("${"),
                   WaitSchedule.untilMillis(text) == nil {
                    problems.append("WAIT task '\(label)' has an invalid until '\(text)'")
                }
            }
            if let taskDef = node.taskDefinition {
                // Conductor does not validate a definition given inline; only values that make no sense are refused.
                problems += Self.problems(in: taskDef, registered: false).map { "task '\(label)': \($0)" }
            }
        }
        problems += ParameterResolver.validate(.object(definition.outputParameters)).map { "outputParameters: \($0)" }
        return problems
    }

    /// The problems with a task definition; empty when valid. A definition given inline in a workflow's node
    /// (not `registered`) may have a response timeout longer than its timeout, as Conductor lets it.
    public static func problems(in taskDef: TaskDef, registered: Bool = true) -> [String] {
        var problems: [String] = []
        if taskDef.name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("TaskDef name cannot be null or empty") }
        if taskDef.retryCount < 0 { problems.append("TaskDef retryCount: must be >= 0") }
        if taskDef.timeoutSeconds < 0 { problems.append("TaskDef timeoutSeconds: must be >= 0") }
        if taskDef.responseTimeoutSeconds < 1 { problems.append("TaskDef responseTimeoutSeconds: must be >= 1") }
        if registered, taskDef.timeoutSeconds > 0, taskDef.responseTimeoutSeconds > taskDef.timeoutSeconds {
            problems.append("TaskDef: \(taskDef.name) responseTimeoutSeconds: \(taskDef.responseTimeoutSeconds) must be "
                + "less than timeoutSeconds: \(taskDef.timeoutSeconds)")
        }
        if taskDef.retryDelaySeconds < 0 { problems.append("TaskDef retryDelaySeconds: must be >= 0") }
        if taskDef.backoffJitterMs < 0 { problems.append("TaskDef backoffJitterMs: must be >= 0") }
        if taskDef.backoffScaleFactor < 1 { problems.append("TaskDef backoffScaleFactor: must be >= 1") }
        if taskDef.totalTimeoutSeconds < 0 { problems.append("TaskDef totalTimeoutSeconds: must be >= 0") }
        if let poll = taskDef.pollTimeoutSeconds, poll < 0 { problems.append("TaskDef pollTimeoutSeconds: must be >= 0") }
        return problems
    }
}
