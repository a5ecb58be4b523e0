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
    /// The name that resolves to the id of the task whose input is being resolved.
    public static let currentTaskIdName = "CPEWF_TASK_ID"

    /// What expressions are evaluated against.
    private enum Source: Sendable {
        /// A context built in full.
        case context(JSONValue)
        /// An execution whose context entries are built only when an expression names them.
        case execution(Workflow)
    }

    private let source: Source

    /// Creates a resolver that evaluates expressions against `context`.
    public init(context: JSONObject) {
        source = .context(.object(context))
    }

    /// Creates a resolver that evaluates expressions against the context of `workflow` and its tasks
    /// (see `makeContext(workflow:tasks:)`), building only the entries that expressions name.
    public init(workflow: Workflow) {
        source = .execution(workflow)
    }

    /// Returns `parameters` with every expression in every value resolved.
    public func resolve(_ parameters: JSONObject, currentTaskId: String? = nil) -> JSONObject {
        parameters.mapValues { resolve($0, currentTaskId: currentTaskId) }
    }

    /// Returns `value` with every expression in every string it holds resolved.
    public func resolve(_ value: JSONValue, currentTaskId: String? = nil) -> JSONValue {
        switch value {
        case .string(let text):
            guard text.utf8.contains(Self.dollar) else { return value }
            return resolve(Array(text.utf8)[...], currentTaskId: currentTaskId, depth: 0)
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

    private static let dollar = UInt8(ascii: "$")
    private static let openingBrace = UInt8(ascii: "{")
    private static let closingBrace = UInt8(ascii: "}")

    /// Resolves the expressions in a string's UTF-8 bytes. The markers are ASCII, so every piece cut at
    /// them is whole UTF-8.
    private func resolve(_ text: ArraySlice<UInt8>, currentTaskId: String?, depth: Int) -> JSONValue {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var position = text.startIndex
        while position < text.endIndex {
            let byte = text[position]
            if byte == Self.dollar, position + 2 < text.endIndex, text[position + 1] == Self.dollar,
                text[position + 2] == Self.openingBrace
            {
                // `$${` is an escaped, literal `${`.
                literal += [Self.dollar, Self.openingBrace]
                position += 3
                continue
            }
            if byte == Self.dollar, position + 1 < text.endIndex, text[position + 1] == Self.openingBrace,
                let end = Self.closingBrace(in: text, openingAt: position + 1)
            {
                if !literal.isEmpty {
                    pieces.append(.literal(String(decoding: literal, as: UTF8.self)))
                    literal = []
                }
                let path = resolve(text[(position + 2)..<end], currentTaskId: currentTaskId, depth: depth + 1).interpolated
                pieces.append(.expression(value(at: path, currentTaskId: currentTaskId)))
                position = end + 1
                continue
            }
            literal.append(byte)
            position += 1
        }
        if !literal.isEmpty { pieces.append(.literal(String(decoding: literal, as: UTF8.self))) }

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
        let trimmed = Self.trimmed(path)
        if trimmed.isEmpty { return .string("") }
        if trimmed == Self.currentTaskIdName, let currentTaskId { return .string(currentTaskId) }
        switch source {
        case .context(let root):
            return JSONPath.evaluate(trimmed, in: root) ?? .null
        case .execution(let workflow):
            return JSONPath.evaluate(trimmed, member: { Self.contextEntry(named: $0, in: workflow) },
                                     root: { .object(Self.makeContext(workflow: workflow, tasks: workflow.tasks)) })
                ?? .null
        }
    }

    /// `path` without surrounding white space; paths as written rarely have any, and then are not copied.
    private static func trimmed(_ path: String) -> String {
        guard let first = path.utf8.first, let last = path.utf8.last,
              first < 0x80, last < 0x80, !isASCIIWhitespace(first), !isASCIIWhitespace(last)
        else { return path.trimmingCharacters(in: .whitespacesAndNewlines) }
        return path
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    /// The index of the `}` that closes the `{` at `opening`, counting nested braces; `nil` if unclosed.
    private static func closingBrace(in text: ArraySlice<UInt8>, openingAt opening: Int) -> Int? {
        var depth = 0
        var position = opening
        while position < text.endIndex {
            switch text[position] {
            case openingBrace: depth += 1
            case closingBrace:
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
            let bytes = Array(text.utf8)[...]
            var position = 0
            while position + 1 < bytes.count {
                if bytes[position] == dollar, bytes[position + 1] == openingBrace {
                    guard closingBrace(in: bytes, openingAt: position + 1) != nil else {
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
    public static func makeContext(workflow: Workflow, tasks: [BatonModel.TaskExecution]) -> JSONObject {
        var latestByAlias: [String: BatonModel.TaskExecution] = [:]
        var latestByName: [String: BatonModel.TaskExecution] = [:]
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

    /// The context entry `makeContext(workflow:tasks:)` would hold under `name`, built alone.
    static func contextEntry(named name: String, in workflow: Workflow) -> JSONValue? {
        if name == "workflow" { return .object(contextEntry(for: workflow)) }
        var latest: BatonModel.TaskExecution?
        for task in workflow.tasks where task.referenceTaskName == name && latest.map({ $0.seq <= task.seq }) ?? true {
            latest = task
        }
        if latest == nil {
            for task in workflow.tasks where task.referenceTaskName != name && task.baseReferenceName == name
                && latest.map({ $0.seq <= task.seq }) ?? true
            {
                latest = task
            }
        }
        return latest.map { .object(contextEntry(for: $0)) }
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

    private static func contextEntry(for task: BatonModel.TaskExecution) -> JSONObject {
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
