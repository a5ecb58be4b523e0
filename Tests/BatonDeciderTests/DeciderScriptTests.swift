import BatonDecider
import BatonModel
import Synchronization
import Testing

/// Evaluates the scripts these tests use without a JavaScript engine: a loop condition (which names the loop)
/// holds while the loop's iteration is below `rounds`; a SWITCH expression returns the input's `kind`.
struct StubScripts: ScriptEvaluator {
    func evaluateJavaScript(_ script: String, input: JSONValue) throws(ScriptError) -> JSONValue {
        if script == "throw" { throw ScriptError(.failed, "thrown") }
        if script == "kind" { return input.objectValue?["kind"] ?? .null }
        let iteration = input.objectValue?["loop"]?.objectValue?["iteration"]?.intValue ?? 0
        return .bool(iteration < (input.objectValue?["rounds"]?.intValue ?? 0))
    }

    func evaluateJQ(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue] { [input] }
}

@Suite("Decider: scripts wait for the script runner")
struct DeciderScriptTests {
    static let switchNode: WorkflowTask = {
        var node = WorkflowTask(name: "pick", taskReferenceName: "pick", type: .switchTask,
                                inputParameters: ["kind": "${workflow.input.kind}"])
        node.evaluatorType = "javascript"
        node.expression = "kind"
        node.decisionCases = ["a": [Fixtures.simple(1)]]
        node.defaultCase = [Fixtures.simple(2)]
        return node
    }()

    static let loopNode: WorkflowTask = {
        var node = WorkflowTask(name: "loop", taskReferenceName: "loop", type: .doWhile,
                                inputParameters: ["rounds": "${workflow.input.rounds}"])
        node.loopCondition = "$.loop['iteration'] < $.rounds"
        node.loopOver = [Fixtures.simple(1)]
        return node
    }()

    /// The script runner's round: poll the latest attempt of `reference`, evaluate it, record its result, decide.
    static func runScript(_ reference: String, in run: inout Run) throws {
        try run.poll(reference, worker: ScriptTask.workerId)
        let result = ScriptTask(try run.task(reference)).evaluate(with: StubScripts())
        _ = try run.decider.apply(result, to: &run.workflow)
        run.decide()
    }

    @Test("a JavaScript SWITCH is queued for the runner, not evaluated; its result enters the selected branch")
    func switchWaitsForTheRunner() throws {
        var run = Run(Fixtures.definition([Self.switchNode]), input: ["kind": "a"])
        let pick = try run.task("pick")
        #expect(pick.status == .scheduled)
        #expect(TaskKind(pick) == .script)
        #expect(run.workflow.tasks.count == 1)
        try Self.runScript("pick", in: &run)
        #expect(try run.task("pick").status == .completed)
        #expect(try run.task("pick").outputData == ["evaluationResult": ["a"], "selectedCase": "a"])
        #expect(try run.task("pick").inputData["case"] == "a")
        #expect(try run.task("t1").status == .scheduled)
    }

    @Test("a SWITCH whose script throws fails with the reason")
    func switchFailure() throws {
        var node = Self.switchNode
        node.expression = "throw"
        var run = Run(Fixtures.definition([node]))
        try Self.runScript("pick", in: &run)
        #expect(try run.task("pick").status == .failed)
        #expect(try run.task("pick").reasonForIncompletion == "Evaluation of the SWITCH expression failed: thrown")
        #expect(run.status == .failed)
    }

    @Test("a DO_WHILE's condition is queued when an iteration ends; IN_PROGRESS from the runner starts the next, COMPLETED ends the loop")
    func loopConditionWaitsForTheRunner() throws {
        var run = Run(Fixtures.definition([Self.loopNode]), input: ["rounds": 2])
        try run.finish("t1__1")
        #expect(try run.task("loop").status == .scheduled)
        #expect(TaskKind(try run.task("loop")) == .script)
        #expect(run.attempts("t1__2").isEmpty)
        run.decide()
        #expect(try run.task("loop").status == .scheduled, "deciding again does not re-evaluate")
        try Self.runScript("loop", in: &run)
        #expect(try run.task("loop").status == .inProgress)
        #expect(try run.task("t1__2").status == .scheduled)
        try run.finish("t1__2")
        try Self.runScript("loop", in: &run)
        #expect(try run.task("loop").status == .completed)
        #expect(try run.task("loop").outputData["iteration"] == 2)
        #expect(run.status == .completed)
    }

    @Test("a second evaluation of a condition already acted on changes nothing")
    func duplicateLoopResult() throws {
        var run = Run(Fixtures.definition([Self.loopNode]), input: ["rounds": 3])
        try run.finish("t1__1")
        try run.poll("loop", worker: ScriptTask.workerId)
        let result = ScriptTask(try run.task("loop")).evaluate(with: StubScripts())
        _ = try run.decider.apply(result, to: &run.workflow)
        run.decide()
        #expect(try run.task("t1__2").status == .scheduled)
        let outcome = try run.decider.apply(result, to: &run.workflow)
        #expect(outcome == .ignored(reason: "Loop task-1 is not waiting for its condition"))
        #expect(try run.task("loop").workerId == nil)
        try run.finish("t1__2")
        #expect(try run.task("loop").status == .scheduled, "the next condition is queued as usual")
    }

    @Test("a condition held while the workflow is paused starts the next iteration at resume")
    func loopResultDuringPause() throws {
        var run = Run(Fixtures.definition([Self.loopNode]), input: ["rounds": 3])
        try run.finish("t1__1")
        try run.poll("loop", worker: ScriptTask.workerId)
        _ = try run.decider.pause(&run.workflow)
        let result = ScriptTask(try run.task("loop")).evaluate(with: StubScripts())
        #expect(result.status == .inProgress)
        _ = try run.decider.apply(result, to: &run.workflow)
        run.decide()
        #expect(run.attempts("t1__2").isEmpty, "nothing is scheduled while paused")
        _ = try run.decider.resume(&run.workflow)
        #expect(try run.task("t1__2").status == .scheduled)
    }

    @Test("a script task whose runner lease expires is queued again, not timed out")
    func expiredLeaseRequeues() throws {
        var node = WorkflowTask(name: "calc", taskReferenceName: "calc", type: .inline,
                                inputParameters: ["expression": "1", "evaluatorType": "javascript"])
        node.taskDefinition = TaskDef(name: "calc", retryCount: 0, responseTimeoutSeconds: 0)
        var run = Run(Fixtures.definition([node]))
        #expect(try run.task("calc").responseTimeoutSeconds == Decider.scriptLeaseSeconds)
        try run.poll("calc")
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(Decider.scriptLeaseSeconds))
        run.at(t0 + seconds(Decider.scriptLeaseSeconds))
        run.decide()
        #expect(try run.task("calc").status == .scheduled)
        #expect(run.attempts("calc").count == 1)
    }

    /// Records the input of each script it is given.
    final class RecordingScripts: ScriptEvaluator, Sendable {
        let inputs = Mutex<[JSONValue]>([])

        func evaluateJavaScript(_ script: String, input: JSONValue) throws(ScriptError) -> JSONValue {
            inputs.withLock { $0.append(input) }
            return false
        }

        func evaluateJQ(_ query: String, input: JSONValue) throws(ScriptError) -> [JSONValue] { [input] }
    }

    @Test("a loop condition sees the iteration's outputs, and the loop's own output (every iteration's) only when it names the loop",
          arguments: [("$.t1['done'] != true", false), ("$.loop['iteration'] < 3", true)])
    func conditionInput(condition: String, seesTheLoop: Bool) throws {
        var node = Self.loopNode
        node.loopCondition = condition
        var run = Run(Fixtures.definition([node]), input: ["rounds": 2])
        try run.finish("t1__1", output: ["done": false])
        try run.poll("loop", worker: ScriptTask.workerId)
        let scripts = RecordingScripts()
        _ = ScriptTask(try run.task("loop")).evaluate(with: scripts)
        let input = try #require(scripts.inputs.withLock { $0.first }?.objectValue)
        #expect(input["t1"] == ["done": false], "the body task's output of the iteration that ended")
        #expect(input["rounds"] == 2, "the loop's input")
        #expect((input["loop"] != nil) == seesTheLoop, "\(input.keys.sorted())")
        if seesTheLoop { #expect(input["loop"]?.objectValue?["iteration"] == 1) }
    }
}
