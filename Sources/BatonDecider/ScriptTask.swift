import BatonModel

/// A script task handed to Baton's script runner: what it evaluates, and the ordinary task result that
/// records the outcome.
///
/// INLINE and LAMBDA complete with `result` (FAILED with `error` when the script throws); JSON_JQ_TRANSFORM
/// completes with `result` (the first output) and `resultList`; a SWITCH completes with `evaluationResult`
/// and `selectedCase` (a DECISION with `caseOutput`), after which the Decider enters the selected branch;
/// a DO_WHILE awaiting its condition gets IN_PROGRESS when the condition holds (the next iteration starts)
/// and COMPLETED when it does not.
public struct ScriptTask: Sendable {
    /// The queue every script task waits in, polled by Baton's script runner.
    public static let queueName = "_baton_scripts"
    /// The worker id the script runner polls and reports with.
    public static let workerId = "baton-scripts"

    /// The task as it was polled.
    public let task: TaskExecution

    /// Wraps a polled script task.
    public init(_ task: TaskExecution) {
        self.task = task
    }

    /// Evaluates the task's script with `scripts` and returns the result to record. Blocks the calling
    /// thread for as long as the evaluation runs (at most the evaluator's time limit).
    public func evaluate(with scripts: any ScriptEvaluator) -> TaskResult {
        let input = task.inputData
        guard let node = task.workflowTask else {
            return ended(.failedWithTerminalError, reason: "Task \(task.taskId) has no definition node to evaluate")
        }
        switch node.type {
        case .inline, .lambda:
            let evaluator = input["evaluatorType"]?.stringValue ?? "javascript"
            var expression = input["expression"]?.stringValue ?? node.scriptExpression ?? ""
            if node.type == .lambda, let script = input["scriptExpression"]?.stringValue {
                // As Conductor's LAMBDA: the input's script is a function body, so it may `return`.
                expression = "function scriptFun(){" + script + "} scriptFun();"
            }
            do throws(ScriptError) {
                let result: JSONValue
                switch evaluator {
                case "value-param": result = input[expression] ?? .null
                case "javascript", "graaljs": result = try scripts.evaluateJavaScript(expression, input: .object(input))
                default: throw ScriptError(.failed, "Unsupported evaluatorType '\(evaluator)'")
                }
                return ended(.completed, output: ["result": result])
            } catch {
                return ended(.failed, reason: error.message, output: ["error": .string(error.message)])
            }
        case .jsonJQTransform:
            guard let query = input["queryExpression"]?.stringValue, !query.isEmpty else {
                return ended(.failed, reason: "queryExpression is required")
            }
            do throws(ScriptError) {
                let results = try scripts.evaluateJQ(query, input: .object(input))
                return ended(.completed, output: ["result": results.first ?? .null, "resultList": .array(results)])
            } catch {
                return ended(.failed, reason: error.message, output: ["error": .string(error.message)])
            }
        case .switchTask, .decision:
            let expression = (node.type == .decision ? node.caseExpression : node.expression) ?? ""
            do throws(ScriptError) {
                let selected = try scripts.evaluateJavaScript(expression, input: .object(input)).interpolated
                return ended(.completed, output: Decider.caseOutput(selected: selected, decision: node.type == .decision))
            } catch {
                return ended(.failed, reason: "Evaluation of the \(node.type.rawValue) expression failed: \(error)")
            }
        case .doWhile:
            do throws(ScriptError) {
                let value = try scripts.evaluateJavaScript(node.loopCondition ?? "", input: .object(conditionInput(of: node)))
                return ended(Self.holds(value) ? .inProgress : .completed)
            } catch {
                return ended(.failedWithTerminalError, reason: "Evaluation of the loop condition failed: \(error)")
            }
        default:
            return ended(.failedWithTerminalError, reason: "Task type \(node.type.rawValue) has no script to evaluate")
        }
    }

    /// What a loop's condition sees: the loop's input, each body task's output of the iteration that ended
    /// by reference name, and the loop's own output under its reference name — when the condition names it: that
    /// output holds every iteration's, and a condition that does not name the loop cannot read it (an endless loop's
    /// would otherwise be copied into the script engine whole at every iteration).
    func conditionInput(of node: WorkflowTask) -> JSONObject {
        var input = task.inputData
        let iteration = task.outputData["iteration"]?.intValue ?? 1
        for (reference, output) in task.outputData[String(iteration)]?.objectValue ?? [:] { input[reference] = output }
        if node.loopCondition?.contains(node.taskReferenceName) ?? false {
            input[node.taskReferenceName] = .object(task.outputData)
        }
        return input
    }

    /// Whether a loop condition's value counts as true.
    static func holds(_ value: JSONValue) -> Bool {
        switch value {
        case .bool(let value): return value
        case .null: return false
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let text): return text == "true"
        case .array, .object: return true
        }
    }

    /// The result that records the outcome on the task (a loop's output is left as it is).
    private func ended(_ status: TaskResultStatus, reason: String? = nil, output: JSONObject? = nil) -> TaskResult {
        TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: status, outputData: output,
                   reasonForIncompletion: reason, workerId: ScriptTask.workerId)
    }
}
