import HTTPTypes

/// Every endpoint Baton serves, each declared once; see `Endpoint`.
extension Endpoint {
    /// Every endpoint, in the API document's order.
    static let all: [Endpoint] = metadata + workflows + bulk + tasks + admin + scheduler + server

    // MARK: Definitions: `/api/metadata`.

    static let metadata: [Endpoint] = [
        registerTaskDefinitions, updateTaskDefinition, taskDefinitions, taskDefinition, deleteTaskDefinition,
        registerWorkflowDefinition, validateWorkflowDefinition, updateWorkflowDefinitions, workflowDefinitions,
        workflowNames, latestWorkflowDefinitions, workflowNamesAndVersions, workflowVersions, workflowDefinition,
        deleteWorkflowDefinition,
    ]

    static let registerTaskDefinitions = Endpoint(.post, "/api/metadata/taskdefs", .admin, tag: .metadata,
        summary: "Register task definitions", body: .arrayOf("TaskDef"))
    static let updateTaskDefinition = Endpoint(.put, "/api/metadata/taskdefs", .admin, tag: .metadata,
        summary: "Update a task definition", body: .schema("TaskDef"))
    static let taskDefinitions = Endpoint(.get, "/api/metadata/taskdefs", .read, tag: .metadata,
        summary: "All task definitions", reply: .arrayOf("TaskDef"))
    static let taskDefinition = Endpoint(.get, "/api/metadata/taskdefs/{taskType}", .read, tag: .metadata,
        summary: "One task definition", reply: .schema("TaskDef"))
    static let deleteTaskDefinition = Endpoint(.delete, "/api/metadata/taskdefs/{taskType}", .admin, tag: .metadata,
        summary: "Delete a task definition")
    static let registerWorkflowDefinition = Endpoint(.post, "/api/metadata/workflow", .admin, tag: .metadata,
        summary: "Register a workflow definition", query: [.boolean("overwrite", "Replace an existing version")],
        body: .schema("WorkflowDef"))
    static let validateWorkflowDefinition = Endpoint(.post, "/api/metadata/workflow/validate", .read, tag: .metadata,
        summary: "Validate a workflow definition without saving it", body: .schema("WorkflowDef"))
    static let updateWorkflowDefinitions = Endpoint(.put, "/api/metadata/workflow", .admin, tag: .metadata,
        summary: "Create or update workflow definitions", body: .arrayOf("WorkflowDef"), reply: .object)
    static let workflowDefinitions = Endpoint(.get, "/api/metadata/workflow", .read, tag: .metadata,
        summary: "All workflow definitions", reply: .arrayOf("WorkflowDef"))
    static let workflowNames = Endpoint(.get, "/api/metadata/workflow/names", .read, tag: .metadata,
        summary: "Workflow names", reply: .stringList)
    static let latestWorkflowDefinitions = Endpoint(.get, "/api/metadata/workflow/latest-versions", .read, tag: .metadata,
        summary: "The latest version of every workflow definition", reply: .arrayOf("WorkflowDef"))
    static let workflowNamesAndVersions = Endpoint(.get, "/api/metadata/workflow/names-and-versions", .read, tag: .metadata,
        summary: "Every workflow name with its versions", reply: .object)
    static let workflowVersions = Endpoint(.get, "/api/metadata/workflow/{name}/versions", .read, tag: .metadata,
        summary: "The versions of a workflow definition", reply: .array)
    static let workflowDefinition = Endpoint(.get, "/api/metadata/workflow/{name}", .read, tag: .metadata,
        summary: "A workflow definition (the latest version unless one is named)",
        query: [.integer("version", "The version")], reply: .schema("WorkflowDef"))
    static let deleteWorkflowDefinition = Endpoint(.delete, "/api/metadata/workflow/{name}/{version}", .admin, tag: .metadata,
        summary: "Delete a workflow definition version")

    // MARK: Executions: `/api/workflow`.

    static let workflows: [Endpoint] = [
        startWorkflow, startWorkflowByName, workflow, workflowStatus, workflowTasks, workflowEvents,
        correlatedWorkflows, correlatedWorkflowsByIds, runningWorkflows, searchWorkflows, searchWorkflowsFull,
        searchWorkflowsByTasks, searchWorkflowsByTasksFull, pauseWorkflow, resumeWorkflow, restartWorkflow,
        rerunWorkflow, retryWorkflow, terminateWorkflow, removeWorkflow, terminateAndRemoveWorkflow, decideWorkflow,
        skipTask, resetCallbacks, testWorkflow, executeWorkflow,
    ]

    static let startWorkflow = Endpoint(.post, "/api/workflow", .operate, tag: .workflow,
        summary: "Start a workflow", body: .schema("StartWorkflowRequest"), reply: .text)
    static let startWorkflowByName = Endpoint(.post, "/api/workflow/{id}", .operate, tag: .workflow,
        summary: "Start the workflow named {id} with the body as input",
        query: [.integer("version", "Definition version"), .string("correlationId", "Correlation id"),
                .integer("priority", "Priority 0-99")],
        body: .object, reply: .text)
    static let workflow = Endpoint(.get, "/api/workflow/{id}", .read, tag: .workflow,
        summary: "A workflow execution", query: [.boolean("includeTasks", "Include the tasks (default true)")],
        reply: .schema("Workflow"))
    static let workflowStatus = Endpoint(.get, "/api/workflow/{id}/status", .read, tag: .workflow,
        summary: "A workflow's status",
        query: [.boolean("includeOutput", "Include the output"), .boolean("includeVariables", "Include variables")],
        reply: .object)
    static let workflowTasks = Endpoint(.get, "/api/workflow/{id}/tasks", .read, tag: .workflow,
        summary: "A page of a workflow's tasks",
        query: [.string("status", "Comma-separated task statuses"), .integer("start", "Offset"), .integer("count", "Page size")],
        reply: .object)
    static let workflowEvents = Endpoint(.get, "/api/workflow/{id}/events", .read, tag: .workflow,
        summary: "The audit trail: every signal and state change", reply: .arrayOf("WorkflowEvent"))
    static let correlatedWorkflows = Endpoint(.get, "/api/workflow/{id}/correlated/{correlationId}", .read, tag: .workflow,
        summary: "Executions of workflow {id} with a correlation id",
        query: [.boolean("includeClosed", "Include ended ones"), .boolean("includeTasks", "Include tasks")],
        reply: .arrayOf("Workflow"))
    /// A read, though a POST: the body lists correlation ids.
    static let correlatedWorkflowsByIds = Endpoint(.post, "/api/workflow/{id}/correlated", .read, tag: .workflow,
        summary: "Executions of workflow {id} for each correlation id in the body",
        query: [.boolean("includeClosed", "Include ended ones"), .boolean("includeTasks", "Include tasks")],
        body: .stringList, reply: .object)
    static let runningWorkflows = Endpoint(.get, "/api/workflow/running/{name}", .read, tag: .workflow,
        summary: "Ids of running executions of a workflow",
        query: [.integer("version", "Definition version"), .integer("startTime", "From (epoch ms)"),
                .integer("endTime", "To (epoch ms)")],
        reply: .stringList)
    static let searchWorkflows = Endpoint(.get, "/api/workflow/search", .read, tag: .workflow,
        summary: "Search executions (summaries)", query: searchQuery, reply: .object)
    static let searchWorkflowsFull = Endpoint(.get, "/api/workflow/search-v2", .read, tag: .workflow,
        summary: "Search executions (full)", query: searchQuery, reply: .object)
    static let searchWorkflowsByTasks = Endpoint(.get, "/api/workflow/search-by-tasks", .read, tag: .workflow,
        summary: "Search executions holding a task that matches (summaries)", query: taskSearchQuery, reply: .object)
    static let searchWorkflowsByTasksFull = Endpoint(.get, "/api/workflow/search-by-tasks-v2", .read, tag: .workflow,
        summary: "Search executions holding a task that matches (full)", query: taskSearchQuery, reply: .object)
    static let pauseWorkflow = Endpoint(.put, "/api/workflow/{id}/pause", .operate, signal: .pause, tag: .workflow,
        summary: "Pause a workflow")
    static let resumeWorkflow = Endpoint(.put, "/api/workflow/{id}/resume", .operate, signal: .resume, tag: .workflow,
        summary: "Resume a paused workflow")
    static let restartWorkflow = Endpoint(.post, "/api/workflow/{id}/restart", .operate, signal: .restart, tag: .workflow,
        summary: "Restart an ended workflow from its first task",
        query: [.boolean("useLatestDefinitions", "Use the latest definitions")], status: "204")
    static let rerunWorkflow = Endpoint(.post, "/api/workflow/{id}/rerun", .operate, signal: .rerun, tag: .workflow,
        summary: "Rerun a workflow, from the start or from a task", body: .schema("RerunWorkflowRequest"), reply: .text)
    static let retryWorkflow = Endpoint(.post, "/api/workflow/{id}/retry", .operate, signal: .retry, tag: .workflow,
        summary: "Retry a failed workflow from its failed task",
        query: [.boolean("resumeSubworkflowTasks", "Retry inside failed sub-workflows")], status: "204")
    static let terminateWorkflow = Endpoint(.delete, "/api/workflow/{id}", .operate, signal: .terminate, tag: .workflow,
        summary: "Terminate a workflow",
        query: [.string("reason", "Why"), .boolean("triggerFailureWorkflow", "Start the failure workflow")])
    static let removeWorkflow = Endpoint(.delete, "/api/workflow/{id}/remove", .admin, tag: .workflow,
        summary: "Remove a workflow execution")
    static let terminateAndRemoveWorkflow = Endpoint(.delete, "/api/workflow/{id}/terminate-remove", .admin, tag: .workflow,
        summary: "Terminate, then remove a workflow execution", query: [.string("reason", "Why")])
    static let decideWorkflow = Endpoint(.put, "/api/workflow/decide/{id}", .operate, tag: .workflow,
        summary: "Decide a workflow now")
    static let skipTask = Endpoint(.put, "/api/workflow/{id}/skiptask/{taskReferenceName}", .operate, tag: .workflow,
        summary: "Skip a task the workflow has not reached yet", body: .schema("SkipTaskRequest"))
    static let resetCallbacks = Endpoint(.post, "/api/workflow/{id}/resetcallbacks", .operate, tag: .workflow,
        summary: "Make SCHEDULED tasks waiting out a callback ready to be polled now", status: "204")
    /// ADMIN: its body carries a definition to run, as an inline `workflowDef` start does.
    static let testWorkflow = Endpoint(.post, "/api/workflow/test", .admin, tag: .workflow,
        summary: "Dry-run a workflow with mocked task results, stored nowhere (ADMIN)",
        body: .schema("WorkflowTestRequest"), reply: .schema("Workflow"))
    static let executeWorkflow = Endpoint(.post, "/api/workflow/execute/{name}/{version}", .operate, tag: .workflow,
        summary: "Start a workflow and wait until it ends, blocks or reaches a task (version 0: latest)",
        query: [.string("requestId", "Echoed in the reply"),
                .string("waitUntilTaskRef", "Comma-separated reference names to wait for"),
                .integer("waitForSeconds", "Longest wait (default 10)"), returnStrategyQuery],
        body: .schema("StartWorkflowRequest"), reply: .schema("SignalResponse"))

    // MARK: Bulk signals: `/api/workflow/bulk`.

    static let bulk: [Endpoint] = [
        bulkPause, bulkResume, bulkRestart, bulkRetry, bulkTerminate, bulkRemove, bulkDelete, bulkTerminateAndRemove,
    ]

    static let bulkPause = Endpoint(.put, "/api/workflow/bulk/pause", .operate, signal: .pause, tag: .bulk,
        summary: "Pause workflows", body: .stringList, reply: .schema("BulkResponse"))
    static let bulkResume = Endpoint(.put, "/api/workflow/bulk/resume", .operate, signal: .resume, tag: .bulk,
        summary: "Resume workflows", body: .stringList, reply: .schema("BulkResponse"))
    static let bulkRestart = Endpoint(.post, "/api/workflow/bulk/restart", .operate, signal: .restart, tag: .bulk,
        summary: "Restart workflows", query: [.boolean("useLatestDefinitions", "Use the latest definitions")],
        body: .stringList, reply: .schema("BulkResponse"))
    static let bulkRetry = Endpoint(.post, "/api/workflow/bulk/retry", .operate, signal: .retry, tag: .bulk,
        summary: "Retry workflows", body: .stringList, reply: .schema("BulkResponse"))
    static let bulkTerminate = Endpoint(.post, "/api/workflow/bulk/terminate", .operate, signal: .terminate, tag: .bulk,
        summary: "Terminate workflows",
        query: [.string("reason", "Why"), .boolean("triggerFailureWorkflow", "Start failure workflows")],
        body: .stringList, reply: .schema("BulkResponse"))
    static let bulkRemove = Endpoint(.delete, "/api/workflow/bulk/remove", .admin, tag: .bulk,
        summary: "Remove workflows", body: .stringList, reply: .schema("BulkResponse"))
    static let bulkDelete = Endpoint(.post, "/api/workflow/bulk/delete", .admin, tag: .bulk,
        summary: "Remove workflows", body: .stringList, reply: .schema("BulkResponse"))
    static let bulkTerminateAndRemove = Endpoint(.delete, "/api/workflow/bulk/terminate-remove", .admin, tag: .bulk,
        summary: "Terminate, then remove workflows", query: [.string("reason", "Why")], body: .stringList,
        reply: .schema("BulkResponse"))

    // MARK: Tasks and queues: `/api/tasks`.

    static let tasks: [Endpoint] = [
        pollTask, pollTaskBatch, updateTask, updateTasks, updateTaskAndPoll, updateTaskByReference,
        updateTaskByReferenceSync, signalWorkflow, signalWorkflowSync, searchTasks, searchTasksFull, queueSizes,
        queueSize, allQueueSizes, pollData, allQueuesVerbose, allPollData, requeueTasks, task, taskLogs, addTaskLog,
    ]

    static let pollTask = Endpoint(.get, "/api/tasks/poll/{taskType}", .work, tag: .tasks,
        summary: "Poll one task (204 when none)",
        query: [.string("workerid", "Worker id"), .string("domain", "Domain")], reply: .schema("Task"), mayReplyNoContent: true)
    static let pollTaskBatch = Endpoint(.get, "/api/tasks/poll/batch/{taskType}", .work, tag: .tasks,
        summary: "Long-poll a batch of tasks",
        query: [.string("workerid", "Worker id"), .string("domain", "Domain"), .integer("count", "Most tasks"),
                .integer("timeout", "Longest wait, ms")],
        reply: .arrayOf("Task"), mayReplyNoContent: true)
    static let updateTask = Endpoint(.post, "/api/tasks", .work, tag: .tasks,
        summary: "Report a task's result", body: .schema("TaskResult"), reply: .text)
    static let updateTasks = Endpoint(.post, "/api/tasks/batch", .work, tag: .tasks,
        summary: "Report many tasks' results, each on its own (Baton's; at most 1000)", body: .arrayOf("TaskResult"),
        reply: .schema("BulkResponse"))
    static let updateTaskAndPoll = Endpoint(.post, "/api/tasks/update-v2", .work, tag: .tasks,
        summary: "Report a result and poll the next task of the type", body: .schema("TaskResult"),
        reply: .schema("Task"), mayReplyNoContent: true)
    /// A worker, or an operator signalling a WAIT or HUMAN task without reading the workflow back.
    static let updateTaskByReference = Endpoint(.post, "/api/tasks/{id}/{taskRefName}/{status}", .workOrOperate,
        signal: .taskByReference, tag: .tasks,
        summary: "Complete or fail workflow {id}'s task by reference name, the body as output",
        query: [.string("workerid", "Worker id")], body: .object, reply: .text)
    /// OPERATOR: it answers the whole workflow, which a worker key never reads.
    static let updateTaskByReferenceSync = Endpoint(.post, "/api/tasks/{id}/{taskRefName}/{status}/sync", .operate,
        signal: .taskByReference, tag: .tasks,
        summary: "As above, answering with the workflow", query: [.string("workerid", "Worker id")], body: .object,
        reply: .schema("Workflow"))
    static let signalWorkflow = Endpoint(.post, "/api/tasks/{id}/{taskRefName}/signal", .operate, tag: .tasks,
        summary: "Conductor's {workflowId}/{status}/signal ({taskRefName} holds the status): complete or fail the "
            + "task workflow {id} is blocked on (in it or a sub-workflow)",
        body: .object)
    static let signalWorkflowSync = Endpoint(.post, "/api/tasks/{id}/{taskRefName}/signal/sync", .operate, tag: .tasks,
        summary: "As above, answering once the workflow ends or blocks again",
        query: [returnStrategyQuery, .integer("timeoutMillis", "Longest wait, ms (default 5000)")], body: .object,
        reply: .schema("SignalResponse"))
    static let searchTasks = Endpoint(.get, "/api/tasks/search", .read, tag: .tasks,
        summary: "Search task attempts (summaries)", query: taskSearchQuery, reply: .object)
    static let searchTasksFull = Endpoint(.get, "/api/tasks/search-v2", .read, tag: .tasks,
        summary: "Search task attempts (full)", query: taskSearchQuery, reply: .object)
    static let queueSizes = Endpoint(.get, "/api/tasks/queue/sizes", .read, tag: .tasks,
        summary: "Queue sizes by task type", query: [.string("taskType", "Task types (repeat or comma-separate)")],
        reply: .object)
    static let queueSize = Endpoint(.get, "/api/tasks/queue/size", .read, tag: .tasks,
        summary: "One queue's size",
        query: [.string("taskType", "Task type", required: true), .string("domain", "Domain"),
                .string("executionNamespace", "Namespace"), .string("isolationGroupId", "Isolation group")],
        reply: .integer)
    static let allQueueSizes = Endpoint(.get, "/api/tasks/queue/all", .read, tag: .tasks,
        summary: "Every non-empty queue's size", reply: .object)
    static let pollData = Endpoint(.get, "/api/tasks/queue/polldata", .read, tag: .tasks,
        summary: "When workers last polled", query: [.string("taskType", "Task type", required: true)], reply: .array)
    static let allQueuesVerbose = Endpoint(.get, "/api/tasks/queue/all/verbose", .read, tag: .tasks,
        summary: "Every queue's size and running tasks: {queue: {\"a\": {size, uacked}}}", reply: .object)
    static let allPollData = Endpoint(.get, "/api/tasks/queue/polldata/all", .read, tag: .tasks,
        summary: "When workers last polled, every queue", reply: .array)
    static let requeueTasks = Endpoint(.post, "/api/tasks/queue/requeue/{taskType}", .admin, tag: .tasks,
        summary: "Put back SCHEDULED tasks of the type that lost their queue entry; answers how many", reply: .text)
    static let task = Endpoint(.get, "/api/tasks/{id}", .read, tag: .tasks, summary: "A task", reply: .schema("Task"))
    static let taskLogs = Endpoint(.get, "/api/tasks/{id}/log", .read, tag: .tasks,
        summary: "A task's logs", reply: .array, mayReplyNoContent: true)
    static let addTaskLog = Endpoint(.post, "/api/tasks/{id}/log", .work, tag: .tasks,
        summary: "Add a line to a task's log", body: .text, mayReplyNoContent: true)

    // MARK: Operators: `/api/admin`.

    static let admin: [Endpoint] = [
        serverConfiguration, pendingTasks, sweepWorkflow, repairWorkflow, eventQueues,
    ]

    static let serverConfiguration = Endpoint(.get, "/api/admin/config", .admin, tag: .admin,
        summary: "The server's settings (no secrets)", reply: .object)
    static let pendingTasks = Endpoint(.get, "/api/admin/task/{tasktype}", .admin, tag: .admin,
        summary: "The SCHEDULED and IN_PROGRESS tasks of a type in live workflows, oldest first",
        query: [.integer("start", "Offset"), .integer("count", "Page size (default 100)")], reply: .array)
    static let sweepWorkflow = Endpoint(.post, "/api/admin/sweep/requeue/{workflowId}", .admin, tag: .admin,
        summary: "Make a workflow due for the sweeper now; answers true.{workflowId}", reply: .text)
    static let repairWorkflow = Endpoint(.post, "/api/admin/consistency/verifyAndRepair/{workflowId}", .admin, tag: .admin,
        summary: "Mend a workflow's queue entries and wake-up; answers whether anything needed mending", reply: .text)
    static let eventQueues = Endpoint(.get, "/api/admin/queues", .admin, tag: .admin,
        summary: "Event queues (none: event handlers are not supported yet)", reply: .object)

    // MARK: Schedules: `/api/scheduler`.

    static let scheduler: [Endpoint] = [
        saveSchedule, schedules, searchSchedules, schedule, deleteSchedule, pauseSchedule, resumeSchedule,
        bulkPauseSchedules, bulkResumeSchedules, nextFireTimes, pauseScheduling, resumeScheduling, searchScheduleExecutions,
    ]

    static let saveSchedule = Endpoint(.post, "/api/scheduler/schedules", .operate, tag: .scheduler,
        summary: "Create or replace a schedule (by name); an inline workflowDef needs ADMIN",
        body: .schema("WorkflowSchedule"), reply: .schema("WorkflowSchedule"))
    static let schedules = Endpoint(.get, "/api/scheduler/schedules", .read, tag: .scheduler,
        summary: "Every schedule, or those that start one workflow", query: [.string("workflowName", "The workflow's name")],
        reply: .arrayOf("WorkflowSchedule"))
    static let searchSchedules = Endpoint(.get, "/api/scheduler/schedules/search", .read, tag: .scheduler,
        summary: "Search schedules",
        query: [.string("workflowName", "The workflow's name"), .string("scheduleName", "Part of the schedule's name"),
                .boolean("paused", "Paused or not"), .string("freeText", "Text in the name, description or workflow name"),
                .integer("start", "Offset"), .integer("size", "Page size (default 100)"),
                .string("sort", "name, nextRunTime, createTime or updatedTime, with :ASC or :DESC")],
        reply: .schema("SearchResultWorkflowSchedule"))
    static let schedule = Endpoint(.get, "/api/scheduler/schedules/{name}", .read, tag: .scheduler,
        summary: "A schedule, with its next run time", reply: .schema("WorkflowSchedule"))
    static let deleteSchedule = Endpoint(.delete, "/api/scheduler/schedules/{name}", .operate, tag: .scheduler,
        summary: "Delete a schedule and its execution records")
    static let pauseSchedule = Endpoint(.put, "/api/scheduler/schedules/{name}/pause", .operate, tag: .scheduler,
        summary: "Pause a schedule", query: [.string("reason", "Why, shown with the schedule")])
    static let resumeSchedule = Endpoint(.put, "/api/scheduler/schedules/{name}/resume", .operate, tag: .scheduler,
        summary: "Resume a paused schedule from now (missed slots are not caught up)")
    static let bulkPauseSchedules = Endpoint(.put, "/api/scheduler/bulk/pause", .operate, tag: .scheduler,
        summary: "Pause up to 1000 schedules, each on its own", body: .stringList, reply: .schema("BulkResponse"))
    static let bulkResumeSchedules = Endpoint(.put, "/api/scheduler/bulk/resume", .operate, tag: .scheduler,
        summary: "Resume up to 1000 schedules, each on its own", body: .stringList, reply: .schema("BulkResponse"))
    static let pauseScheduling = Endpoint(.get, "/api/scheduler/admin/pause", .admin, tag: .scheduler,
        summary: "Stop firing schedules on this server (others on the same database go on)", reply: .object)
    static let resumeScheduling = Endpoint(.get, "/api/scheduler/admin/resume", .admin, tag: .scheduler,
        summary: "Fire schedules on this server again", reply: .object)
    static let searchScheduleExecutions = Endpoint(.get, "/api/scheduler/search/executions", .read, tag: .scheduler,
        summary: "What schedules' slots did: the workflow each started, or why not",
        query: [.string("query", "e.g. scheduleName IN (a,b) AND state IN (FAILED) AND scheduledTime>1700000000000"),
                .string("freeText", "Text in the schedule or workflow name, the workflow id or the reason"),
                .integer("start", "Offset"), .integer("size", "Page size (default 100)"),
                .string("sort", "scheduledTime, executionTime, scheduleName, workflowName or state, with :ASC or :DESC")],
        reply: .schema("SearchResultScheduleExecution"))

    static let nextFireTimes = Endpoint(.get, "/api/scheduler/nextFewSchedules", .read, tag: .scheduler,
        summary: "The next fire times of a cron expression (epoch ms, at most 5)",
        query: [.string("cronExpression", "Spring's six-field cron expression, e.g. 0 0 9 * * MON-FRI", required: true),
                .string("zoneId", "The time zone the expression is read in (Baton's; default UTC, as Conductor)"),
                .integer("scheduleStartTime", "None before this (epoch ms)"),
                .integer("scheduleEndTime", "None after this (epoch ms)"), .integer("limit", "How many (at most 5)")],
        reply: .array)

    // MARK: The server: health, version, metrics, tokens, this document.

    static let server: [Endpoint] = [
        health, apiHealth, version, metrics, token, openAPIDocument, openAPIPage,
    ]

    static let health = Endpoint(.get, "/health", .open, tag: .server,
        summary: "Whether the server can read its database", reply: .object)
    static let apiHealth = Endpoint(.get, "/api/health", .open, tag: .server,
        summary: "Whether the server can read its database", reply: .object)
    static let version = Endpoint(.get, "/api/version", .open, tag: .server,
        summary: "The server version", reply: .text)
    static let metrics = Endpoint(.get, "/metrics", .open, tag: .server,
        summary: "Metrics in Prometheus' text format", reply: .text)
    static let token = Endpoint(.post, "/api/token", .open, tag: .server,
        summary: "Exchange a key id and secret for a token (404 when auth is off)", body: .schema("TokenRequest"),
        reply: .schema("TokenResponse"))
    static let openAPIDocument = Endpoint(.get, "/api/openapi.json", .open, tag: .server,
        summary: "This document", reply: .object)
    static let openAPIPage = Endpoint(.get, "/api/docs", .open, tag: .server,
        summary: "This document as a web page", reply: .html)

    // MARK: Query parameters several endpoints take

    static let returnStrategyQuery = Query.string(
        "returnStrategy", "TARGET_WORKFLOW (default), BLOCKING_WORKFLOW, BLOCKING_TASK or BLOCKING_TASK_INPUT")

    static let searchQuery: [Query] = [
        .string("query", "Conductor's structured query, e.g. workflowType IN (a,b) AND status = RUNNING"),
        .string("freeText", "Free text"), .string("sort", "field, field:ASC or field:DESC"),
        .integer("start", "Offset"), .integer("size", "Page size, at most 5000"),
        .boolean("topLevelOnly", "Exclude sub-workflows"),
    ]

    static let taskSearchQuery: [Query] = [
        .string("query", "Conductor's structured query over task fields, e.g. taskType = charge AND status = FAILED"),
        .string("freeText", "Free text"), .string("sort", "field, field:ASC or field:DESC"),
        .integer("start", "Offset"), .integer("size", "Page size, at most 5000"),
    ]
}
