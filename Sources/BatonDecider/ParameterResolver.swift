import BatonModel
import Foundation

/// Resolves Conductor `${…}` parameter expressions against a workflow's expression context.
///
/// Follows Conductor's `ParametersUtils`: every string (recursively inside objects and arrays) may hold
/// `${path}` expressions. A string that is exactly one expression takes the JSON value the path names,
/// keeping its type; otherwise every expression is written into the string. `$${…}` escapes to a literal
/// `${…}`, expressions nest (inner ones are resolved first) and `${}` is the empty string. A missing path
/// resolves to `null`. Environment variables and system properties are deliberately never consulted.
public struct ParameterResolver: Sendable {
    /// The document paths are evaluated against: `workflow` plus one entry per task reference name.
    public let context: JSONObject

    /// The name that resolves to the id of the task whose input is being resolved.
    public static let currentTaskIdName = "CPEWF_TASK_ID"

    private let root: JSONValue

    /// Creates a resolver that evaluates expressions against `context`.
    public init(context: JSONObject) {
        self.context = context
        self.root = .object(context)
    }

    /// Returns `parameters` with every expression in every value resolved.
    public func resolve(_ parameters: JSONObject, currentTaskId: String? = nil) -> JSONObject {
        parameters.mapValues { resolve($0, currentTaskId: currentTaskId) }
    }

    /// Returns `value` with every expression in every string it holds resolved.
    public func resolve(_ value: JSONValue, currentTaskId: String? = nil) -> JSONValue {
        switch value {
        case .string(let text):
            return resolve(text: text, currentTaskId: currentTaskId, depth: 0)
        case .array(let elements):
            return .array(elements.map { resolve($0, currentTaskId: currentTaskId) })
        case .object(let members):
            return .object(members.mapValues { resolve($0, currentTaskId: currentTaskId) })
        case .null, .bool, .int, .double:
            return value
        }
    }

    /// One piece of a scanned string: literal text or the value of an expression.
    private enum Piece {
        case literal(String)
        case expression(JSONValue)
    }

    private func resolve(text: String, currentTaskId: String?, depth: Int) -> JSONValue {
        guard text.contains("$") else { return .string(text) }
        let characters = Array(text)
        var pieces: [Piece] = []
        var literal = ""
        var position = 0
        while position < characters.count {
            let character = characters[position]
            if character == "$", position + 2 < characters.count, characters[position + 1] == "$",
                characters[position + 2] == "{"
            {
                // `$${` is an escaped, literal `${`.
                literal += "${"
                position += 3
                continue
            }
            if character == "$", position + 1 < characters.count, characters[position + 1] == "{",
                let end = Self.closingBrace(in: characters, openingAt: position + 1)
            {
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = ""
                }
                let inner = String(characters[(position + 2)..<end])
                let path = resolve(text: inner, currentTaskId: currentTaskId, depth: depth + 1).interpolated
                pieces.append(.expression(value(at: path, currentTaskId: currentTaskId)))
                position = end + 1
                continue
            }
            literal.append(character)
            position += 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }

        if depth == 0, pieces.count == 1, case .expression(let whole) = pieces[0] {
            return whole
        }
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): result += text
            case .expression(let value): result += value.interpolated
            }
        }
        return .string(result)
    }

    /// The value an expression's (already resolved) path names; `null` when it names nothing.
    private func value(at path: String, currentTaskId: String?) -> JSONValue {
        let trimmed = path.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .string("") }
        if trimmed == Self.currentTaskIdName, let currentTaskId { return .string(currentTaskId) }
        return JSONPath.evaluate(trimmed, in: root) ?? .null
    }

    /// The index of the `}` that closes the `{` at `opening`, counting nested braces; `nil` if unclosed.
    private static func closingBrace(in characters: [Character], openingAt opening: Int) -> Int? {
        var depth = 0
        var position = opening
        while position < characters.count {
            switch characters[position] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return position }
            default: break
            }
            position += 1
        }
        return nil
    }
}

extension ParameterResolver {
    /// Returns a human-readable description of every malformed expression (an unclosed `${`) in `value`.
    public static func validate(_ value: JSONValue) -> [String] {
        var problems: [String] = []
        collectProblems(in: value, at: "", into: &problems)
        return problems
    }

    private static func collectProblems(in value: JSONValue, at location: String, into problems: inout [String]) {
        switch value {
        case .string(let text):
            guard text.contains("${") else { return }
            let characters = Array(text)
            var position = 0
            while position + 1 < characters.count {
                if characters[position] == "$", characters[position + 1] == "{" {
                    guard closingBrace(in: characters, openingAt: position + 1) != nil else {
                        let place = location.isEmpty ? "" : "\(location): "
                        problems.append("\(place)expression '\(text)' has a '${' without a matching '}'")
                        return
                    }
                }
                position += 1
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                collectProblems(in: element, at: "\(location)[\(index)]", into: &problems)
            }
        case .object(let members):
            for key in members.keys.sorted() {
                guard let member = members[key] else { continue }
                collectProblems(in: member, at: location.isEmpty ? key : "\(location).\(key)", into: &problems)
            }
        case .null, .bool, .int, .double:
            return
        }
    }
}

extension ParameterResolver {
    /// Builds the expression context of `workflow`: its own fields under `workflow` and, for each task
    /// reference name, the fields of its latest attempt (highest `seq`) among `tasks`.
    ///
    /// A DO_WHILE iteration's task `ref__N` appears under both `ref__N` and `ref` (the latest iteration);
    /// a task literally named `ref` takes precedence over the stripped alias.
    public static func makeContext(workflow: Workflow, tasks: [BatonModel.Task]) -> JSONObject {
        var latestByAlias: [String: BatonModel.Task] = [:]
        var latestByName: [String: BatonModel.Task] = [:]
        for task in tasks {
            let name = task.referenceTaskName
            if latestByName[name].map({ $0.seq <= task.seq }) ?? true {
                latestByName[name] = task
            }
            let alias = task.baseReferenceName
            if alias != name, latestByAlias[alias].map({ $0.seq <= task.seq }) ?? true {
                latestByAlias[alias] = task
            }
        }

        var context: JSONObject = [:]
        for (alias, task) in latestByAlias { context[alias] = .object(contextEntry(for: task)) }
        for (name, task) in latestByName { context[name] = .object(contextEntry(for: task)) }
        context["workflow"] = .object(contextEntry(for: workflow))
        return context
    }

    private static func contextEntry(for workflow: Workflow) -> JSONObject {
        var entry: JSONObject = [
            "input": .object(workflow.input),
            "output": .object(workflow.output),
            "status": .string(workflow.status.rawValue),
            "workflowId": .string(workflow.workflowId),
            "workflowType": .string(workflow.workflowName),
            "version": .int(Int64(workflow.workflowVersion)),
            "schemaVersion": .int(2),
            "variables": .object(workflow.variables),
            "taskToDomain": .object(workflow.taskToDomain.mapValues { .string($0) }),
        ]
        entry["parentWorkflowId"] = workflow.parentWorkflowId.map { .string($0) }
        entry["parentWorkflowTaskId"] = workflow.parentWorkflowTaskId.map { .string($0) }
        entry["correlationId"] = workflow.correlationId.map { .string($0) }
        entry["reasonForIncompletion"] = workflow.reasonForIncompletion.map { .string($0) }
        return entry
    }

    private static func contextEntry(for task: BatonModel.Task) -> JSONObject {
        var entry: JSONObject = [
            "input": .object(task.inputData),
            "output": .object(task.outputData),
            "taskType": .string(task.taskType),
            "status": .string(task.status.rawValue),
            "referenceTaskName": .string(task.referenceTaskName),
            "retryCount": .int(Int64(task.retryCount)),
            "pollCount": .int(Int64(task.pollCount)),
            "taskDefName": .string(task.taskDefName),
            "scheduledTime": .int(task.scheduledTime),
            "startTime": .int(task.startTime),
            "endTime": .int(task.endTime),
            "workflowInstanceId": .string(task.workflowInstanceId),
            "taskId": .string(task.taskId),
            "callbackAfterSeconds": .int(task.callbackAfterSeconds),
            "iteration": .int(Int64(task.iteration)),
        ]
        entry["correlationId"] = task.correlationId.map { .string($0) }
        entry["reasonForIncompletion"] = task.reasonForIncompletion.map { .string($0) }
        entry["workerId"] = task.workerId.map { .string($0) }
        entry["domain"] = task.domain.map { .string($0) }
        return entry
    }
}
