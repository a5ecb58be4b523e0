import BatonDecider
import BatonModel
import Testing

@Suite("DefinitionValidator")
struct DefinitionValidatorTests {
    static func valid() -> WorkflowDef {
        Fixtures.definition([
            Fixtures.simple(1, input: ["x": "${workflow.input.x}"]),
            wait("wait", input: ["duration": "10s"]),
            WorkflowTask(name: "review", taskReferenceName: "review", type: .human),
        ])
    }

    /// A WAIT node as a user writes it (the engine attaches its task definition only at start).
    static func wait(_ reference: String, input: JSONObject) -> WorkflowTask {
        WorkflowTask(name: reference, taskReferenceName: reference, type: .wait, inputParameters: input)
    }

    @Test("a well-formed definition has no problems")
    func valid() {
        #expect(DefinitionValidator.problems(in: Self.valid()) == [])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var expected: String
        var change: @Sendable (inout WorkflowDef) -> Void
    }

    static let cases: [Case] = [
        Case(testDescription: "missing name", expected: "WorkflowDef name cannot be null or empty") { $0.name = " " },
        Case(testDescription: "no tasks", expected: "WorkflowTask list cannot be empty") { $0.tasks = [] },
        Case(testDescription: "duplicate reference", expected: "taskReferenceName 't1' is used more than once") {
            $0.tasks.append(Fixtures.simple(1))
        },
        Case(testDescription: "duplicate nested reference", expected: "taskReferenceName 'inner' is used more than once") {
            var fork = WorkflowTask(name: "fork", taskReferenceName: "fork", type: .forkJoin)
            fork.forkTasks = [[WorkflowTask(name: "a", taskReferenceName: "inner")],
                              [WorkflowTask(name: "b", taskReferenceName: "inner")]]
            $0.tasks.append(fork)
        },
        Case(testDescription: "nested reference clashing with a top-level one",
             expected: "taskReferenceName 't1' is used more than once") {
            var branch = WorkflowTask(name: "switch", taskReferenceName: "switch", type: .switchTask)
            branch.decisionCases = ["yes": [WorkflowTask(name: "again", taskReferenceName: "t1")]]
            $0.tasks.append(branch)
        },
        Case(testDescription: "empty reference", expected: "WorkflowTask taskReferenceName cannot be empty") {
            $0.tasks.append(WorkflowTask(name: "nameless", taskReferenceName: ""))
        },
        Case(testDescription: "unknown type", expected: "Unknown task type 'TELEPORT' for task 'beam'") {
            $0.tasks.append(WorkflowTask(name: "beam", taskReferenceName: "beam", type: TaskType("TELEPORT")))
        },
        Case(testDescription: "unsupported type", expected: "Task type 'KAFKA_PUBLISH' (task 'call') is not supported") {
            $0.tasks.append(WorkflowTask(name: "call", taskReferenceName: "call", type: .kafkaPublish))
        },
        Case(testDescription: "unclosed expression in input",
             expected: "task 't9' inputParameters: nested.key: expression '${workflow.input.x' has a '${' without a matching '}'") {
            $0.tasks.append(Fixtures.simple(9, input: ["nested": ["key": "${workflow.input.x"]]))
        },
        Case(testDescription: "unclosed expression in output", expected: "outputParameters: result: expression") {
            $0.outputParameters = ["result": "${t1.output"]
        },
        Case(testDescription: "WAIT with both duration and until",
             expected: "WAIT task 'both' cannot have both 'duration' and 'until'") {
            $0.tasks.append(DefinitionValidatorTests.wait("both", input: ["duration": "1h", "until": "2030-01-01"]))
        },
        Case(testDescription: "WAIT with a bad duration", expected: "WAIT task 'pause' has an invalid duration 'ten years'") {
            $0.tasks.append(DefinitionValidatorTests.wait("pause", input: ["duration": "ten years"]))
        },
        Case(testDescription: "WAIT with a bad until", expected: "WAIT task 'later' has an invalid until 'someday'") {
            $0.tasks.append(DefinitionValidatorTests.wait("later", input: ["until": "someday"]))
        },
        Case(testDescription: "inline TaskDef with a negative retry count",
             expected: "task 't5': TaskDef retryCount: must be >= 0") {
            $0.tasks.append(Fixtures.simple(5, taskDef: TaskDef(name: "task_5", retryCount: -1)))
        },
        Case(testDescription: "negative startDelay", expected: "startDelay must not be negative (task 't6')") {
            var node = Fixtures.simple(6)
            node.startDelay = -1
            $0.tasks.append(node)
        },
        Case(testDescription: "unsupported schema version", expected: "schemaVersion: 1 is not supported") {
            $0.schemaVersion = 1
        },
    ]

    @Test("each problem is reported", arguments: cases)
    func problem(_ testCase: Case) {
        var definition = Self.valid()
        testCase.change(&definition)
        let problems = DefinitionValidator.problems(in: definition)
        #expect(problems.contains { $0.contains(testCase.expected) }, "\(problems)")
    }

    @Test("an inline TaskDef may have a response timeout above its timeout, as Conductor lets it (a registered one may not)")
    func inlineTaskDefTimeouts() {
        var definition = Self.valid()
        let taskDef = TaskDef(name: "task_5", timeoutSeconds: 60, responseTimeoutSeconds: 120)
        definition.tasks.append(Fixtures.simple(5, taskDef: taskDef))
        #expect(DefinitionValidator.problems(in: definition).isEmpty)
        #expect(DefinitionValidator.problems(in: taskDef)
            == ["TaskDef: task_5 responseTimeoutSeconds: 120 must be less than timeoutSeconds: 60"])
    }

    @Test("a WAIT duration given by an expression is checked when it runs, not when stored")
    func waitExpression() {
        var definition = Self.valid()
        definition.tasks.append(Self.wait("dynamic", input: ["duration": "${workflow.input.pause}"]))
        #expect(DefinitionValidator.problems(in: definition) == [])
    }

    @Test(
        "task definition checks",
        arguments: [
            (TaskDef(name: "ok", timeoutSeconds: 60, responseTimeoutSeconds: 60), nil),
            (TaskDef(name: "ok", timeoutSeconds: 0, responseTimeoutSeconds: 7_200), nil),
            (TaskDef(name: "", responseTimeoutSeconds: 10), "TaskDef name cannot be null or empty"),
            (TaskDef(name: "late", timeoutSeconds: 10, responseTimeoutSeconds: 11),
             "TaskDef: late responseTimeoutSeconds: 11 must be less than timeoutSeconds: 10"),
            (TaskDef(name: "zero", responseTimeoutSeconds: 0), "TaskDef responseTimeoutSeconds: must be >= 1"),
            (TaskDef(name: "neg", retryCount: -1), "TaskDef retryCount: must be >= 0"),
            ({ var jittery = TaskDef(name: "jittery"); jittery.backoffJitterMs = -1; return jittery }(),
             "TaskDef backoffJitterMs: must be >= 0"),
        ] as [(TaskDef, String?)]
    )
    func taskDef(taskDef: TaskDef, expected: String?) {
        let problems = DefinitionValidator.problems(in: taskDef)
        if let expected {
            #expect(problems.contains(expected), "\(problems)")
        } else {
            #expect(problems == [])
        }
    }
}
