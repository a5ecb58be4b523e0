public import BatonModel
import BatonDecider
import BatonPersistence

extension Engine {
    /// Registers task definitions, replacing any with the same name.
    public func register(taskDefs: [TaskDef], actor: String = "anonymous") async throws(EngineError) {
        guard !taskDefs.isEmpty else { throw EngineError.invalid("TaskDef list cannot be empty") }
        let problems = taskDefs.flatMap { DefinitionValidator.problems(in: $0) }
        guard problems.isEmpty else { throw EngineError.invalid(problems.joined(separator: "; ")) }
        try await transaction { tx, _ in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            for var taskDef in taskDefs {
                taskDef.createTime = now
                taskDef.createdBy = taskDef.createdBy ?? actor
                taskDef.updateTime = nil
                taskDef.updatedBy = nil
                try tx.save(taskDef)
            }
        }
        handOutLimits.forget()
    }

    /// Updates a registered task definition, keeping its creation time.
    public func update(taskDef: TaskDef, actor: String = "anonymous") async throws(EngineError) {
        let problems = DefinitionValidator.problems(in: taskDef)
        guard problems.isEmpty else { throw EngineError.invalid(problems.joined(separator: "; ")) }
        try await transaction { tx, _ in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            guard let existing = try tx.taskDef(named: taskDef.name) else {
                throw EngineError.notFound("No such taskType found by name: \(taskDef.name)")
            }
            var updated = taskDef
            updated.createTime = existing.createTime
            updated.createdBy = existing.createdBy
            updated.updateTime = now
            updated.updatedBy = actor
            try tx.save(updated)
        }
        handOutLimits.forget()
    }

    /// The task definition named `name`.
    public func taskDef(named name: String) async throws(EngineError) -> TaskDef {
        guard let taskDef = try await reading({ try $0.taskDef(named: name) }) else {
            throw EngineError.notFound("No such taskType found by name: \(name)")
        }
        return taskDef
    }

    /// Every registered task definition.
    public func taskDefs() async throws(EngineError) -> [TaskDef] {
        try await reading { try $0.taskDefs() }
    }

    /// Deletes a task definition.
    public func deleteTaskDef(named name: String) async throws(EngineError) {
        try await transaction { tx, _ in
            guard try tx.deleteTaskDef(named: name) else {
                throw EngineError.notFound("No such taskType found by name: \(name)")
            }
        }
        handOutLimits.forget()
    }

    /// Registers a workflow definition; an existing name and version is a conflict unless `overwrite`.
    public func register(workflowDef: WorkflowDef, overwrite: Bool,
                         actor: String = "anonymous") async throws(EngineError) {
        let problems = DefinitionValidator.problems(in: workflowDef)
        guard problems.isEmpty else { throw EngineError.invalid(problems.joined(separator: "; ")) }
        try await transaction { tx, _ in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            let existing = try tx.workflowDef(named: workflowDef.name, version: workflowDef.version)
            if existing != nil, !overwrite {
                throw EngineError.conflict("Workflow with \(workflowDef.name).\(workflowDef.version) already exists!")
            }
            try tx.save(self.stamped(workflowDef, existing: existing, now: now, actor: actor))
        }
    }

    /// Creates or updates each definition independently, reporting per-name success or failure.
    public func upsert(workflowDefs: [WorkflowDef], actor: String = "anonymous") async throws(EngineError) -> BulkResponse {
        var response = BulkResponse()
        let now = clock.now()
        for definition in workflowDefs {
            let problems = DefinitionValidator.problems(in: definition)
            guard problems.isEmpty else {
                response.bulkErrorResults[definition.name] = problems.joined(separator: "; ")
                continue
            }
            do {
                try await transaction { tx, _ in
                    let existing = try tx.workflowDef(named: definition.name, version: definition.version)
                    try tx.save(self.stamped(definition, existing: existing, now: now, actor: actor))
                }
                response.bulkSuccessfulResults.append(definition.name)
            } catch {
                response.bulkErrorResults[definition.name] = error.message
            }
        }
        return response
    }

    func stamped(_ definition: WorkflowDef, existing: WorkflowDef?, now: Int64, actor: String) -> WorkflowDef {
        var stamped = definition
        if let existing {
            stamped.createTime = existing.createTime
            stamped.createdBy = existing.createdBy
            stamped.updateTime = now
            stamped.updatedBy = actor
        } else {
            stamped.createTime = now
            stamped.createdBy = definition.createdBy ?? actor
        }
        return stamped
    }

    /// The workflow definition `name` at `version`, or its latest version.
    public func workflowDef(named name: String, version: Int?) async throws(EngineError) -> WorkflowDef {
        guard let definition = try await reading({ try $0.workflowDef(named: name, version: version) }) else {
            throw EngineError.notFound("No such workflow found by name: \(name), version: \(version.map(String.init) ?? "latest")")
        }
        return definition
    }

    /// Every version of every workflow definition.
    public func workflowDefs() async throws(EngineError) -> [WorkflowDef] {
        try await reading { try $0.workflowDefs() }
    }

    /// Deletes one version of a workflow definition; executions already running keep their snapshot.
    public func deleteWorkflowDef(named name: String, version: Int) async throws(EngineError) {
        try await transaction { tx, _ in
            guard try tx.deleteWorkflowDef(named: name, version: version) else {
                throw EngineError.notFound("No such workflow found by name: \(name), version: \(version)")
            }
        }
    }
}

extension Engine {
    /// Checks a workflow definition without storing it.
    public func validate(_ workflowDef: WorkflowDef) throws(EngineError) {
        let problems = DefinitionValidator.problems(in: workflowDef)
        guard problems.isEmpty else { throw EngineError.invalid(problems.joined(separator: "; ")) }
    }
}
