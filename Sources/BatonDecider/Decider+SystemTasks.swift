import BatonModel
import Foundation

extension Decider {
    /// How long the script runner holds a script task it polled before the task is queued again (a runner
    /// that stopped mid-evaluation loses nothing); longer than any script's time limit.
    public static let scriptLeaseSeconds: Int64 = 600
    /// The largest a workflow's variables may grow, serialized (Conductor's limit).
    static let maximumVariablesSize = 256 * 1024

    /// Starts a system task the moment it is scheduled: operators that complete at once do so, the
    /// ones that wait (JOIN, EXCLUSIVE_JOIN, DO_WHILE) go IN_PROGRESS, and the ones the engine runs stay SCHEDULED.
    /// (Scripts are not run here: script tasks wait in the script queue, see `ScriptTask`.)
    func begin(systemTaskAt index: Int, node: WorkflowTask, in workflow: inout Workflow,
               effects: inout DecisionEffects) {
        workflow.tasks[index].startTime = now
        workflow.tasks[index].firstStartTime = now
        switch node.type {
        case .noop:
            finish(taskAt: index, in: &workflow)
        case .setVariable:
            setVariables(fromTaskAt: index, in: &workflow)
        case .terminate:
            terminate(fromTaskAt: index, in: &workflow, effects: &effects)
        case .switchTask, .decision:
            branch(atTaskAt: index, node: node, in: &workflow, effects: &effects)
        case .forkJoin:
            fork(atTaskAt: index, node: node, in: &workflow, effects: &effects)
        case .forkJoinDynamic:
            forkDynamically(atTaskAt: index, node: node, in: &workflow, effects: &effects)
        case .join:
            workflow.tasks[index].status = .inProgress
            if workflow.tasks[index].inputData["joinOn"] == nil {
                workflow.tasks[index].inputData["joinOn"] = .array(node.joinOn.map(JSONValue.string))
            }
        case .exclusiveJoin:
            // Conductor's mapper gives the task its joinOn and defaultExclusiveJoinTask as input.
            workflow.tasks[index].status = .inProgress
            workflow.tasks[index].inputData["joinOn"] = .array(node.joinOn.map(JSONValue.string))
            if !node.defaultExclusiveJoinTask.isEmpty {
                workflow.tasks[index].inputData["defaultExclusiveJoinTask"] = .array(node.defaultExclusiveJoinTask.map(JSONValue.string))
            }
        case .doWhile:
            startLoop(atTaskAt: index, node: node, in: &workflow, effects: &effects)
        case .subWorkflow, .startWorkflow:
            // Carried out by the engine: it starts the child or the workflow.
            workflow.tasks[index].startTime = 0
            workflow.tasks[index].firstStartTime = 0
        default:
            fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                 reason: "Task type \(node.type.rawValue) is not supported by this version of Baton")
        }
    }

    /// Ends a task as COMPLETED (the Decider then schedules what follows it).
    func finish(taskAt index: Int, in workflow: inout Workflow, output: JSONObject? = nil) {
        if let output { workflow.tasks[index].outputData = output }
        workflow.tasks[index].status = .completed
        workflow.tasks[index].endTime = now
        workflow.tasks[index].updateTime = now
    }

    /// Fails a task Baton ran itself whose output is larger than the task output maximum, dropping that output,
    /// before anything reads it (workers' outputs are held to it when they arrive, `apply(_:to:)`).
    func refuseOversizedOutput(ofTaskAt index: Int, in workflow: inout Workflow) {
        let task = workflow.tasks[index]
        guard task.status.isSuccessful, TaskKind(task) == .system, !task.outputData.isEmpty else { return }
        if let reason = oversized(task.outputData, of: task, limit: limits.payloads.taskOutput.maximum) {
            fail(taskAt: index, in: &workflow, status: .failedWithTerminalError, reason: reason, output: [:])
        }
    }

    /// Conductor's reason for a task whose input or output `payload` is larger than `limit`; nil when it is not.
    func oversized(_ payload: JSONObject, of task: TaskExecution, limit: Int) -> String? {
        guard let size = payload.jsonSize(exceeding: limit) else { return nil }
        return "The payload size: \(size) of task: \(task.taskId) in workflow: \(task.workflowInstanceId)  "
            + "is greater than the permissible limit: \(limit) bytes"
    }

    /// Ends a task unsuccessfully with a reason (retries and optionality then apply as usual).
    func fail(taskAt index: Int, in workflow: inout Workflow, status: TaskStatus = .failed, reason: String,
              output: JSONObject? = nil) {
        if let output { workflow.tasks[index].outputData = output }
        workflow.tasks[index].status = status
        workflow.tasks[index].reasonForIncompletion = reason
        workflow.tasks[index].endTime = now
        workflow.tasks[index].updateTime = now
    }

    /// Ends a task unsuccessfully from outside the Decider (for example when the engine cannot start a
    /// child workflow); retries and optionality apply at the next decision.
    public func fail(workflow: inout Workflow, taskAt index: Int, reason: String) {
        fail(taskAt: index, in: &workflow, reason: reason)
    }

    /// Completes a task with `output` from outside the Decider.
    public func complete(workflow: inout Workflow, taskAt index: Int, output: JSONObject) {
        finish(taskAt: index, in: &workflow, output: output)
    }

    /// Moves a SUB_WORKFLOW task to its child's outcome once the child has ended: COMPLETED with the
    /// child's output, FAILED, TIMED_OUT, or CANCELED for a terminated child.
    public func follow(_ child: Workflow, taskAt index: Int, in workflow: inout Workflow) {
        var output = child.output
        output["subWorkflowId"] = .string(child.workflowId)
        let reason = "Sub workflow \(child.workflowId) failure reason: \(child.reasonForIncompletion ?? "")"
        switch child.status {
        case .completed: finish(taskAt: index, in: &workflow, output: output)
        case .failed: fail(taskAt: index, in: &workflow, reason: reason, output: output)
        case .timedOut: fail(taskAt: index, in: &workflow, status: .timedOut, reason: reason, output: output)
        case .terminated: fail(taskAt: index, in: &workflow, status: .canceled, reason: reason, output: output)
        case .running, .paused: return
        }
    }

    // MARK: - SET_VARIABLE and TERMINATE

    func setVariables(fromTaskAt index: Int, in workflow: inout Workflow) {
        var variables = workflow.variables
        for (key, value) in workflow.tasks[index].inputData { variables[key] = value }
        let size = variables.jsonText.utf8.count
        guard size <= Decider.maximumVariablesSize else {
            return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                        reason: "The variables would take \(size) bytes, over the limit of "
                            + "\(Decider.maximumVariablesSize) bytes; nothing was changed")
        }
        workflow.variables = variables
        finish(taskAt: index, in: &workflow)
    }

    func terminate(fromTaskAt index: Int, in workflow: inout Workflow, effects: inout DecisionEffects) {
        let input = workflow.tasks[index].inputData
        let statusText = input["terminationStatus"]?.stringValue?.uppercased() ?? ""
        guard let status = WorkflowStatus(rawValue: statusText), [.completed, .failed, .terminated].contains(status) else {
            return fail(taskAt: index, in: &workflow,
                        reason: "terminationStatus must be COMPLETED, FAILED or TERMINATED, not '\(statusText)'")
        }
        let given = input["terminationReason"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let reason = given.isEmpty ? "Workflow is \(status.rawValue) by TERMINATE task: \(workflow.tasks[index].taskId)"
            : input["terminationReason"]?.stringValue
        let output: JSONObject
        switch input["workflowOutput"] {
        case .object(let members)?: output = members
        case nil, .null?: output = [:]
        case let value?: output = ["output": value]
        }
        finish(taskAt: index, in: &workflow, output: output)
        workflow.tasks[index].executed = true
        if status == .completed, let failures = permissiveFailures(of: workflow) {
            end(&workflow, status: .failed, reason: failures, effects: &effects)
        } else if status == .completed {
            cancelLiveTasks(of: &workflow)
            workflow.status = .completed
            workflow.reasonForIncompletion = reason
            workflow.endTime = now
            workflow.updateTime = now
            recordFailedTasks(of: &workflow)
        } else {
            end(&workflow, status: status, reason: reason, failedTaskId: workflow.tasks[index].taskId, effects: &effects)
        }
        workflow.output = output
    }

    // MARK: - SWITCH and DECISION

    /// Selects the branch of a SWITCH or DECISION that reads a parameter, and enters it.
    func branch(atTaskAt index: Int, node: WorkflowTask, in workflow: inout Workflow, effects: inout DecisionEffects) {
        let selected: String
        do {
            selected = try caseValue(of: node, input: workflow.tasks[index].inputData)
        } catch {
            return fail(taskAt: index, in: &workflow, reason: "Evaluation of the \(node.type.rawValue) expression failed: \(error)")
        }
        finish(taskAt: index, in: &workflow, output: Decider.caseOutput(selected: selected, decision: node.type == .decision))
        enterBranch(ofTaskAt: index, node: node, in: &workflow, effects: &effects)
    }

    /// The output of a SWITCH (`evaluationResult`, `selectedCase`) or DECISION (`caseOutput`) that selected `selected`.
    static func caseOutput(selected: String, decision: Bool) -> JSONObject {
        decision ? ["caseOutput": [.string(selected)]] : ["evaluationResult": [.string(selected)], "selectedCase": .string(selected)]
    }

    /// Schedules the first task of the case a completed SWITCH or DECISION selected (read from its output),
    /// or, for an empty case, what follows the SWITCH.
    func enterBranch(ofTaskAt index: Int, node: WorkflowTask, in workflow: inout Workflow, effects: inout DecisionEffects) {
        let output = workflow.tasks[index].outputData
        let selected = (node.type == .decision ? output["caseOutput"]?.arrayValue?.first : output["selectedCase"])?.interpolated
        workflow.tasks[index].inputData["case"] = selected.map(JSONValue.string) ?? .null
        workflow.tasks[index].executed = true
        let chosen = selected.flatMap { node.decisionCases[$0] }
        let tasks = (chosen == nil || (node.type == .decision && chosen?.isEmpty == true)) ? node.defaultCase : chosen ?? []
        if let first = tasks.first {
            scheduleUnlessSkipped(first, in: &workflow, iteration: workflow.tasks[index].iteration, effects: &effects)
        } else if let definition = workflow.workflowDefinition {
            scheduleSuccessor(ofTaskAt: index, in: &workflow, definition: definition, effects: &effects)
        }
    }

    /// The case a SWITCH or DECISION that reads a parameter selects, as text (`null` for a null value, as
    /// Conductor). JavaScript expressions are evaluated by the script runner instead (`TaskKind.script`).
    func caseValue(of node: WorkflowTask, input: JSONObject) throws(ScriptError) -> String {
        let parameter = node.type == .decision ? node.caseValueParam : node.expression
        if node.type == .switchTask, let evaluator = node.evaluatorType, evaluator != "value-param" {
            throw ScriptError(.failed, "Unsupported evaluatorType '\(evaluator)'")
        }
        return (input[parameter ?? ""] ?? .null).interpolated
    }

    // MARK: - FORK_JOIN and JOIN

    func fork(atTaskAt index: Int, node: WorkflowTask, in workflow: inout Workflow, effects: inout DecisionEffects) {
        let iteration = workflow.tasks[index].iteration
        guard let definition = workflow.workflowDefinition,
              let join = DefinitionGraph(definition).nodeFollowing(node.taskReferenceName), join.type == .join else {
            return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                        reason: "Fork task definition is not followed by a join task")
        }
        workflow.tasks[index].inputData["forkedTasks"] = .array(node.forkTasks.compactMap(\.first).map {
            .string($0.taskReferenceName)
        })
        finish(taskAt: index, in: &workflow)
        workflow.tasks[index].executed = true
        for branch in node.forkTasks {
            guard let first = branch.first, workflow.status == .running else { continue }
            scheduleUnlessSkipped(first, in: &workflow, iteration: iteration, effects: &effects)
        }
        if workflow.status == .running {
            schedule(join, in: &workflow, iteration: iteration, effects: &effects)
        }
    }

    /// Starts the branches a FORK_JOIN_DYNAMIC's input describes — a list of tasks and a map of their
    /// inputs, or `forkTaskName` / `forkTaskType` with a list `forkTaskInputs` — and the JOIN after it,
    /// joining on every branch.
    /// Fails the dynamic fork at `index` when `width` branches are more than one fork may start (checked before
    /// any branch is built, so that a list of 100,000 costs no more than its count); returns whether it did.
    private func refusesWidth(_ width: Int, ofForkAt index: Int, in workflow: inout Workflow) -> Bool {
        guard width > limits.maximumForkWidth else { return false }
        fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
             reason: "The dynamic fork describes \(width) branches, more than the \(limits.maximumForkWidth) "
                + "one fork may start (the server's --max-fork-width)")
        return true
    }

    func forkDynamically(atTaskAt index: Int, node: WorkflowTask, in workflow: inout Workflow,
                         effects: inout DecisionEffects) {
        let input = workflow.tasks[index].inputData
        var branches: [WorkflowTask] = []
        if let tasksParameter = node.dynamicForkTasksParam ?? node.dynamicForkJoinTasksParam {
            guard case .array(let described)? = input[tasksParameter] else {
                return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                            reason: "Input '\(tasksParameter)' of the dynamic fork must be a list of tasks")
            }
            let inputs = node.dynamicForkTasksInputParamName.flatMap { input[$0] }
            if let inputs, inputs.objectValue == nil, inputs != .null {
                return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                            reason: "Input '\(node.dynamicForkTasksInputParamName ?? "")' of the dynamic fork must be a map of task inputs")
            }
            if refusesWidth(described.count, ofForkAt: index, in: &workflow) { return }
            for element in described {
                guard var branch = try? element.decode(as: WorkflowTask.self), !branch.taskReferenceName.isEmpty,
                      !branch.name.isEmpty else {
                    return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                                reason: "Each dynamic fork task needs a name and a taskReferenceName")
                }
                if let taskInput = inputs?.objectValue?[branch.taskReferenceName]?.objectValue {
                    branch.inputParameters = taskInput
                }
                branches.append(branch)
            }
        } else if let name = input["forkTaskName"]?.stringValue, case .array(let inputs)? = input["forkTaskInputs"] {
            if refusesWidth(inputs.count, ofForkAt: index, in: &workflow) { return }
            let type = TaskType(input["forkTaskType"]?.stringValue ?? TaskType.simple.rawValue)
            for (position, element) in inputs.enumerated() {
                var branchInput = element.objectValue ?? ["input": element]
                branchInput["__index"] = .int(Int64(position))
                branches.append(WorkflowTask(name: name, taskReferenceName: "_\(name)_\(position)", type: type,
                                             inputParameters: branchInput, optional: node.optional))
            }
        } else {
            return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                        reason: "A dynamic fork needs dynamicForkTasksParam, or the inputs forkTaskName and forkTaskInputs")
        }
        let references = branches.map(\.taskReferenceName)
        guard Set(references).count == references.count,
              !references.contains(where: { reference in workflow.workflowDefinition?.node(referenceName: reference) != nil }) else {
            return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                        reason: "Dynamic fork task reference names must be unique in the workflow")
        }
        guard let definition = workflow.workflowDefinition,
              let join = DefinitionGraph(definition).nodeFollowing(node.taskReferenceName), join.type == .join else {
            return fail(taskAt: index, in: &workflow, status: .failedWithTerminalError,
                        reason: "Fork task definition is not followed by a join task")
        }
        workflow.tasks[index].inputData["forkedTasks"] = .array(references.map(JSONValue.string))
        workflow.tasks[index].inputData["forkedTaskDefs"] = .array(branches.compactMap { try? JSONValue(encoding: $0) })
        finish(taskAt: index, in: &workflow)
        workflow.tasks[index].executed = true
        let iteration = workflow.tasks[index].iteration
        for branch in branches where workflow.status == .running {
            var node = branch
            if node.taskDefinition == nil {
                node.taskDefinition = TaskDef(name: node.name, retryCount: 0, responseTimeoutSeconds: 3600)
            }
            schedule(node, in: &workflow, iteration: iteration, effects: &effects)
        }
        guard workflow.status == .running else { return }
        let joinIndex = schedule(join, in: &workflow, iteration: iteration, effects: &effects)
        workflow.tasks[joinIndex].inputData["joinOn"] = .array(references.map(JSONValue.string))
    }

    /// Gives tasks of dynamic forks back the node they were scheduled from (the store keeps only the
    /// definition's nodes; the fork task keeps the ones it made up).
    func attachDynamicNodes(in workflow: inout Workflow) {
        guard workflow.tasks.contains(where: { $0.workflowTask == nil }) else { return }
        var nodes: [String: WorkflowTask] = [:]
        for task in workflow.tasks where task.workflowTask?.type == .forkJoinDynamic {
            for element in task.inputData["forkedTaskDefs"]?.arrayValue ?? [] {
                if let node = try? element.decode(as: WorkflowTask.self) { nodes[node.taskReferenceName] = node }
            }
        }
        for index in workflow.tasks.indices where workflow.tasks[index].workflowTask == nil {
            workflow.tasks[index].workflowTask = nodes[workflow.tasks[index].baseReferenceName]
        }
    }

    /// Re-evaluates a live JOIN or DO_WHILE; returns whether it changed.
    func evaluateOperator(at index: Int, in workflow: inout Workflow, definition: WorkflowDef,
                          effects: inout DecisionEffects) -> Bool {
        guard let node = workflow.tasks[index].workflowTask else { return false }
        switch node.type {
        case .join: return evaluateJoin(at: index, node: node, in: &workflow)
        case .exclusiveJoin: return evaluateExclusiveJoin(at: index, node: node, in: &workflow)
        case .doWhile: return evaluateLoop(at: index, node: node, in: &workflow, effects: &effects)
        default: return false
        }
    }

    /// The latest attempt of the task with `reference` in the same loop iteration as `iteration`.
    func latestAttempt(of reference: String, iteration: Int, in workflow: Workflow) -> TaskExecution? {
        let name = iteration > 0 ? "\(reference)__\(iteration)" : reference
        return workflow.tasks.filter { $0.referenceTaskName == name }.max { $0.seq < $1.seq }
    }

    /// Moves an EXCLUSIVE_JOIN on, as Conductor's: the first of its `joinOn` tasks that was scheduled (and not
    /// skipped) decides — when it has ended, the join completes with its output, or fails when it failed; when
    /// none of them was scheduled, the first scheduled of `defaultExclusiveJoinTask` decides.
    func evaluateExclusiveJoin(at index: Int, node: WorkflowTask, in workflow: inout Workflow) -> Bool {
        let current = workflow
        let iteration = current.tasks[index].iteration
        func references(_ key: String, _ fallback: [String]) -> [String] {
            current.tasks[index].inputData[key]?.arrayValue?.compactMap(\.stringValue) ?? fallback
        }
        /// The first of `references` that was scheduled and not skipped.
        func firstRun(of references: [String]) -> TaskExecution? {
            for reference in references {
                if let task = latestAttempt(of: reference, iteration: iteration, in: current), task.status != .skipped {
                    return task
                }
            }
            return nil
        }
        let candidates = references("joinOn", node.joinOn)
        var chosen = firstRun(of: candidates)
        var failedWithOthers = false
        if let task = chosen, !task.status.isSuccessful, task.status.isTerminal, task.workflowTask?.permissive == true {
            // A permissive task fails the join only once every task it joins on has ended.
            failedWithOthers = !candidates.allSatisfy {
                latestAttempt(of: $0, iteration: iteration, in: current)?.status.isTerminal ?? false
            }
        }
        if chosen == nil {
            chosen = firstRun(of: references("defaultExclusiveJoinTask", node.defaultExclusiveJoinTask))
        }
        guard let task = chosen, task.status.isTerminal, task.executed, !failedWithOthers else { return false }
        if task.status.isSuccessful {
            finish(taskAt: index, in: &workflow, output: task.outputData)
        } else {
            fail(taskAt: index, in: &workflow, reason: task.reasonForIncompletion ?? "Task \(task.referenceTaskName) is \(task.status.rawValue)")
        }
        return true
    }

    func evaluateJoin(at index: Int, node: WorkflowTask, in workflow: inout Workflow) -> Bool {
        let iteration = workflow.tasks[index].iteration
        var output: JSONObject = [:]
        var failures: [TaskExecution] = []
        let joinOn = workflow.tasks[index].inputData["joinOn"]?.arrayValue?.compactMap(\.stringValue) ?? node.joinOn
        for reference in joinOn {
            guard let task = latestAttempt(of: reference, iteration: iteration, in: workflow),
                  task.status.isTerminal, task.executed else { return false }
            if !task.outputData.isEmpty { output[reference] = .object(task.outputData) }
            if !task.status.isSuccessful { failures.append(task) }
        }
        if let failed = failures.first {
            fail(taskAt: index, in: &workflow, reason: "Join failed: task \(failed.referenceTaskName) is \(failed.status.rawValue)",
                 output: output)
        } else {
            finish(taskAt: index, in: &workflow, output: output)
        }
        return true
    }
}
