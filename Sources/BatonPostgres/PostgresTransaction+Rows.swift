@_spi(Engine) import BatonModel
import BatonPersistence
import PostgresNIO

extension PostgresTransaction {
    func status(_ text: String) throws -> WorkflowStatus {
        guard let status = WorkflowStatus(rawValue: text) else { throw StoreError(.corrupt, "Unknown workflow status \(text)") }
        return status
    }

    func makeWorkflow(_ row: Columns) throws -> Workflow {
        let snapshot = try definitions.snapshot(forKey: try row["definition_key"], in: self)
        let id: String = try row["id"]
        var workflow = Workflow(workflowId: id, definition: snapshot.definition,
                                input: try payload(try row["input"], .workflowInput, of: id),
                                createTime: try row["create_time"])
        workflow.workflowName = try row["name"]
        workflow.workflowVersion = try row["version"]
        workflow.status = try status(try row["status"])
        workflow.correlationId = try row["correlation_id"]
        workflow.parentWorkflowId = try row["parent_workflow_id"]
        workflow.parentWorkflowTaskId = try row["parent_workflow_task_id"]
        workflow.reRunFromWorkflowId = try row["rerun_from_workflow_id"]
        workflow.idempotencyKey = try row["idempotency_key"]
        workflow.event = try row["event"]
        workflow.createdBy = try row["created_by"]
        workflow.priority = try row["priority"]
        workflow.updateTime = try row["update_time"]
        workflow.endTime = try row["end_time"]
        workflow.lastRetriedTime = try row["last_retried_time"]
        workflow.pausedAt = try row["paused_at"]
        workflow.pausedMillis = try row["paused_millis"]
        workflow.reasonForIncompletion = try row["reason"]
        workflow.output = try payload(try row["output"], .workflowOutput, of: id)
        workflow.variables = try JSONObject(parsingObject: try row["variables"] as String)
        workflow.taskToDomain = try JSONObject(parsingObject: try row["task_to_domain"] as String)
            .compactMapValues(\.stringValue)
        workflow.failedReferenceTaskNames = try JSONValue(parsing: try row["failed_reference_task_names"] as String)
            .arrayValue?.compactMap(\.stringValue) ?? []
        workflow.failedTaskNames = try JSONValue(parsing: try row["failed_task_names"] as String).arrayValue?
            .compactMap(\.stringValue) ?? []
        return workflow
    }

    func makeTask(_ row: Columns, nodes: [String: WorkflowTask], workflow: Workflow) throws -> TaskExecution {
        let statusText: String = try row["status"]
        guard let status = TaskStatus(rawValue: statusText) else { throw StoreError(.corrupt, "Unknown task status \(statusText)") }
        let reference: String = try row["reference_name"]
        var task = TaskExecution(taskId: try row["id"], taskType: try row["task_type"], taskDefName: try row["task_def_name"],
                        referenceTaskName: reference, workflowInstanceId: try row["workflow_id"], seq: try row["seq"],
                        scheduledTime: try row["scheduled_time"])
        task.status = status
        task.inputData = try payload(try row["input"], .taskInput, of: task.taskId)
        task.outputData = try payload(try row["output"], .taskOutput, of: task.taskId)
        task.workflowType = workflow.workflowName
        task.correlationId = workflow.correlationId
        task.retryCount = try row["retry_count"]
        task.retried = try row["retried"]
        task.retriedTaskId = try row["retried_task_id"]
        task.executed = try row["executed"]
        task.pollCount = try row["poll_count"]
        task.startTime = try row["start_time"]
        task.endTime = try row["end_time"]
        task.updateTime = try row["update_time"]
        task.firstStartTime = try row["first_start_time"]
        task.startDelayInSeconds = try row["start_delay_seconds"]
        task.callbackAfterSeconds = try row["callback_after_seconds"]
        task.responseTimeoutSeconds = try row["response_timeout_seconds"]
        task.workerId = try row["worker_id"]
        task.reasonForIncompletion = try row["reason"]
        task.domain = try row["domain"]
        task.workflowPriority = try row["workflow_priority"]
        task.iteration = try row["iteration"]
        task.subWorkflowId = try row["sub_workflow_id"]
        task.parentTaskId = try row["parent_task_id"]
        task.rateLimitPerFrequency = try row["rate_limit_per_frequency"]
        task.rateLimitFrequencyInSeconds = try row["rate_limit_frequency_seconds"]
        task.executionNameSpace = try row["execution_namespace"]
        task.isolationGroupId = try row["isolation_group_id"]
        task.waitUntil = try row["wait_until"]
        task.pausedMillis = try row["paused_millis"]
        task.workflowTask = nodes[reference] ?? nodes[TaskExecution.baseReferenceName(of: reference)]
        return task
    }

    /// The payload a column's text stands for (`StoredPayloads`).
    func payload(_ text: String, _ kind: PayloadKind, of owner: String) throws -> JSONObject {
        try payloads.payload(fromColumn: text, kind: kind, owner: owner) { version in
            try column(String.self, "SELECT json FROM payloads WHERE owner_id = $1 AND kind = $2 AND version = $3",
                       [owner, kind.rawValue, version]).first
        }
    }
}
