import BatonDecider
import BatonModel
import Testing

@Suite("Decider: skip a task ahead")
struct DeciderSkipTests {
    @Test("a skipped task records the request's data and is passed over when reached; the workflow completes")
    func passedOver() throws {
        var run = Run(Fixtures.definition(simpleTasks: 3))
        run.decide()
        _ = try run.decider.skip("t2", in: &run.workflow, SkipTaskRequest(taskInput: ["why": "ops"], taskOutput: ["v": 7]))
        let skipped = try run.task("t2")
        #expect(skipped.status == .skipped)
        #expect(skipped.inputData == ["why": "ops"])
        #expect(skipped.outputData == ["v": 7])
        try run.finish("t1")
        #expect(try run.task("t3").status == .scheduled)
        #expect(run.attempts("t2").count == 1)
        try run.finish("t3")
        #expect(run.status == .completed)
    }

    @Test("refused, changing nothing: an unknown reference (not found); a task already there, a fork or join, a loop's task, a workflow not RUNNING (conflicts)")
    func refusals() throws {
        var loop = WorkflowTask(name: "loop", taskReferenceName: "loop", type: .doWhile)
        loop.loopCondition = "false"
        loop.loopOver = [Fixtures.simple(3)]
        var fork = WorkflowTask(name: "fork", taskReferenceName: "fork", type: .forkJoin)
        fork.forkTasks = [[Fixtures.simple(4)], [Fixtures.simple(5)]]
        var join = WorkflowTask(name: "join", taskReferenceName: "join", type: .join)
        join.joinOn = ["t4", "t5"]
        var run = Run(Fixtures.definition([Fixtures.simple(1), Fixtures.simple(2), loop, fork, join]))
        run.decide()
        for (reference, code) in [("nope", DeciderError.Code.notFound), ("t1", .conflict), ("t3", .conflict),
                                  ("fork", .conflict), ("join", .conflict)] {
            let before = run.workflow
            let error = #expect(throws: DeciderError.self) { try run.decider.skip(reference, in: &run.workflow, SkipTaskRequest()) }
            #expect(error?.code == code, "\(reference)")
            #expect(run.workflow == before)
        }
        _ = try run.decider.pause(&run.workflow)
        let error = #expect(throws: DeciderError.self) { try run.decider.skip("t2", in: &run.workflow, SkipTaskRequest()) }
        #expect(error?.code == .conflict)
    }
}
