/// How large the payloads of one execution may be, and from what size Baton keeps one apart from its row, by
/// Conductor's names for its payload size thresholds.
///
/// A payload over its `maximum` (Conductor's, 10,240 KB) is refused: a workflow input at the start (413), a task's
/// input or output fails the task with FAILED_WITH_TERMINAL_ERROR, a workflow's output fails the workflow, each with
/// Conductor's message. A payload over its `threshold` is stored apart from the workflow or task row it belongs to,
/// so that the frequent writes of that row neither rewrite nor re-read it. Conductor externalizes such a payload and
/// clients then see an empty map and a storage path; Baton's clients always get payloads inline, so where Baton keeps
/// the bytes is invisible to them, and its thresholds default to 64 KB (Conductor's are 3,072 KB and 5,120 KB),
/// from where keeping a payload apart costs less than reading and parsing it at every decision.
public struct PayloadLimits: Sendable, Hashable {
    /// The two sizes of one kind of payload, in bytes of compact JSON.
    public struct Bound: Sendable, Hashable {
        /// Larger payloads are stored apart from their row.
        public var threshold: Int
        /// Larger payloads are refused.
        public var maximum: Int

        public init(threshold: Int, maximum: Int) {
            self.threshold = threshold
            self.maximum = maximum
        }
    }

    /// `workflowInputPayloadSizeThreshold` (64 KB) and `maxWorkflowInputPayloadSizeThreshold` (10,240 KB).
    public var workflowInput = Bound(threshold: PayloadLimits.defaultThreshold, maximum: PayloadLimits.defaultMaximum)
    /// `workflowOutputPayloadSizeThreshold` (64 KB) and `maxWorkflowOutputPayloadSizeThreshold` (10,240 KB).
    public var workflowOutput = Bound(threshold: PayloadLimits.defaultThreshold, maximum: PayloadLimits.defaultMaximum)
    /// `taskInputPayloadSizeThreshold` (64 KB) and `maxTaskInputPayloadSizeThreshold` (10,240 KB).
    public var taskInput = Bound(threshold: PayloadLimits.defaultThreshold, maximum: PayloadLimits.defaultMaximum)
    /// `taskOutputPayloadSizeThreshold` (64 KB) and `maxTaskOutputPayloadSizeThreshold` (10,240 KB).
    public var taskOutput = Bound(threshold: PayloadLimits.defaultThreshold, maximum: PayloadLimits.defaultMaximum)

    /// The default threshold, 64 KB.
    public static let defaultThreshold = 64 * 1024
    /// The default maximum, Conductor's 10,240 KB.
    public static let defaultMaximum = 10_240 * 1024

    public init() {}

    /// The bounds by kind, as configuration names them.
    public subscript(kind: PayloadKind) -> Bound {
        get {
            switch kind {
            case .workflowInput: workflowInput
            case .workflowOutput: workflowOutput
            case .taskInput: taskInput
            case .taskOutput: taskOutput
            }
        }
        set {
            switch kind {
            case .workflowInput: workflowInput = newValue
            case .workflowOutput: workflowOutput = newValue
            case .taskInput: taskInput = newValue
            case .taskOutput: taskOutput = newValue
            }
        }
    }

    /// Every bound is positive and no threshold exceeds its maximum; otherwise what is wrong, by Conductor's name.
    public var problem: String? {
        for kind in PayloadKind.allCases {
            let bound = self[kind]
            if bound.threshold <= 0 || bound.maximum <= 0 {
                return "\(kind.thresholdName) and \(kind.maximumName) must be positive"
            }
            if bound.threshold > bound.maximum {
                return "\(kind.thresholdName) (\(bound.threshold)) is larger than \(kind.maximumName) (\(bound.maximum))"
            }
        }
        return nil
    }
}

/// The four payloads an execution has.
public enum PayloadKind: String, Sendable, Hashable, CaseIterable {
    case workflowInput = "workflow-input"
    case workflowOutput = "workflow-output"
    case taskInput = "task-input"
    case taskOutput = "task-output"

    /// Conductor's name of the threshold (`taskInputPayloadSizeThreshold`).
    public var thresholdName: String {
        switch self {
        case .workflowInput: "workflowInputPayloadSizeThreshold"
        case .workflowOutput: "workflowOutputPayloadSizeThreshold"
        case .taskInput: "taskInputPayloadSizeThreshold"
        case .taskOutput: "taskOutputPayloadSizeThreshold"
        }
    }

    /// Conductor's name of the maximum (`maxTaskInputPayloadSizeThreshold`).
    public var maximumName: String {
        switch self {
        case .workflowInput: "maxWorkflowInputPayloadSizeThreshold"
        case .workflowOutput: "maxWorkflowOutputPayloadSizeThreshold"
        case .taskInput: "maxTaskInputPayloadSizeThreshold"
        case .taskOutput: "maxTaskOutputPayloadSizeThreshold"
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The size of this object's compact JSON text in bytes when it is larger than `limit`, or nil when it is not.
    ///
    /// Small objects (nearly all) are measured without being written: a walk adds up an estimate that is at least
    /// a sixth of their text (an escape writes at most six bytes for one, a number at most 24 for its 4) and stops
    /// once it passes a sixth of `limit`; only an object that could exceed `limit` is written out to be measured.
    public func jsonSize(exceeding limit: Int) -> Int? {
        var budget = limit / 6
        guard !JSONValue.exhausts(members: self, budget: &budget) else {
            let size = jsonText.utf8.count
            return size > limit ? size : nil
        }
        return nil
    }
}

extension JSONValue {
    /// Takes the estimate of the text of `members` (`jsonSize(exceeding:)`) from `budget`; true once it is spent.
    static func exhausts(members: JSONObject, budget: inout Int) -> Bool {
        budget -= 2
        for (key, value) in members {
            budget -= key.utf8.count + 4
            if budget < 0 || value.exhausts(budget: &budget) { return true }
        }
        return budget < 0
    }

    private func exhausts(budget: inout Int) -> Bool {
        switch self {
        case .null, .bool, .int, .double: budget -= 4
        case .string(let text): budget -= text.utf8.count + 2
        case .array(let elements):
            budget -= 2
            for element in elements {
                budget -= 1
                if budget < 0 || element.exhausts(budget: &budget) { return true }
            }
        case .object(let members): return JSONValue.exhausts(members: members, budget: &budget)
        }
        return budget < 0
    }
}
