import BatonModel

/// DO_WHILE: starting a loop, ending each iteration (its output, `keepLastN`, the condition handed to the script
/// runner) and starting the next.
extension Decider {
    func startLoop(atTaskAt index: Int, node: WorkflowTask, in workflow: inout Workflow, effects: inout DecisionEffects) {
        workflow.tasks[index].status = .inProgress
        let items = loopItems(of: node, task: workflow.tasks[index], in: workflow)
        if let items { workflow.tasks[index].inputData["_items"] = .array(items) }
        guard let first = node.loopOver.first, items.map({ !$0.isEmpty }) ?? true else {
            return finish(taskAt: index, in: &workflow, output: ["iteration": 0])
        }
        workflow.tasks[index].outputData["iteration"] = 1
        if let items { setLoopItem(items[0], index: 0, onTaskAt: index, in: &workflow) }
        schedule(first, in: &workflow, iteration: 1, effects: &effects)
    }

    /// The list a DO_WHILE iterates over (its `items` expression, or its `_items` input), or nil for a
    /// condition-only loop.
    func loopItems(of node: WorkflowTask, task: TaskExecution, in workflow: Workflow) -> [JSONValue]? {
        if let items = task.inputData["_items"]?.arrayValue { return items }
        guard let expression = node.items, !expression.isEmpty else { return nil }
        return resolver(for: workflow).resolve(.string(expression)).arrayValue ?? []
    }

    /// Exposes the current item to the loop body as `${loop.output.loopItem}` and `loopIndex` (0-based).
    func setLoopItem(_ item: JSONValue, index position: Int, onTaskAt index: Int, in workflow: inout Workflow) {
        workflow.tasks[index].outputData["loopItem"] = item
        workflow.tasks[index].outputData["loopIndex"] = .int(Int64(position))
    }

    /// Moves a DO_WHILE on when its iteration has ended: fails it when a body task failed, finishes it
    /// when its items are used up or it has no condition, and otherwise records the iteration and hands
    /// the condition to the script runner (SCHEDULED in the script queue; `advanceLoop` or completion
    /// follows its result). Starts the next iteration's first task once a held condition advanced it.
    func evaluateLoop(at index: Int, node: WorkflowTask, in workflow: inout Workflow,
                      effects: inout DecisionEffects) -> Bool {
        let loop = workflow.tasks[index]
        guard !loop.awaitsLoopCondition else { return false }
        let iteration = Int(loop.outputData["iteration"]?.intValue ?? 1)
        let body = Set(node.loopOver.flatMap(\.allNodes).map(\.taskReferenceName))
        // The iteration first: it is a number, and the base reference name is a new string for each task.
        let current = workflow.tasks.filter { $0.iteration == iteration && !$0.retried && body.contains($0.baseReferenceName) }
        if current.isEmpty, let first = node.loopOver.first {
            schedule(first, in: &workflow, iteration: iteration, effects: &effects)
            return true
        }
        guard !current.isEmpty, current.allSatisfy({ $0.status.isTerminal && $0.executed }) else { return false }
        var iterationOutput: JSONObject = [:]
        for task in current.sorted(by: { $0.seq < $1.seq }) {
            iterationOutput[task.baseReferenceName] = .object(task.outputData)
        }
        var output = loop.outputData
        output[String(iteration)] = .object(iterationOutput)
        output["iteration"] = .int(Int64(iteration))
        if let keep = node.keepLastN {
            // Conductor's keepLastN: the output keeps the last `keep` iterations (their tasks go at the decision's end).
            var old = iteration - keep
            while old >= 1, output.removeValue(forKey: String(old)) != nil { old -= 1 }
        }
        if let failed = current.first(where: { !$0.status.isSuccessful }) {
            fail(taskAt: index, in: &workflow,
                 reason: "Task \(failed.referenceTaskName) in iteration \(iteration) is \(failed.status.rawValue)", output: output)
            return true
        }
        workflow.tasks[index].outputData = output
        workflow.tasks[index].updateTime = now
        let condition = node.loopCondition ?? ""
        let items = loopItems(of: node, task: loop, in: workflow)
        if let items, iteration >= items.count {
            finish(taskAt: index, in: &workflow)
        } else if !condition.allSatisfy(\.isWhitespace) {
            workflow.tasks[index].status = .scheduled
            workflow.tasks[index].responseTimeoutSeconds = Decider.scriptLeaseSeconds
        } else if items != nil {
            advanceLoop(taskAt: index, in: &workflow)
            return evaluateLoop(at: index, node: node, in: &workflow, effects: &effects)
        } else {
            finish(taskAt: index, in: &workflow)  // an empty condition is false, as an empty script's undefined
        }
        return true
    }

    /// Whether a DO_WHILE among `nodes` (at any depth) has `keepLastN`: walked in place, as every decision asks it,
    /// so that an execution of thousands of tasks is not scanned for loops that keep everything.
    static func keepsLastN(_ nodes: [WorkflowTask]) -> Bool {
        nodes.contains { node in
            (node.type == .doWhile && node.keepLastN != nil) || keepsLastN(node.loopOver) || keepsLastN(node.defaultCase)
                || node.forkTasks.contains(where: keepsLastN) || node.decisionCases.values.contains(where: keepsLastN)
        }
    }

    /// Removes the tasks of the iterations a DO_WHILE with `keepLastN` no longer keeps (those its output dropped),
    /// as Conductor does; returns whether any went.
    func removeDroppedIterations(in workflow: inout Workflow, effects: inout DecisionEffects) -> Bool {
        var dropped: [(body: Set<String>, through: Int)] = []
        for loop in workflow.tasks where !loop.retried {
            guard let node = loop.workflowTask, node.type == .doWhile, let keep = node.keepLastN,
                  let recorded = loop.outputData.keys.compactMap({ Int($0) }).max(), recorded > keep else { continue }
            dropped.append((Set(node.loopOver.flatMap(\.allNodes).map(\.taskReferenceName)), recorded - keep))
        }
        guard !dropped.isEmpty else { return false }
        let before = workflow.tasks.count
        workflow.tasks.removeAll { task in
            task.iteration > 0 && task.status.isTerminal
                && dropped.contains { task.iteration <= $0.through && $0.body.contains(task.baseReferenceName) }
        }
        if workflow.tasks.count < before {
            effects.notes.append(DecisionNote(kind: .loopIterationsRemoved,
                                              detail: "\(before - workflow.tasks.count) tasks of iterations beyond keepLastN"))
        }
        return workflow.tasks.count < before
    }

    /// Starts the next iteration's count (and item) of a DO_WHILE whose condition held; its first task is
    /// scheduled at the next decision.
    func advanceLoop(taskAt index: Int, in workflow: inout Workflow) {
        let loop = workflow.tasks[index]
        let iteration = Int(loop.outputData["iteration"]?.intValue ?? 1)
        workflow.tasks[index].status = .inProgress
        workflow.tasks[index].workerId = nil
        workflow.tasks[index].outputData["iteration"] = .int(Int64(iteration + 1))
        workflow.tasks[index].updateTime = now
        if let node = loop.workflowTask, let items = loopItems(of: node, task: loop, in: workflow), iteration < items.count {
            setLoopItem(items[iteration], index: iteration, onTaskAt: index, in: &workflow)
        }
    }
}

extension TaskExecution {
    /// Whether this DO_WHILE's iteration has ended and its condition waits for the script runner: queued
    /// (SCHEDULED), or polled by the runner (IN_PROGRESS with its worker id) — a loop whose body runs is
    /// IN_PROGRESS without one.
    var awaitsLoopCondition: Bool {
        guard workflowTask?.type == .doWhile else { return false }
        return status == .scheduled || (status == .inProgress && workerId == ScriptTask.workerId)
    }
}
