public import BatonModel
import BatonDecider
import BatonPersistence
import Logging

extension Engine {
    /// Starts a workflow and returns its id. The first tasks are scheduled before this returns.
    ///
    /// With an `idempotencyKey`, a workflow already started with that key is handled per the
    /// request's `idempotencyStrategy` (FAIL when none is given).
    public func start(_ request: StartWorkflowRequest, actor: String = "anonymous") async throws(EngineError) -> String {
        let name = try Self.validatedName(of: request)
        return try await transaction { tx, changes in
            // The time the transaction runs, not when it was asked for.
            try self.createWorkflow(request, name: name, actor: actor, decider: self.decider(at: self.clock.now()), in: tx,
                                    changes: &changes).workflowId
        }
    }

    /// Creates, decides and saves a new execution inside a transaction; returns it as saved.
    func createWorkflow(_ request: StartWorkflowRequest, name: String, actor: String, decider: Decider,
                        parent: (workflowId: String, taskId: String)? = nil,
                        in tx: any StoreTransaction, changes: inout Changes) throws -> Workflow {
        if let key = request.idempotencyKey, !key.isEmpty, let existing = try tx.workflow(idempotencyKey: key) {
            switch request.idempotencyStrategy ?? .fail {
            case .returnExisting:
                guard let found = try tx.workflow(id: existing.id, includeTasks: true) else {
                    throw EngineError.notFound("No such workflow found by id: \(existing.id)")
                }
                return found
            case .fail:
                throw EngineError.conflict("Workflow \(existing.id) was already started with idempotencyKey '\(key)' "
                    + "(idempotencyStrategy FAIL)")
            case .failOnRunning where !existing.status.isTerminal:
                throw EngineError.conflict("Workflow \(existing.id) with idempotencyKey '\(key)' is still "
                    + "\(existing.status.rawValue) (idempotencyStrategy FAIL_ON_RUNNING)")
            case .failOnRunning:
                break
            }
        }
        var workflow = try newExecution(request, name: name, decider: decider, reading: tx)
        workflow.parentWorkflowId = parent?.workflowId
        workflow.parentWorkflowTaskId = parent?.taskId
        var effects = decider.decide(&workflow)
        effects.notes.insert(DecisionNote(kind: .workflowStarted,
                                          detail: "\(workflow.workflowName) version \(workflow.workflowVersion)"), at: 0)
        return try save(workflow, replacing: nil, effects: effects, actor: actor, decider: decider, in: tx,
                        changes: &changes)
    }

    /// The name of the workflow a start request names, once its priority and inline definition are found valid.
    static func validatedName(of request: StartWorkflowRequest) throws(EngineError) -> String {
        guard let name = request.name ?? request.workflowDef?.name, !name.isEmpty else {
            throw EngineError.invalid("Workflow name cannot be null or empty")
        }
        if let priority = request.priority, !(0...99).contains(priority) {
            throw EngineError.invalid("priority: \(priority) must be between 0 and 99")
        }
        if let inline = request.workflowDef {
            let problems = DefinitionValidator.problems(in: inline)
            if !problems.isEmpty { throw EngineError.invalid(problems.joined(separator: "; ")) }
        }
        return name
    }

    /// A new execution of the request's definition (inline, or registered under `name`), not yet decided or saved.
    func newExecution(_ request: StartWorkflowRequest, name: String, decider: Decider,
                      reading tx: any StoreReader) throws -> Workflow {
        let registered: WorkflowDef
        if let inline = request.workflowDef {
            registered = inline
        } else if let found = try tx.workflowDef(named: name, version: request.version) {
            registered = found
        } else {
            let version = request.version.map(String.init) ?? "latest"
            throw EngineError.notFound("No such workflow defined. name=\(name), version=\(version)")
        }
        let definition = try withTaskDefinitions(registered, from: tx)
        var input = request.input
        for (key, value) in definition.inputTemplate where input[key] == nil { input[key] = value }
        try refuseOversized(input)
        var workflow = Workflow(workflowId: makeId(), definition: definition, input: input, createTime: decider.now)
        workflow.correlationId = request.correlationId
        workflow.priority = request.priority ?? 0
        workflow.taskToDomain = request.taskToDomain
        workflow.idempotencyKey = request.idempotencyKey.flatMap { $0.isEmpty ? nil : $0 }
        workflow.createdBy = request.createdBy
        return workflow
    }

    /// Refuses a workflow input larger than the workflow input maximum (413), with Conductor's message and the
    /// setting's name.
    func refuseOversized(_ input: JSONObject) throws(EngineError) {
        let limit = limits.payloads.workflowInput.maximum
        guard let size = input.jsonSize(exceeding: limit) else { return }
        throw EngineError(.tooLarge, "The payload size: \(size) of the workflow input is greater than the permissible "
            + "limit: \(limit) bytes (\(PayloadKind.workflowInput.maximumName))")
    }

    /// The definition with each node's registered task definition attached, system nodes' too, as Conductor
    /// does (an ad-hoc one with Conductor's defaults when none is registered), so the execution keeps running
    /// on the definitions it started with.
    func withTaskDefinitions(_ definition: WorkflowDef, from tx: any StoreReader) throws -> WorkflowDef {
        var registered: [String: TaskDef?] = [:]
        func lookUp(_ name: String) throws -> TaskDef? {
            if let known = registered[name] { return known }
            let found = try tx.taskDef(named: name)
            registered[name] = found
            return found
        }
        func attach(_ nodes: [WorkflowTask]) throws -> [WorkflowTask] {
            try nodes.map { original in
                var node = original
                if node.taskDefinition == nil {
                    // Conductor's ad-hoc definitions: SIMPLE tasks retry 3 times, system tasks not at all.
                    let adHoc = switch node.type {
                    case .simple, .dynamic: TaskDef(name: node.name)
                    case _ where TaskKind(node.type).isWorkerTask:
                        TaskDef(name: node.name, retryCount: 0, responseTimeoutSeconds: 600)
                    default: TaskDef(name: node.name, retryCount: 0, responseTimeoutSeconds: 0)
                    }
                    node.taskDefinition = try lookUp(node.name) ?? adHoc
                }
                node.decisionCases = try node.decisionCases.mapValues(attach)
                node.defaultCase = try attach(node.defaultCase)
                node.forkTasks = try node.forkTasks.map(attach)
                node.loopOver = try attach(node.loopOver)
                return node
            }
        }
        var result = definition
        result.tasks = try attach(definition.tasks)
        return result
    }

    /// Starts the failure workflow of `workflow`; returns its id, or an error text when it could not start.
    func startFailureWorkflow(_ failure: FailureWorkflowStart, for workflow: Workflow, decider: Decider,
                              in tx: any StoreTransaction, changes: inout Changes) throws -> String {
        var request = StartWorkflowRequest(name: failure.name, version: failure.version, input: failure.input,
                                           correlationId: failure.correlationId, taskToDomain: failure.taskToDomain)
        request.createdBy = "baton"
        do {
            let id = try createWorkflow(request, name: failure.name, actor: "baton", decider: decider, in: tx,
                                        changes: &changes).workflowId
            try tx.append(WorkflowEvent(workflowId: workflow.workflowId, time: decider.now, kind: "failure_workflow.started",
                                        actor: "baton", detail: id))
            return id
        } catch let error as EngineError {
            changes.log(.warning, "Failure workflow could not start",
                        metadata: ["baton.workflow.id": "\(workflow.workflowId)", "baton.error": "\(error.message)"])
            try tx.append(WorkflowEvent(workflowId: workflow.workflowId, time: decider.now, kind: "failure_workflow.failed",
                                        actor: "baton", detail: error.message))
            return "Error starting failure workflow \(failure.name): \(error.message)"
        }
    }
}
