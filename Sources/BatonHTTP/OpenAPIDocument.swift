import BatonModel
import Foundation
import HTTPTypes

/// The OpenAPI 3 document of Baton's HTTP API, served at `/api/openapi.json`, derived from `Endpoint.all` (the
/// routes register by the same declarations; a test keeps every registered route declared).
public enum OpenAPIDocument {
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
        "WorkflowSchedule": object(["name": "string", "cronExpression": "string", "zoneId": "string", "cronSchedules": "array",
                                    "startWorkflowRequest": "object", "runCatchupScheduleInstances": "boolean",
                                    "paused": "boolean", "pausedReason": "string", "scheduleStartTime": "integer",
                                    "scheduleEndTime": "integer", "description": "string", "createTime": "integer",
                                    "updatedTime": "integer", "createdBy": "string", "updatedBy": "string",
                                    "nextRunTime": "integer"], required: ["name", "startWorkflowRequest"]),
        "SearchResultWorkflowSchedule": object(["totalHits": "integer", "results": "array"]),
        "ScheduleExecution": object(["executionId": "string", "scheduleName": "string", "scheduledTime": "integer",
                                     "executionTime": "integer", "workflowName": "string", "workflowId": "string",
                                     "reason": "string", "startWorkflowRequest": "object", "state": "string",
                                     "zoneId": "string"]),
        "SearchResultScheduleExecution": object(["totalHits": "integer", "results": "array"]),
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
        for endpoint in Endpoint.all {
            var item = paths[endpoint.path]?.objectValue ?? [:]
            item[endpoint.method.rawValue.lowercased()] = json(of: endpoint)
            paths[endpoint.path] = .object(item)
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

    static func json(of operation: Endpoint) -> JSONValue {
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
        if let schema = schema(of: operation.reply) {
            let type = switch operation.reply {
            case .text: "text/plain"
            case .html: "text/html"
            default: "application/json"
            }
            success["content"] = [type: ["schema": schema]]
        }
        responses[operation.status] = .object(success)
        if operation.status == "200", schema(of: operation.reply) == nil { responses["204"] = ["description": "Success, no body"] }
        if operation.mayReplyNoContent {
            responses["204"] = ["description": "Nothing to return"]
        }
        var json: JSONObject = [
            "tags": [.string(operation.tag.rawValue)],
            "summary": .string(operation.summary),
            "operationId": .string(operationId(operation)),
            "parameters": .array(parameters),
            "responses": .object(responses),
        ]
        if let schema = schema(of: operation.body) {
            let type = if case .text = operation.body { "text/plain" } else { "application/json" }
            json["requestBody"] = ["required": .bool(operation.method != .delete), "content": [type: ["schema": schema]]]
        }
        return .object(json)
    }

    /// The schema of a body or reply, nil for none.
    static func schema(of payload: Endpoint.Payload) -> JSONValue? {
        switch payload {
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

    static func pathParameters(of path: String) -> [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    static func operationId(_ operation: Endpoint) -> String {
        let words = operation.path.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return operation.method.rawValue.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The document's JSON text.
    public static var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The methods and paths the document describes, as `GET /api/workflow/{id}`.
    public static var documentedRoutes: Set<String> {
        Set(Endpoint.all.map(\.route))
    }

    /// A small page listing every operation, with no scripts.
    public static var html: String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        var rows = ""
        for tag in Endpoint.Tag.allCases {
            rows += "<h2>\(tag.rawValue)</h2>\n<table>\n"
            for operation in Endpoint.all where operation.tag == tag {
                let query = operation.query.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
                rows += "<tr><td class=m>\(operation.method.rawValue)</td><td><code>\(escape(operation.path))</code></td>"
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
            <p>The machine-readable document is <a href="\(Endpoint.openAPIDocument.path)">\(Endpoint.openAPIDocument.path)</a> (OpenAPI 3).
            When auth is on, send a token from <code>POST /api/token</code> in the <code>X-Authorization</code> header.</p>
            \(rows)</body></html>
            """
    }
}
