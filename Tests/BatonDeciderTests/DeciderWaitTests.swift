import BatonDecider
@_spi(Engine) import BatonModel
import Testing

@Suite("Decider: WAIT")
struct DeciderWaitTests {
    static func definition(wait input: JSONObject) -> WorkflowDef {
        Fixtures.definition([Fixtures.wait(input: input), Fixtures.simple(2)])
    }

    @Test("a WAIT without duration or until waits until a signal completes it")
    func waitsForever() throws {
        var run = Run(Self.definition(wait: [:]))
        var wait = try run.task("wait")
        #expect(wait.status == .inProgress)
        #expect(wait.startTime == t0)
        #expect(wait.waitUntil == 0)
        #expect(run.decider.nextWakeUp(of: run.workflow) == nil)

        run.at(t0 + seconds(30 * 86_400))
        run.decide()
        wait = try run.task("wait")
        #expect(wait.status == .inProgress)
        #expect(run.attempts("t2").isEmpty)

        let result = try run.decider.result(forReferenceName: "wait", in: run.workflow, status: .completed,
                                            output: ["approved": true], workerId: nil)
        #expect(try run.decider.apply(result, to: &run.workflow) == .applied)
        run.decide()
        #expect(try run.task("wait").status == .completed)
        #expect(try run.task("wait").outputData == ["approved": true])
        #expect(try run.task("t2").status == .scheduled)
    }

    @Test(
        "a WAIT with a duration completes once it has passed",
        arguments: [
            ("10s", 10),
            ("1 hour 30 mins", 5_400),
            ("2d 3h", 2 * 86_400 + 3 * 3_600),
            ("${workflow.input.pause}", 45),
        ] as [(String, Int64)]
    )
    func duration(text: String, waitSeconds: Int64) throws {
        var run = Run(Self.definition(wait: ["duration": .string(text)]), input: ["pause": "45 seconds"])
        let due = t0 + seconds(waitSeconds)
        var wait = try run.task("wait")
        #expect(wait.status == .inProgress)
        #expect(wait.callbackAfterSeconds == waitSeconds)
        #expect(wait.waitUntil == due)
        #expect(run.decider.nextWakeUp(of: run.workflow) == due)

        run.at(due - 1)
        run.decide()
        #expect(try run.task("wait").status == .inProgress)
        #expect(run.attempts("t2").isEmpty)

        run.at(due)
        run.decide()
        wait = try run.task("wait")
        #expect(wait.status == .completed)
        #expect(wait.endTime == due)
        let next = try run.task("t2")
        #expect(next.status == .scheduled)
        #expect(next.scheduledTime == due)
        #expect(run.decider.nextWakeUp(of: run.workflow) == nil)
    }

    @Test("a WAIT until an instant completes at that instant")
    func until() throws {
        // t0 is 2023-11-14 22:13:20 UTC; 22:30 is 1000 s later.
        var run = Run(Self.definition(wait: ["until": "2023-11-14 22:30"]))
        let due = t0 + seconds(1_000)
        #expect(try run.task("wait").callbackAfterSeconds == 1_000)
        #expect(run.decider.nextWakeUp(of: run.workflow) == due)
        run.at(due)
        run.decide()
        #expect(try run.task("wait").status == .completed)
        #expect(try run.task("t2").status == .scheduled)
    }

    @Test("a WAIT until an instant already past completes at once")
    func untilPast() throws {
        let run = Run(Self.definition(wait: ["until": "2020-01-01"]))
        #expect(try run.task("wait").status == .completed)
        #expect(try run.task("t2").status == .scheduled)
    }

    @Test(
        "a WAIT with both inputs, or an unreadable one, fails with a terminal error and fails the workflow",
        arguments: [
            ["duration": "10s", "until": "2030-01-01"],
            ["duration": "${workflow.input.pause}"],
            ["until": "next tuesday"],
        ] as [JSONObject]
    )
    func invalid(input: JSONObject) throws {
        let run = Run(Self.definition(wait: input), input: ["pause": "a while"])
        let wait = try run.task("wait")
        #expect(wait.status == .failedWithTerminalError)
        #expect(wait.reasonForIncompletion?.isEmpty == false)
        #expect(run.attempts("wait").count == 1)
        #expect(run.status == .failed)
        #expect(run.workflow.failedReferenceTaskNames == ["wait"])
        #expect(run.attempts("t2").isEmpty)
    }

    @Test("both duration and until gives Conductor's reason")
    func bothReason() throws {
        let run = Run(Self.definition(wait: ["duration": "10s", "until": "2030-01-01"]))
        let wait = try run.task("wait")
        #expect(wait.reasonForIncompletion == "Both 'duration' and 'until' specified. Please provide only one input")
        #expect(run.workflow.reasonForIncompletion == "Task \(wait.taskId) failed with status: FAILED and reason: "
            + "'Both 'duration' and 'until' specified. Please provide only one input'")
    }
}
