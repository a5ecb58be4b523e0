import BatonDecider
import BatonModel
import Testing

/// `Decider.revive`: a parent whose child runs again (issue 21).
@Suite("Decider: revival of a parent")
struct DeciderRevivalTests {
    /// A parent `t1` → `sub` (SUB_WORKFLOW) → `t3`, FAILED because its child `child-1` failed.
    static func failedParent(optional: Bool = false) throws -> (Run, child: Workflow) {
        var sub = WorkflowTask(name: "sub", taskReferenceName: "sub", type: .subWorkflow)
        sub.subWorkflowParam = SubWorkflowParams(name: "child")
        sub.optional = optional
        var run = Run(Fixtures.definition([Fixtures.simple(1), sub, Fixtures.simple(3)]))
        try run.finish("t1")
        let index = try run.index(of: "sub")
        run.workflow.tasks[index].status = .inProgress
        run.workflow.tasks[index].subWorkflowId = "child-1"
        var child = Workflow(workflowId: "child-1", definition: Fixtures.definition(simpleTasks: 1), input: [:], createTime: t0)
        child.status = .failed
        child.reasonForIncompletion = "boom"
        run.decider.follow(child, taskAt: index, in: &run.workflow)
        run.decide()
        child.status = .running
        child.reasonForIncompletion = nil
        return (run, child)
    }

    @Test("an ended parent is RUNNING again, its task IN_PROGRESS on the same child, its timeout counted afresh")
    func revivesEndedParent() throws {
        var (run, child) = try Self.failedParent()
        #expect(run.status == .failed)
        #expect(run.workflow.failedReferenceTaskNames == ["sub"])
        run.at(t0 + seconds(60))
        let taskId = try run.task("sub").taskId
        let effects = try #require(run.decider.revive(&run.workflow, for: child, taskId: taskId, cause: "revived by the retry of child child-1"))
        #expect(run.status == .running)
        #expect(run.workflow.reasonForIncompletion == nil)
        #expect(run.workflow.endTime == 0)
        #expect(run.workflow.lastRetriedTime == t0 + seconds(60))
        #expect(run.workflow.failedReferenceTaskNames.isEmpty)
        let task = try run.task("sub")
        #expect(task.taskId == taskId)
        #expect(task.status == .inProgress)
        #expect(task.subWorkflowId == "child-1")
        #expect(task.retryCount == 0)
        #expect(!task.subworkflowChanged, "Conductor resets it at the next decision, made here at once")
        #expect(effects.notes.map(\.kind.rawValue) == ["task.reopened", "workflow.revived"])
        #expect(effects.notes.allSatisfy { $0.detail?.hasPrefix("revived by the retry of child child-1") == true })
        child.status = .completed
        run.decider.follow(child, taskAt: try run.index(of: "sub"), in: &run.workflow)
        run.decide()
        #expect(try run.task("t3").status == .scheduled, "the parent moves on as usual")
    }

    @Test("a child that ended at once moves the reopened task on at once")
    func childEndedAtOnce() throws {
        var (run, child) = try Self.failedParent()
        child.status = .completed
        let taskId = try run.task("sub").taskId
        _ = try #require(run.decider.revive(&run.workflow, for: child, taskId: taskId, cause: "revived"))
        #expect(try run.task("sub").status == .completed)
        #expect(try run.task("t3").status == .scheduled)
    }

    @Test("no revival when the parent no longer waits for the child", arguments: ["gone", "other child", "replaced", "live", "optional"])
    func noRevival(situation: String) throws {
        var (run, child) = try Self.failedParent(optional: situation == "optional")
        var taskId = try run.task("sub").taskId
        let index = try run.index(of: "sub")
        switch situation {
        case "gone": taskId = "no-such-task"
        case "other child": run.workflow.tasks[index].subWorkflowId = "child-2"
        case "replaced": run.workflow.tasks[index].retried = true
        case "live": run.workflow.tasks[index].status = .inProgress
        default: break
        }
        let before = run.workflow
        #expect(run.decider.revive(&run.workflow, for: child, taskId: taskId, cause: "revived") == nil)
        #expect(run.workflow == before)
    }
}
