@_spi(Engine) import BatonModel
import BatonPersistence
import GRDB

extension SQLiteTransaction {
    // MARK: - Payloads apart

    /// The column text for `kind` payload `payload` of `owner` (a workflow, or a task of `workflowId`), storing it
    /// apart when it is large; a payload apart of the value it replaces goes when the new one is inline.
    func columnText(_ payload: JSONObject, _ kind: PayloadKind, of owner: String, in workflowId: String? = nil,
                    replacing previous: JSONObject?) throws -> String {
        let text = try payloads.columnText(for: payload, kind: kind, owner: owner) { version, json in
            try db.cachedStatement(sql: """
                INSERT INTO payloads (owner_id, kind, workflow_id, version, json) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (owner_id, kind) DO UPDATE SET version = excluded.version, json = excluded.json
                """).run(owner, kind.rawValue, workflowId ?? owner, version, json)
        }
        // Only a non-empty value can have been large: an empty one (most replaced outputs) needs no look.
        if let previous, !previous.isEmpty, !StoredPayloads.isReference(text) {
            try db.cachedStatement(sql: "DELETE FROM payloads WHERE owner_id = ? AND kind = ?").run(owner, kind.rawValue)
        }
        return text
    }

    /// The payload a column's text stands for (`StoredPayloads`).
    func payload(_ text: String, _ kind: PayloadKind, of owner: String) throws -> JSONObject {
        try payloads.payload(fromColumn: text, kind: kind, owner: owner) { version in
            try String.fetchOne(db.cachedStatement(sql: "SELECT json FROM payloads WHERE owner_id = ? AND kind = ? AND version = ?"),
                                arguments: [owner, kind.rawValue, version])
        }
    }

    // MARK: - Rows to models

    func status(_ text: String) throws -> WorkflowStatus {
        guard let status = WorkflowStatus(rawValue: text) else { throw StoreError(.corrupt, "Unknown workflow status \(text)") }
        return status
    }

    /// A workflow from a row selected with `WorkflowColumn.selectList`.
    func makeWorkflow(_ row: StatementRow) throws -> Workflow {
        try makeWorkflow(row, snapshot: definitions.snapshot(forKey: WorkflowRow(row: row)[.definitionKey], in: db))
    }

    func makeWorkflow(_ row: StatementRow, snapshot: DefinitionSnapshots.Snapshot) throws -> Workflow {
        let row = WorkflowRow(row: row)
        let id: String = try row[.id]
        var workflow = Workflow(workflowId: id, definition: snapshot.definition,
                                input: try payload(row[.input], .workflowInput, of: id), createTime: try row[.createTime])
        workflow.workflowName = try row[.name]
        workflow.workflowVersion = try row[.version]
        workflow.status = try status(try row[.status])
        workflow.correlationId = row[.correlationId]
        workflow.parentWorkflowId = row[.parentWorkflowId]
        workflow.parentWorkflowTaskId = row[.parentWorkflowTaskId]
        workflow.reRunFromWorkflowId = row[.rerunFromWorkflowId]
        workflow.idempotencyKey = row[.idempotencyKey]
        workflow.event = row[.event]
        workflow.createdBy = row[.createdBy]
        workflow.priority = try row[.priority]
        workflow.updateTime = try row[.updateTime]
        workflow.endTime = try row[.endTime]
        workflow.lastRetriedTime = try row[.lastRetriedTime]
        workflow.pausedAt = try row[.pausedAt]
        workflow.pausedMillis = try row[.pausedMillis]
        workflow.reasonForIncompletion = row[.reason]
        workflow.output = try payload(row[.output], .workflowOutput, of: id)
        workflow.variables = try JSONObject(parsingObject: row[.variables])
        workflow.taskToDomain = try JSONObject(parsingObject: row[.taskToDomain]).compactMapValues(\.stringValue)
        workflow.failedReferenceTaskNames = try JSONValue(parsing: row[.failedReferenceTaskNames]).arrayValue?
            .compactMap(\.stringValue) ?? []
        workflow.failedTaskNames = try JSONValue(parsing: row[.failedTaskNames]).arrayValue?.compactMap(\.stringValue) ?? []
        return workflow
    }

    /// A task from a row selected with `TaskColumn.selectList` (first).
    func makeTask(_ row: StatementRow, nodes: [String: WorkflowTask], workflowName: String, correlationId: String?) throws -> TaskExecution {
        let row = TaskRow(row: row)
        let statusText: String = try row[.status]
        guard let status = TaskStatus(rawValue: statusText) else { throw StoreError(.corrupt, "Unknown task status \(statusText)") }
        let reference: String = try row[.referenceName]
        var task = TaskExecution(taskId: try row[.id], taskType: try row[.taskType], taskDefName: try row[.taskDefName],
                        referenceTaskName: reference, workflowInstanceId: try row[.workflowId], seq: try row[.seq],
                        scheduledTime: try row[.scheduledTime])
        task.status = status
        task.inputData = try payload(row[.input], .taskInput, of: task.taskId)
        task.outputData = try payload(row[.output], .taskOutput, of: task.taskId)
        task.workflowType = workflowName
        task.correlationId = correlationId
        task.retryCount = try row[.retryCount]
        task.retried = try row[.retried]
        task.retriedTaskId = row[.retriedTaskId]
        task.executed = try row[.executed]
        task.pollCount = try row[.pollCount]
        task.startTime = try row[.startTime]
        task.endTime = try row[.endTime]
        task.updateTime = try row[.updateTime]
        task.firstStartTime = try row[.firstStartTime]
        task.startDelayInSeconds = try row[.startDelaySeconds]
        task.callbackAfterSeconds = try row[.callbackAfterSeconds]
        task.responseTimeoutSeconds = try row[.responseTimeoutSeconds]
        task.workerId = row[.workerId]
        task.reasonForIncompletion = row[.reason]
        task.domain = row[.domain]
        task.workflowPriority = try row[.workflowPriority]
        task.iteration = try row[.iteration]
        task.subWorkflowId = row[.subWorkflowId]
        task.parentTaskId = row[.parentTaskId]
        task.rateLimitPerFrequency = try row[.rateLimitPerFrequency]
        task.rateLimitFrequencyInSeconds = try row[.rateLimitFrequencySeconds]
        task.executionNameSpace = row[.executionNamespace]
        task.isolationGroupId = row[.isolationGroupId]
        task.waitUntil = try row[.waitUntil]
        task.pausedMillis = try row[.pausedMillis]
        task.workflowTask = nodes[reference] ?? nodes[TaskExecution.baseReferenceName(of: reference)]
        return task
    }
}
