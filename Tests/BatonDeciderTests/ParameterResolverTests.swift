import BatonDecider
import BatonModel
import Testing

@Suite("ParameterResolver")
struct ParameterResolverTests {
    static let context: JSONObject = [
        "workflow": [
            "input": [
                "name": "ada",
                "count": 3,
                "ratio": 2.5,
                "flag": false,
                "nothing": nil,
                "list": [1, "two", nil],
                "map": ["k": "v", "n": 1],
                "key": "chosen",
                "field": "map",
            ],
            "workflowId": "wf-1",
        ],
        "t1": [
            "output": [
                "chosen": "picked",
                "items": [["id": "i0"], ["id": "i1"]],
            ]
        ],
    ]

    let resolver = ParameterResolver(context: Self.context)

    @Test(
        "a whole-string expression keeps the JSON type",
        arguments: [
            ("${workflow.input.name}", "ada"),
            ("${workflow.input.count}", 3),
            ("${workflow.input.ratio}", 2.5),
            ("${workflow.input.flag}", false),
            ("${workflow.input.nothing}", nil),
            ("${workflow.input.list}", [1, "two", nil]),
            ("${workflow.input.map}", ["k": "v", "n": 1]),
            ("${workflow.input.list.length()}", 3),
            ("${t1.output.items[*].id}", ["i0", "i1"]),
            ("${t1.output.items[-1].id}", "i1"),
            ("${ workflow.input.count }", 3),
        ] as [(String, JSONValue)]
    )
    func wholeString(expression: String, expected: JSONValue) {
        #expect(resolver.resolve(.string(expression)) == expected)
    }

    @Test(
        "expressions inside text are interpolated",
        arguments: [
            ("hello ${workflow.input.name}!", "hello ada!"),
            ("${workflow.input.name}-${workflow.input.count}", "ada-3"),
            ("n=${workflow.input.count}", "n=3"),
            ("r=${workflow.input.ratio}", "r=2.5"),
            ("f=${workflow.input.flag}", "f=false"),
            ("x=${workflow.input.nothing}", "x=null"),
            ("x=${workflow.input.missing}", "x=null"),
            ("m=${workflow.input.map}", #"m={"k":"v","n":1}"#),
            ("l=${workflow.input.list}", #"l=[1,"two",null]"#),
            ("no expressions here", "no expressions here"),
            ("price: $5 {not} an expression", "price: $5 {not} an expression"),
        ] as [(String, String)]
    )
    func interpolation(text: String, expected: String) {
        #expect(resolver.resolve(.string(text)) == .string(expected))
    }

    @Test(
        "`$${` escapes to a literal `${`",
        arguments: [
            ("$${workflow.input.name}", "${workflow.input.name}"),
            ("keep $${x} but ${workflow.input.name}", "keep ${x} but ada"),
            ("$${a} and $${b}", "${a} and ${b}"),
        ] as [(String, String)]
    )
    func escape(text: String, expected: String) {
        #expect(resolver.resolve(.string(text)) == .string(expected))
    }

    @Test("nested expressions resolve the inner one first")
    func nesting() {
        #expect(resolver.resolve(.string("${t1.output.${workflow.input.key}}")) == "picked")
        #expect(resolver.resolve(.string("${workflow.input.${workflow.input.field}}")) == ["k": "v", "n": 1])
        #expect(resolver.resolve(.string("v=${workflow.input.${workflow.input.field}.k}")) == "v=v")
        #expect(resolver.resolve(.string("${t1.output.${workflow.input.missing}}")) == nil)
    }

    @Test(
        "empty expressions become the empty string",
        arguments: [("${}", ""), ("${  }", ""), ("a${}b", "ab")] as [(String, String)]
    )
    func emptyExpression(text: String, expected: String) {
        #expect(resolver.resolve(.string(text)) == .string(expected))
    }

    @Test("missing paths resolve to null")
    func missing() {
        #expect(resolver.resolve(.string("${workflow.input.absent}")) == nil)
        #expect(resolver.resolve(.string("${nobody.output.x}")) == nil)
        #expect(resolver.resolve(.string("${workflow.input.list[9]}")) == nil)
    }

    @Test("an unclosed `${` stays literal while later expressions still resolve")
    func unclosed() {
        #expect(resolver.resolve(.string("${workflow.input.name")) == "${workflow.input.name")
        #expect(resolver.resolve(.string("${a ${workflow.input.name}")) == "${a ada")
    }

    @Test("objects and arrays are resolved recursively; other values pass through")
    func recursion() {
        let parameters: JSONObject = [
            "plain": 7,
            "flag": true,
            "none": nil,
            "nested": ["who": "${workflow.input.name}", "deeper": ["n": "${workflow.input.count}"]],
            "list": ["${workflow.input.count}", "id ${workflow.workflowId}", ["${workflow.input.flag}"]],
        ]
        let expected: JSONObject = [
            "plain": 7,
            "flag": true,
            "none": nil,
            "nested": ["who": "ada", "deeper": ["n": 3]],
            "list": [3, "id wf-1", [false]],
        ]
        #expect(resolver.resolve(parameters) == expected)
    }

    @Test("keys are never resolved")
    func keysUntouched() {
        #expect(resolver.resolve(["${workflow.input.name}": "x"]) == ["${workflow.input.name}": "x"])
    }

    @Test("CPEWF_TASK_ID resolves to the current task id")
    func currentTaskId() {
        #expect(resolver.resolve(.string("${CPEWF_TASK_ID}"), currentTaskId: "task-9") == "task-9")
        #expect(resolver.resolve(["id": "task=${CPEWF_TASK_ID}"], currentTaskId: "t7") == ["id": "task=t7"])
        #expect(resolver.resolve(.string("${CPEWF_TASK_ID}")) == nil)
    }

    @Test("environment variables and system properties are never resolved")
    func noEnvironment() {
        #expect(resolver.resolve(.string("${PATH}")) == nil)
        #expect(resolver.resolve(.string("${HOME}")) == nil)
        #expect(resolver.resolve(.string("${user.home}")) == nil)
    }

    // MARK: - Validation

    @Test("validation reports each unclosed expression with its location")
    func validation() {
        let problems = ParameterResolver.validate([
            "ok": "${workflow.input.a}",
            "bad": "${workflow.input.a",
            "list": ["fine", "x ${t1.output"],
            "escaped": "$${literal}",
            "number": 1,
        ])
        #expect(problems.count == 2)
        #expect(problems.contains { $0.hasPrefix("bad:") && $0.contains("${workflow.input.a") })
        #expect(problems.contains { $0.hasPrefix("list[1]:") })
    }

    @Test("well-formed values validate cleanly", arguments: [
        "${a.b}", "text", "${a.${b.c}}", "${}", "{}", "$", "a } b",
    ] as [JSONValue])
    func validValues(value: JSONValue) {
        #expect(ParameterResolver.validate(value).isEmpty)
    }

    @Test("a bare string with an unclosed expression is reported without a location")
    func validationAtRoot() {
        #expect(ParameterResolver.validate("${a.${b}") == ["expression '${a.${b}' has a '${' without a matching '}'"])
    }

    // MARK: - Context

    static func makeWorkflow(tasks: [BatonModel.TaskExecution] = []) -> Workflow {
        let definition = WorkflowDef(name: "orders", version: 4, tasks: [])
        var workflow = Workflow(workflowId: "wf-42", definition: definition, input: ["a": 1], createTime: 1_000)
        workflow.output = ["done": true]
        workflow.correlationId = "corr"
        workflow.parentWorkflowId = "parent"
        workflow.variables = ["v": "x"]
        workflow.taskToDomain = ["*": "blue"]
        workflow.tasks = tasks
        return workflow
    }

    static func makeTask(
        _ reference: String, seq: Int, output: JSONObject = [:], status: TaskStatus = .completed, iteration: Int = 0
    ) -> BatonModel.TaskExecution {
        var task = BatonModel.TaskExecution(
            taskId: "\(reference)-\(seq)", taskType: "SIMPLE", taskDefName: "def_\(reference)",
            referenceTaskName: reference, workflowInstanceId: "wf-42", seq: seq, scheduledTime: 100)
        task.outputData = output
        task.status = status
        task.iteration = iteration
        return task
    }

    @Test("the workflow entry carries Conductor's fields and omits absent ones")
    func workflowEntry() throws {
        let context = ParameterResolver.makeContext(workflow: Self.makeWorkflow(), tasks: [])
        let entry = try #require(context["workflow"]?.objectValue)
        #expect(entry["input"] == ["a": 1])
        #expect(entry["output"] == ["done": true])
        #expect(entry["status"] == "RUNNING")
        #expect(entry["workflowId"] == "wf-42")
        #expect(entry["workflowType"] == "orders")
        #expect(entry["version"] == 4)
        #expect(entry["schemaVersion"] == 2)
        #expect(entry["correlationId"] == "corr")
        #expect(entry["parentWorkflowId"] == "parent")
        #expect(entry["variables"] == ["v": "x"])
        #expect(entry["taskToDomain"] == ["*": "blue"])
        #expect(entry["parentWorkflowTaskId"] == nil)
        #expect(entry["reasonForIncompletion"] == nil)
        #expect(context.count == 1)
    }

    @Test("a task entry carries Conductor's fields and omits absent ones")
    func taskEntry() throws {
        var task = Self.makeTask("fetch", seq: 1, output: ["r": 1])
        task.inputData = ["q": "x"]
        task.retryCount = 2
        task.pollCount = 3
        task.startTime = 150
        task.endTime = 200
        task.callbackAfterSeconds = 5
        task.workerId = "worker-a"
        task.domain = "blue"
        let context = ParameterResolver.makeContext(workflow: Self.makeWorkflow(), tasks: [task])
        let entry = try #require(context["fetch"]?.objectValue)
        let expected: JSONObject = [
            "input": ["q": "x"], "output": ["r": 1], "taskType": "SIMPLE", "status": "COMPLETED",
            "referenceTaskName": "fetch", "retryCount": 2, "pollCount": 3, "taskDefName": "def_fetch",
            "scheduledTime": 100, "startTime": 150, "endTime": 200, "workflowInstanceId": "wf-42",
            "taskId": "fetch-1", "callbackAfterSeconds": 5, "workerId": "worker-a", "iteration": 0,
            "domain": "blue",
        ]
        #expect(entry == expected)
    }

    @Test("the latest attempt (highest seq) of a reference name wins, whatever the list order")
    func latestAttempt() {
        let tasks = [
            Self.makeTask("t", seq: 3, output: ["attempt": 2]),
            Self.makeTask("t", seq: 1, output: ["attempt": 0], status: .failed),
            Self.makeTask("t", seq: 2, output: ["attempt": 1], status: .failed),
        ]
        let context = ParameterResolver.makeContext(workflow: Self.makeWorkflow(), tasks: tasks)
        let resolver = ParameterResolver(context: context)
        #expect(resolver.resolve(.string("${t.output.attempt}")) == 2)
        #expect(resolver.resolve(.string("${t.status}")) == "COMPLETED")
        #expect(resolver.resolve(.string("${t.taskId}")) == "t-3")
    }

    @Test("DO_WHILE iterations appear under the stripped name (latest) and their full name")
    func doWhileSuffix() {
        let tasks = [
            Self.makeTask("loop", seq: 1, status: .inProgress),
            Self.makeTask("step__1", seq: 2, output: ["i": 1], iteration: 1),
            Self.makeTask("step__2", seq: 3, output: ["i": 2], iteration: 2),
            Self.makeTask("step__3", seq: 4, output: ["i": 3], status: .scheduled, iteration: 3),
        ]
        let context = ParameterResolver.makeContext(workflow: Self.makeWorkflow(), tasks: tasks)
        let resolver = ParameterResolver(context: context)
        #expect(resolver.resolve(.string("${step.output.i}")) == 3)
        #expect(resolver.resolve(.string("${step.iteration}")) == 3)
        #expect(resolver.resolve(.string("${step.referenceTaskName}")) == "step__3")
        #expect(resolver.resolve(.string("${step__1.output.i}")) == 1)
        #expect(resolver.resolve(.string("${step__2.output.i}")) == 2)
        #expect(resolver.resolve(.string("${loop.status}")) == "IN_PROGRESS")
    }

    @Test("a task literally named like the stripped alias takes precedence over it")
    func exactNameWins() {
        let tasks = [
            Self.makeTask("x", seq: 1, output: ["who": "exact"]),
            Self.makeTask("x__5", seq: 2, output: ["who": "suffixed"]),
        ]
        let context = ParameterResolver.makeContext(workflow: Self.makeWorkflow(), tasks: tasks)
        #expect(JSONPath.evaluate("x.output.who", in: .object(context)) == "exact")
        #expect(JSONPath.evaluate("x__5.output.who", in: .object(context)) == "suffixed")
    }

    @Test(
        "a resolver over an execution builds only the entries it reads, and resolves as the full context does",
        arguments: [
            "${step.output.i}", "${step__1.output.i}", "${x.output.who}", "${x__5.output.who}", "${workflow.input.a}",
            "${missing}", "${missing[*]}", "${missing.length()}", "${$..who.length()}", "${$.step.output.i}", "${$}", "${[*]}",
            "${ workflow.status }", "${\tworkflow.status\n}", "${workflow.${x.output.who}}", "${}", "$${step.output.i}",
            "${step.output.i} of ${workflow.workflowType}", "${workflow.input.a",
        ]
    )
    func lazyExecutionContext(expression: String) {
        let workflow = Self.makeWorkflow(tasks: [
            Self.makeTask("x", seq: 1, output: ["who": "exact"]),
            Self.makeTask("x__5", seq: 2, output: ["who": "suffixed"]),
            Self.makeTask("step__1", seq: 3, output: ["i": 1], iteration: 1),
            Self.makeTask("step__2", seq: 4, output: ["i": 2], iteration: 2),
        ])
        let full = ParameterResolver(context: ParameterResolver.makeContext(workflow: workflow, tasks: workflow.tasks))
        let lazy = ParameterResolver(workflow: workflow)
        #expect(lazy.resolve(.string(expression)) == full.resolve(.string(expression)))
    }

    @Test("resolving against a built context reads workflow and task data together")
    func endToEnd() {
        let tasks = [Self.makeTask("fetch", seq: 1, output: ["items": [["id": 7]]])]
        let context = ParameterResolver.makeContext(workflow: Self.makeWorkflow(), tasks: tasks)
        let resolved = ParameterResolver(context: context).resolve([
            "first": "${fetch.output.items[0].id}",
            "label": "${workflow.workflowType} v${workflow.version} #${fetch.output.items.length()}",
            "input": "${workflow.input}",
        ])
        #expect(resolved == ["first": 7, "label": "orders v4 #1", "input": ["a": 1]])
    }
}
