import BatonModel
import Foundation

/// The OpenAPI 3 document of Baton's HTTP API, served at `/api/openapi.json`. Kept true by a test that
/// fails when a route registered in `BatonRouter` is missing here.
public enum OpenAPIDocument {
    /// A query parameter.
    struct Query {
        var name: String
        var type: String
        var description: String
        var required = false

        static func string(_ name: String, _ description: String, required: Bool = false) -> Query {
            Query(name: name, type: "string", description: description, required: required)
        }
        static func integer(_ name: String, _ description: String) -> Query {
            Query(name: name, type: "integer", description: description)
        }
        static func boolean(_ name: String, _ description: String) -> Query {
            Query(name: name, type: "boolean", description: description)
        }
    }

    /// What a body or a reply holds: a schema reference, a JSON type, plain text or nothing.
    enum Payload {
        case schema(String)
        case arrayOf(String)
        case object
        case stringList
        case array
        case integer
        case text
        case html
        case none

        var json: JSONValue? {
            switch self {
            case .schema(let name): ["$ref": .string("#/components/schemas/\(name)")]
            case .arrayOf(let name): ["type": "array", "items": ["$ref": .string("#/components/schemas/\(name)")]]
            case .object: ["type": "object"]
            case .stringList: ["type": "array", "items": ["type": "string"]]
            case .array: ["type": "array"]
            case .integer: ["type": "integer"]
            case .text, .html: ["type": "string"]
            case .none: nil
            }
        }
    }

    /// One operation: a method on a path.
    struct Operation {
        var method: String
        var path: String
        var tag: String
        var summary: String
        var query: [Query] = []
        var body: Payload = .none
        var reply: Payload = .none
        var status = "200"
    }

    static let workflowTag = "workflow"
    static let bulkTag = "workflow-bulk"
    static let taskTag = "tasks"
    static let metadataTag = "metadata"
    static let serverTag = "server"
    static let adminTag = "admin"

    /// Every operation Baton serves.
    static let operations: [Operation] = metadataOperations + workflowOperations + bulkOperations + taskOperations
        + serverOperations

    static let metadataOperations: [Operation] = [
        Operation(method: "post", path: "/api/metadata/taskdefs", tag: metadataTag, summary: "Register task definitions",
                  body: .arrayOf("TaskDef")),
        Operation(method: "put", path: "/api/metadata/taskdefs", tag: metadataTag, summary: "Update a task definition",
                  body: .schema("TaskDef")),
        Operation(method: "get", path: "/api/metadata/taskdefs", tag: metadataTag, summary: "All task definitions",
                  reply: .arrayOf("TaskDef")),
        Operation(method: "get", path: "/api/metadata/taskdefs/{taskType}", tag: metadataTag,
                  summary: "One task definition", reply: .schema("TaskDef")),
        Operation(method: "delete", path: "/api/metadata/taskdefs/{taskType}", tag: metadataTag,
                  summary: "Delete a task definition"),
        Operation(method: "post", path: "/api/metadata/workflow", tag: metadataTag, summary: "Register a workflow definition",
                  query: [.boolean("overwrite", "Replace an existing version")], body: .schema("WorkflowDef")),
        Operation(method: "post", path: "/api/metadata/workflow/validate", tag: metadataTag,
                  summary: "Validate a workflow definition without saving it", body: .schema("WorkflowDef")),
        Operation(method: "put", path: "/api/metadata/workflow", tag: metadataTag,
                  summary: "Create or update workflow definitions", body: .arrayOf("WorkflowDef"), reply: .object),
        Operation(method: "get", path: "/api/metadata/workflow", tag: metadataTag, summary: "All workflow definitions",
                  reply: .arrayOf("WorkflowDef")),
        Operation(method: "get", path: "/api/metadata/workflow/names", tag: metadataTag, summary: "Workflow names",
                  reply: .stringList),
        Operation(method: "get", path: "/api/metadata/workflow/latest-versions", tag: metadataTag,
                  summary: "The latest version of every workflow definition", reply: .arrayOf("WorkflowDef")),
        Operation(method: "get", path: "/api/metadata/workflow/names-and-versions", tag: metadataTag,
                  summary: "Every workflow name with its versions", reply: .object),
        Operation(method: "get", path: "/api/metadata/workflow/{name}/versions", tag: metadataTag,
                  summary: "The versions of a workflow definition", reply: .array),
        Operation(method: "get", path: "/api/metadata/workflow/{name}", tag: metadataTag,
                  summary: "A workflow definition (the latest version unless one is named)",
                  query: [.integer("version", "The version")], reply: .schema("WorkflowDef")),
        Operation(method: "delete", path: "/api/metadata/workflow/{name}/{version}", tag: metadataTag,
                  summary: "Delete a workflow definition version"),
    ]

    static let workflowOperations: [Operation] = [
        Operation(method: "post", path: "/api/workflow", tag: workflowTag, summary: "Start a workflow",
                  body: .schema("StartWorkflowRequest"), reply: .text),
        Operation(method: "post", path: "/api/workflow/{id}", tag: workflowTag,
                  summary: "Start the workflow named {id} with the body as input",
                  query: [.integer("version", "Definition version"), .string("correlationId", "Correlation id"),
                          .integer("priority", "Priority 0-99")],
                  body: .object, reply: .text),
        Operation(method: "get", path: "/api/workflow/{id}", tag: workflowTag, summary: "A workflow execution",
                  query: [.boolean("includeTasks", "Include the tasks (default true)")], reply: .schema("Workflow")),
        Operation(method: "get", path: "/api/workflow/{id}/status", tag: workflowTag, summary: "A workflow's status",
                  query: [.boolean("includeOutput", "Include the output"), .boolean("includeVariables", "Include variables")],
                  reply: .object),
        Operation(method: "get", path: "/api/workflow/{id}/tasks", tag: workflowTag, summary: "A page of a workflow's tasks",
                  query: [.string("status", "Comma-separated task statuses"), .integer("start", "Offset"),
                          .integer("count", "Page size")], reply: .object),
        Operation(method: "get", path: "/api/workflow/{id}/events", tag: workflowTag,
                  summary: "The audit trail: every signal and state change", reply: .arrayOf("WorkflowEvent")),
        Operation(method: "get", path: "/api/workflow/{id}/correlated/{correlationId}", tag: workflowTag,
                  summary: "Executions of workflow {id} with a correlation id",
                  query: [.boolean("includeClosed", "Include ended ones"), .boolean("includeTasks", "Include tasks")],
                  reply: .arrayOf("Workflow")),
        Operation(method: "post", path: "/api/workflow/{id}/correlated", tag: workflowTag,
                  summary: "Executions of workflow {id} for each correlation id in the body",
                  query: [.boolean("includeClosed", "Include ended ones"), .boolean("includeTasks", "Include tasks")],
                  body: .stringList, reply: .object),
        Operation(method: "get", path: "/api/workflow/running/{name}", tag: workflowTag,
                  summary: "Ids of running executions of a workflow",
                  query: [.integer("version", "Definition version"), .integer("startTime", "From (epoch ms)"),
                          .integer("endTime", "To (epoch ms)")], reply: .stringList),
        Operation(method: "get", path: "/api/workflow/search", tag: workflowTag, summary: "Search executions (summaries)",
                  query: searchQuery, reply: .object),
        Operation(method: "get", path: "/api/workflow/search-v2", tag: workflowTag, summary: "Search executions (full)",
                  query: searchQuery, reply: .object),
        Operation(method: "get", path: "/api/workflow/search-by-tasks", tag: workflowTag,
                  summary: "Search executions holding a task that matches (summaries)", query: taskSearchQuery,
                  reply: .object),
        Operation(method: "get", path: "/api/workflow/search-by-tasks-v2", tag: workflowTag,
                  summary: "Search executions holding a task that matches (full)", query: taskSearchQuery, reply: .object),
        Operation(method: "put", path: "/api/workflow/{id}/pause", tag: workflowTag, summary: "Pause a workflow"),
        Operation(method: "put", path: "/api/workflow/{id}/resume", tag: workflowTag, summary: "Resume a paused workflow"),
        Operation(method: "post", path: "/api/workflow/{id}/restart", tag: workflowTag,
                  summary: "Restart an ended workflow from its first task",
                  query: [.boolean("useLatestDefinitions", "Use the latest definitions")], status: "204"),
        Operation(method: "post", path: "/api/workflow/{id}/rerun", tag: workflowTag,
                  summary: "Rerun a workflow, from the start or from a task", body: .schema("RerunWorkflowRequest"),
                  reply: .text),
        Operation(method: "post", path: "/api/workflow/{id}/retry", tag: workflowTag,
                  summary: "Retry a failed workflow from its failed task",
                  query: [.boolean("resumeSubworkflowTasks", "Retry inside failed sub-workflows")], status: "204"),
        Operation(method: "delete", path: "/api/workflow/{id}", tag: workflowTag, summary: "Terminate a workflow",
                  query: [.string("reason", "Why"), .boolean("triggerFailureWorkflow", "Start the failure workflow")]),
        Operation(method: "delete", path: "/api/workflow/{id}/remove", tag: workflowTag,
                  summary: "Remove a workflow execution"),
        Operation(method: "delete", path: "/api/workflow/{id}/terminate-remove", tag: workflowTag,
                  summary: "Terminate, then remove a workflow execution", query: [.string("reason", "Why")]),
        Operation(method: "put", path: "/api/workflow/decide/{id}", tag: workflowTag, summary: "Decide a workflow now"),
        Operation(method: "put", path: "/api/workflow/{id}/skiptask/{taskReferenceName}", tag: workflowTag,
                  summary: "Skip a task the workflow has not reached yet", body: .schema("SkipTaskRequest")),
        Operation(method: "post", path: "/api/workflow/{id}/resetcallbacks", tag: workflowTag,
                  summary: "Make SCHEDULED tasks waiting out a callback ready to be polled now", status: "204"),
        Operation(method: "post", path: "/api/workflow/test", tag: workflowTag,
                  summary: "Dry-run a workflow with mocked task results, stored nowhere (ADMIN)",
                  body: .schema("WorkflowTestRequest"), reply: .schema("Workflow")),
        Operation(method: "post", path: "/api/workflow/execute/{name}/{version}", tag: workflowTag,
                  summary: "Start a workflow and wait until it ends, blocks or reaches a task (version 0: latest)",
                  query: [.string("requestId", "Echoed in the reply"),
                          .string("waitUntilTaskRef", "Comma-separated reference names to wait for"),
                          .integer("waitForSeconds", "Longest wait (default 10)"), returnStrategyQuery],
                  body: .schema("StartWorkflowRequest"), reply: .schema("SignalResponse")),
    ]

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

    static let bulkOperations: [Operation] = [
        Operation(method: "put", path: "/api/workflow/bulk/pause", tag: bulkTag, summary: "Pause workflows",
                  body: .stringList, reply: .schema("BulkResponse")),
        Operation(method: "put", path: "/api/workflow/bulk/resume", tag: bulkTag, summary: "Resume workflows",
                  body: .stringList, reply: .schema("BulkResponse")),
        Operation(method: "post", path: "/api/workflow/bulk/restart", tag: bulkTag, summary: "Restart workflows",
                  query: [.boolean("useLatestDefinitions", "Use the latest definitions")], body: .stringList,
                  reply: .schema("BulkResponse")),
        Operation(method: "post", path: "/api/workflow/bulk/retry", tag: bulkTag, summary: "Retry workflows",
                  body: .stringList, reply: .schema("BulkResponse")),
        Operation(method: "post", path: "/api/workflow/bulk/terminate", tag: bulkTag, summary: "Terminate workflows",
                  query: [.string("reason", "Why"), .boolean("triggerFailureWorkflow", "Start failure workflows")],
                  body: .stringList, reply: .schema("BulkResponse")),
        Operation(method: "delete", path: "/api/workflow/bulk/remove", tag: bulkTag, summary: "Remove workflows",
                  body: .stringList, reply: .schema("BulkResponse")),
        Operation(method: "post", path: "/api/workflow/bulk/delete", tag: bulkTag, summary: "Remove workflows",
                  body: .stringList, reply: .schema("BulkResponse")),
        Operation(method: "delete", path: "/api/workflow/bulk/terminate-remove", tag: bulkTag,
                  summary: "Terminate, then remove workflows", query: [.string("reason", "Why")], body: .stringList,
                  reply: .schema("BulkResponse")),
    ]

    static let taskOperations: [Operation] = [
        Operation(method: "get", path: "/api/tasks/poll/{taskType}", tag: taskTag, summary: "Poll one task (204 when none)",
                  query: [.string("workerid", "Worker id"), .string("domain", "Domain")], reply: .schema("Task")),
        Operation(method: "get", path: "/api/tasks/poll/batch/{taskType}", tag: taskTag, summary: "Long-poll a batch of tasks",
                  query: [.string("workerid", "Worker id"), .string("domain", "Domain"), .integer("count", "Most tasks"),
                          .integer("timeout", "Longest wait, ms")], reply: .arrayOf("Task")),
        Operation(method: "post", path: "/api/tasks", tag: taskTag, summary: "Report a task's result",
                  body: .schema("TaskResult"), reply: .text),
        Operation(method: "post", path: "/api/tasks/batch", tag: taskTag,
                  summary: "Report many tasks' results, each on its own (Baton's; at most 1000)",
                  body: .arrayOf("TaskResult"), reply: .schema("BulkResponse")),
        Operation(method: "post", path: "/api/tasks/update-v2", tag: taskTag,
                  summary: "Report a result and poll the next task of the type", body: .schema("TaskResult"),
                  reply: .schema("Task")),
        Operation(method: "post", path: "/api/tasks/{id}/{taskRefName}/{status}", tag: taskTag,
                  summary: "Complete or fail workflow {id}'s task by reference name, the body as output",
                  query: [.string("workerid", "Worker id")], body: .object, reply: .text),
        Operation(method: "post", path: "/api/tasks/{id}/{taskRefName}/{status}/sync", tag: taskTag,
                  summary: "As above, answering with the workflow", query: [.string("workerid", "Worker id")],
                  body: .object, reply: .schema("Workflow")),
        Operation(method: "post", path: "/api/tasks/{id}/{taskRefName}/signal", tag: taskTag,
                  summary: "Conductor's {workflowId}/{status}/signal ({taskRefName} holds the status): complete or fail the "
                      + "task workflow {id} is blocked on (in it or a sub-workflow)",
                  body: .object),
        Operation(method: "post", path: "/api/tasks/{id}/{taskRefName}/signal/sync", tag: taskTag,
                  summary: "As above, answering once the workflow ends or blocks again",
                  query: [returnStrategyQuery, .integer("timeoutMillis", "Longest wait, ms (default 5000)")],
                  body: .object, reply: .schema("SignalResponse")),
        Operation(method: "get", path: "/api/tasks/search", tag: taskTag, summary: "Search task attempts (summaries)",
                  query: taskSearchQuery, reply: .object),
        Operation(method: "get", path: "/api/tasks/search-v2", tag: taskTag, summary: "Search task attempts (full)",
                  query: taskSearchQuery, reply: .object),
        Operation(method: "get", path: "/api/tasks/queue/sizes", tag: taskTag, summary: "Queue sizes by task type",
                  query: [.string("taskType", "Task types (repeat or comma-separate)")], reply: .object),
        Operation(method: "get", path: "/api/tasks/queue/size", tag: taskTag, summary: "One queue's size",
                  query: [.string("taskType", "Task type", required: true), .string("domain", "Domain"),
                          .string("executionNamespace", "Namespace"), .string("isolationGroupId", "Isolation group")],
                  reply: .integer),
        Operation(method: "get", path: "/api/tasks/queue/all", tag: taskTag, summary: "Every non-empty queue's size",
                  reply: .object),
        Operation(method: "get", path: "/api/tasks/queue/polldata", tag: taskTag, summary: "When workers last polled",
                  query: [.string("taskType", "Task type", required: true)], reply: .array),
        Operation(method: "get", path: "/api/tasks/queue/all/verbose", tag: taskTag,
                  summary: "Every queue's size and running tasks: {queue: {\"a\": {size, uacked}}}", reply: .object),
        Operation(method: "get", path: "/api/tasks/queue/polldata/all", tag: taskTag,
                  summary: "When workers last polled, every queue", reply: .array),
        Operation(method: "post", path: "/api/tasks/queue/requeue/{taskType}", tag: taskTag,
                  summary: "Put back SCHEDULED tasks of the type that lost their queue entry; answers how many", reply: .text),
        Operation(method: "get", path: "/api/admin/config", tag: adminTag, summary: "The server's settings (no secrets)",
                  reply: .object),
        Operation(method: "get", path: "/api/admin/task/{tasktype}", tag: adminTag,
                  summary: "The SCHEDULED and IN_PROGRESS tasks of a type in live workflows, oldest first",
                  query: [.integer("start", "Offset"), .integer("count", "Page size (default 100)")], reply: .array),
        Operation(method: "post", path: "/api/admin/sweep/requeue/{workflowId}", tag: adminTag,
                  summary: "Make a workflow due for the sweeper now; answers true.{workflowId}", reply: .text),
        Operation(method: "post", path: "/api/admin/consistency/verifyAndRepair/{workflowId}", tag: adminTag,
                  summary: "Mend a workflow's queue entries and wake-up; answers whether anything needed mending", reply: .text),
        Operation(method: "get", path: "/api/admin/queues", tag: adminTag,
                  summary: "Event queues (none: event handlers are not supported yet)", reply: .object),
        Operation(method: "get", path: "/api/tasks/{id}", tag: taskTag, summary: "A task", reply: .schema("Task")),
        Operation(method: "get", path: "/api/tasks/{id}/log", tag: taskTag, summary: "A task's logs", reply: .array),
        Operation(method: "post", path: "/api/tasks/{id}/log", tag: taskTag, summary: "Add a line to a task's log",
                  body: .text),
    ]

    static let serverOperations: [Operation] = [
        Operation(method: "get", path: "/health", tag: serverTag, summary: "Whether the server can read its database",
                  reply: .object),
        Operation(method: "get", path: "/api/health", tag: serverTag, summary: "Whether the server can read its database",
                  reply: .object),
        Operation(method: "get", path: "/api/version", tag: serverTag, summary: "The server version", reply: .text),
        Operation(method: "get", path: "/metrics", tag: serverTag, summary: "Metrics in Prometheus' text format",
                  reply: .text),
        Operation(method: "post", path: "/api/token", tag: serverTag,
                  summary: "Exchange a key id and secret for a token (404 when auth is off)",
                  body: .schema("TokenRequest"), reply: .schema("TokenResponse")),
        Operation(method: "get", path: "/api/openapi.json", tag: serverTag, summary: "This document", reply: .object),
        Operation(method: "get", path: "/api/docs", tag: serverTag, summary: "This document as a web page", reply: .html),
    ]

    /// Loose schemas of the wire types (they admit unknown fields, as Baton does).
    static let schemas: JSONValue = [
        "ErrorResponse": object(["status": "integer", "message": "string", "instance": "string", "retryable": "boolean",
                                 "code": "string", "error": "string"]),
        "TaskDef": object(["name": "string", "retryCount": "integer", "timeoutSeconds": "integer",
                           "responseTimeoutSeconds": "integer"], required: ["name"]),
        "WorkflowDef": object(["name": "string", "version": "integer", "tasks": "array", "inputParameters": "array",
                               "outputParameters": "object"], required: ["name", "tasks"]),
        "StartWorkflowRequest": object(["name": "string", "version": "integer", "input": "object",
                                        "correlationId": "string", "priority": "integer"], required: ["name"]),
        "RerunWorkflowRequest": object(["reRunFromWorkflowId": "string", "reRunFromTaskId": "string",
                                        "workflowInput": "object", "taskInput": "object", "correlationId": "string"]),
        "Workflow": object(["workflowId": "string", "workflowName": "string", "status": "string", "input": "object",
                            "output": "object", "tasks": "array"]),
        "Task": object(["taskId": "string", "taskType": "string", "status": "string", "referenceTaskName": "string",
                        "workflowInstanceId": "string", "inputData": "object", "outputData": "object"]),
        "TaskResult": object(["workflowInstanceId": "string", "taskId": "string", "status": "string",
                              "outputData": "object", "workerId": "string", "reasonForIncompletion": "string",
                              "callbackAfterSeconds": "integer", "logs": "array"], required: ["taskId"]),
        "BulkResponse": object(["bulkSuccessfulResults": "array", "bulkErrorResults": "object", "message": "string"]),
        "WorkflowEvent": object(["workflowId": "string", "time": "integer", "kind": "string", "actor": "string",
                                 "taskId": "string", "detail": "string"]),
        "WorkflowTestRequest": object(["name": "string", "version": "integer", "input": "object", "workflowDef": "object",
                                       "taskRefToMockOutput": "object"]),
        "SkipTaskRequest": object(["taskInput": "object", "taskOutput": "object"]),
        "SignalResponse": object(["responseType": "string", "targetWorkflowId": "string", "targetWorkflowStatus": "string",
                                  "requestId": "string", "workflowId": "string", "status": "string", "input": "object",
                                  "output": "object", "tasks": "array", "taskId": "string", "signalTimeout": "boolean"]),
        "TokenRequest": object(["keyId": "string", "keySecret": "string"], required: ["keyId", "keySecret"]),
        "TokenResponse": object(["token": "string"], required: ["token"]),
    ]

    static func object(_ properties: [String: String], required: [String] = []) -> JSONValue {
        var schema: JSONObject = [
            "type": "object",
            "properties": .object(properties.mapValues { ["type": .string($0)] }),
        ]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        return .object(schema)
    }

    /// The document as a JSON value.
    static var document: JSONValue {
        var paths: JSONObject = [:]
        for operation in operations {
            var item = paths[operation.path]?.objectValue ?? [:]
            item[operation.method] = json(of: operation)
            paths[operation.path] = .object(item)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Baton",
                "version": .string(BatonRouter.version),
                "description": .string("Conductor's REST API as Baton serves it. When auth is on, send a token from "
                    + "POST /api/token (or keyId:keySecret) in the X-Authorization header."),
            ],
            "paths": .object(paths),
            "components": [
                "schemas": schemas,
                "securitySchemes": ["apiKey": ["type": "apiKey", "in": "header", "name": "X-Authorization"]],
            ],
            "security": [["apiKey": []], [:]],
        ]
    }

    static func json(of operation: Operation) -> JSONValue {
        var parameters: [JSONValue] = pathParameters(of: operation.path).map { name in
            ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
        }
        parameters += operation.query.map { query in
            ["name": .string(query.name), "in": "query", "required": .bool(query.required),
             "description": .string(query.description), "schema": ["type": .string(query.type)]]
        }
        var responses: JSONObject = [
            "default": ["description": "An error", "content": ["application/json": ["schema": [
                "$ref": "#/components/schemas/ErrorResponse"]]]],
        ]
        var success: JSONObject = ["description": "Success"]
        if let schema = operation.reply.json {
            let type = switch operation.reply {
            case .text: "text/plain"
            case .html: "text/html"
            default: "application/json"
            }
            success["content"] = [type: ["schema": schema]]
        }
        responses[operation.status] = .object(success)
        if operation.status == "200", operation.reply.json == nil { responses["204"] = ["description": "Success, no body"] }
        if operation.path.hasPrefix("/api/tasks/poll/") || operation.path == "/api/tasks/update-v2"
            || operation.path == "/api/tasks/{id}/log" {
            responses["204"] = ["description": "Nothing to return"]
        }
        var json: JSONObject = [
            "tags": [.string(operation.tag)],
            "summary": .string(operation.summary),
            "operationId": .string(operationId(operation)),
            "parameters": .array(parameters),
            "responses": .object(responses),
        ]
        if let schema = operation.body.json {
            let type = if case .text = operation.body { "text/plain" } else { "application/json" }
            json["requestBody"] = ["required": .bool(operation.method != "delete"), "content": [type: ["schema": schema]]]
        }
        return .object(json)
    }

    static func pathParameters(of path: String) -> [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    static func operationId(_ operation: Operation) -> String {
        let words = operation.path.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return operation.method + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The document's JSON text.
    public static var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The methods and paths the document describes, as `GET /api/workflow/{id}`.
    public static var documentedRoutes: Set<String> {
        Set(operations.map { "\($0.method.uppercased()) \($0.path)" })
    }

    /// A small page listing every operation, with no scripts.
    public static var html: String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        var rows = ""
        for tag in [metadataTag, workflowTag, bulkTag, taskTag, serverTag] {
            rows += "<h2>\(tag)</h2>\n<table>\n"
            for operation in operations where operation.tag == tag {
                let query = operation.query.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
                rows += "<tr><td class=m>\(operation.method.uppercased())</td><td><code>\(escape(operation.path))</code></td>"
                    + "<td>\(escape(operation.summary))\(query.isEmpty ? "" : "<br><small>query: \(escape(query))</small>")</td></tr>\n"
            }
            rows += "</table>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Baton API</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}td{padding:.3em .6em;vertical-align:top;
            border-bottom:1px solid #ddd}.m{font-weight:bold;font-family:monospace}table{border-collapse:collapse;width:100%}</style>
            </head><body>
            <h1>Baton API \(BatonRouter.version)</h1>
            <p>The machine-readable document is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3).
            When auth is on, send a token from <code>POST /api/token</code> in the <code>X-Authorization</code> header.</p>
            \(rows)</body></html>
            """
    }
}
