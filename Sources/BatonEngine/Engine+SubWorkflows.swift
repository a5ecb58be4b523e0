import BatonDecider
import BatonModel
import BatonPersistence
import Foundation

extension Engine {
    /// How many times the engine starts engine-run tasks and decides again in one change.
    static let maximumEngineRounds = 100

    /// Carries out the system tasks the Decider leaves SCHEDULED for the engine — SUB_WORKFLOW starts
    /// its child, START_WORKFLOW starts an independent workflow — and decides again until none is left.
    func startEngineTasks(of workflow: inout Workflow, effects: inout DecisionEffects, actor: String,
                          decider: Decider, in tx: any StoreTransaction, changes: inout Changes) throws {
        for _ in 0..<Engine.maximumEngineRounds {
            guard workflow.status == .running else { return }
            var started = false
            for index in workflow.tasks.indices where workflow.tasks[index].status == .scheduled {
                switch workflow.tasks[index].workflowTask?.type {
                case .subWorkflow? where workflow.tasks[index].subWorkflowId == nil:
                    try startChild(ofTaskAt: index, in: &workflow, actor: actor, decider: decider, in: tx, changes: &changes)
                    started = true
                case .startWorkflow?:
                    try startWorkflow(fromTaskAt: index, in: &workflow, actor: actor, decider: decider, in: tx,
                                      changes: &changes)
                    started = true
                default:
                    continue
                }
            }
            guard started else { return }
            let more = decider.decide(&workflow)
            effects.notes += more.notes
            effects.failureWorkflow = effects.failureWorkflow ?? more.failureWorkflow
        }
    }

    /// Starts the child workflow of a SUB_WORKFLOW task, linked both ways, and puts the task IN_PROGRESS
    /// (or straight to the child's outcome when the child ended at once).
    func startChild(ofTaskAt index: Int, in workflow: inout Workflow, actor: String, decider: Decider,
                    in tx: any StoreTransaction, changes: inout Changes) throws {
        let task = workflow.tasks[index]
        guard var request = Self.childRequest(ofTaskAt: index, in: workflow), let name = request.name else {
            return decider.fail(workflow: &workflow, taskAt: index, reason: "subWorkflowParam has no workflow name")
        }
        request.createdBy = actor
        let child: Workflow
        do {
            child = try createWorkflow(request, name: name, actor: actor, decider: decider,
                                       parent: (workflow.workflowId, task.taskId), in: tx, changes: &changes)
        } catch let error as EngineError {
            return decider.fail(workflow: &workflow, taskAt: index,
                                reason: "Sub workflow \(name) could not start: \(error.message)")
        }
        Self.link(child, toTaskAt: index, in: &workflow, decider: decider)
    }

    /// What starts the child of the SUB_WORKFLOW task at `index` (its `subWorkflowParam`: a registered definition or
    /// an inline one), nil when it names no workflow.
    static func childRequest(ofTaskAt index: Int, in workflow: Workflow) -> StartWorkflowRequest? {
        let task = workflow.tasks[index]
        let parameters = task.workflowTask?.subWorkflowParam ?? SubWorkflowParams()
        var inline: WorkflowDef?
        if case .object? = parameters.workflowDefinition {
            inline = try? parameters.workflowDefinition?.decode(as: WorkflowDef.self)
        }
        guard let name = inline?.name ?? parameters.name, !name.isEmpty else { return nil }
        var request = StartWorkflowRequest(name: name, version: parameters.version.flatMap { $0 > 0 ? $0 : nil },
                                           input: task.inputData, correlationId: workflow.correlationId,
                                           priority: workflow.priority,
                                           taskToDomain: parameters.taskToDomain ?? workflow.taskToDomain)
        request.workflowDef = inline
        request.idempotencyKey = parameters.idempotencyKey
        request.idempotencyStrategy = parameters.idempotencyStrategy
        return request
    }

    /// Puts the SUB_WORKFLOW task at `index` IN_PROGRESS on its just-started `child` (or straight to the child's
    /// outcome when the child ended at once).
    static func link(_ child: Workflow, toTaskAt index: Int, in workflow: inout Workflow, decider: Decider) {
        workflow.tasks[index].status = .inProgress
        workflow.tasks[index].subWorkflowId = child.workflowId
        workflow.tasks[index].outputData["subWorkflowId"] = .string(child.workflowId)
        workflow.tasks[index].startTime = decider.now
        workflow.tasks[index].firstStartTime = workflow.tasks[index].firstStartTime == 0 ? decider.now
            : workflow.tasks[index].firstStartTime
        workflow.tasks[index].updateTime = decider.now
        if child.status.isTerminal {
            decider.follow(child, taskAt: index, in: &workflow)
        }
    }

    /// Starts the independent workflow a START_WORKFLOW task describes and completes the task with its id.
    func startWorkflow(fromTaskAt index: Int, in workflow: inout Workflow, actor: String, decider: Decider,
                       in tx: any StoreTransaction, changes: inout Changes) throws {
        let input = workflow.tasks[index].inputData
        guard let description = input["startWorkflow"], case .object = description,
              var request = try? description.decode(as: StartWorkflowRequest.self),
              let name = request.name ?? request.workflowDef?.name else {
            return decider.fail(workflow: &workflow, taskAt: index,
                                reason: "START_WORKFLOW needs an input 'startWorkflow' with a workflow name")
        }
        if request.correlationId == nil { request.correlationId = workflow.correlationId }
        if request.taskToDomain.isEmpty { request.taskToDomain = workflow.taskToDomain }
        do {
            let started = try createWorkflow(request, name: name, actor: actor, decider: decider, in: tx, changes: &changes)
            decider.complete(workflow: &workflow, taskAt: index, output: ["workflowId": .string(started.workflowId)])
        } catch let error as EngineError {
            decider.fail(workflow: &workflow, taskAt: index, reason: "Workflow \(name) could not start: \(error.message)")
        }
    }

    /// Passes a status change on to the workflow's children and parent: a parent's pause, resume or
    /// termination, and a SUB_WORKFLOW task's timeout, reach its running children (and theirs); a child's end
    /// moves its parent's task.
    func cascade(from original: Workflow, to workflow: Workflow, actor: String, decider: Decider,
                 in tx: any StoreTransaction, changes: inout Changes) throws {
        // Built at the first sub-workflow only: most workflows have none.
        lazy var before = Dictionary(original.tasks.map { ($0.taskId, $0) }, uniquingKeysWith: { first, _ in first })
        for task in workflow.tasks where task.workflowTask?.type == .subWorkflow {
            guard let childId = task.subWorkflowId else { continue }
            let wasLive = before[task.taskId].map { !$0.status.isTerminal } ?? false
            if wasLive, task.status == .canceled || task.status == .timedOut {
                let reason = task.status == .timedOut
                    ? "The parent workflow's task \(task.referenceTaskName) timed out: \(task.reasonForIncompletion ?? "")"
                    : workflow.reasonForIncompletion.flatMap {
                        $0.isEmpty ? nil : "Parent workflow has been terminated with reason: \($0)"
                    } ?? "Parent workflow has been terminated with status \(workflow.status.rawValue)"
                try change(childId, actor: actor, decider: decider, in: tx, changes: &changes) { child, decider, _ in
                    try decider.terminate(&child, reason: reason, triggerFailureWorkflow: false) ?? DecisionEffects()
                }
            } else if !task.status.isTerminal, original.status == .running, workflow.status == .paused {
                try change(childId, actor: actor, decider: decider, in: tx, changes: &changes) { child, decider, _ in
                    if child.status == .running { _ = try decider.pause(&child) }
                    return DecisionEffects()
                }
            } else if !task.status.isTerminal, original.status == .paused, workflow.status == .running {
                try change(childId, actor: actor, decider: decider, in: tx, changes: &changes) { child, decider, _ in
                    child.status == .paused ? try decider.resume(&child) : DecisionEffects()
                }
            }
        }
        if !original.status.isTerminal, workflow.status.isTerminal, let parentId = workflow.parentWorkflowId,
           let parentTaskId = workflow.parentWorkflowTaskId {
            try change(parentId, actor: actor, decider: decider, in: tx, changes: &changes) { parent, decider, _ in
                guard let index = parent.tasks.firstIndex(where: { $0.taskId == parentTaskId }),
                      !parent.tasks[index].status.isTerminal else { return DecisionEffects() }
                decider.follow(workflow, taskAt: index, in: &parent)
                return decider.decide(&parent)
            }
        }
    }

    /// Loads another workflow in the same transaction, changes it, and saves it (with its own cascades).
    func change(_ workflowId: String, actor: String, decider: Decider, in tx: any StoreTransaction,
                changes: inout Changes,
                _ body: (inout Workflow, Decider, inout Changes) throws -> DecisionEffects) throws {
        guard let original = try tx.workflow(id: workflowId, includeTasks: true) else { return }
        var workflow = original
        let effects = try body(&workflow, decider, &changes)
        try save(workflow, replacing: original, effects: effects, actor: actor, decider: decider, in: tx, changes: &changes)
    }

    /// Retries an ended workflow; with `resumingSubworkflows`, a failed SUB_WORKFLOW task's child is
    /// retried in place (recursively, down to the deepest failed child) instead of a new child starting.
    func retry(_ workflow: inout Workflow, resumingSubworkflows: Bool, actor: String, decider: Decider,
               in tx: any StoreTransaction, changes: inout Changes) throws -> DecisionEffects {
        var reopening: Set<String> = []
        if resumingSubworkflows {
            let failedStatuses: Set<WorkflowStatus> = [.failed, .timedOut, .terminated]
            let latest = Dictionary(workflow.tasks.map { ($0.referenceTaskName, $0) }) { $0.seq > $1.seq ? $0 : $1 }
            for task in latest.values where task.workflowTask?.type == .subWorkflow && task.status.isTerminal
                && !task.status.isSuccessful {
                guard let childId = task.subWorkflowId, let child = try tx.workflow(id: childId, includeTasks: false),
                      failedStatuses.contains(child.status) else { continue }
                try change(childId, actor: actor, decider: decider, in: tx, changes: &changes) { child, decider, changes in
                    try self.retry(&child, resumingSubworkflows: true, actor: actor, decider: decider, in: tx,
                                   changes: &changes)
                }
                reopening.insert(task.taskId)
            }
        }
        return try decider.retry(&workflow, reopening: reopening)
    }
}
