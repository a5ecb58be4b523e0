import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Retry, restart and rerun of a workflow in a tree of sub-workflows revive its ancestors (issue 21), ported
/// from Conductor's SubWorkflowRetrySpec, SubWorkflowRestartSpec and SubWorkflowRerunSpec (a root, a mid-level
/// and a leaf workflow, all FAILED because the leaf's `integration_task_2` failed) and WorkflowRerunTests. Where
/// Conductor keeps a replaced attempt FAILED, Baton keeps it CANCELED (decision 19). Every test runs on SQLite
/// and, when a server is given, on PostgreSQL.
@Suite("Sub-workflows revived by retry, restart and rerun")
struct SubWorkflowRevivalTests {
    /// The three workflows of Conductor's specs, once all of them have FAILED.
    struct Tree {
        var root: String
        var mid: String
        var leaf: String
    }

    /// Registers root → mid → leaf (each `t1` then `t2`; `t2` is a SUB_WORKFLOW except in the leaf) and runs
    /// them until the leaf's `t2` fails and the failure reaches the root, checking each step as the specs do.
    static func failedTree(on server: RunningServer) async throws -> Tree {
        try await server.registerTaskDefs("""
            [{"name":"integration_task_1","retryCount":0},{"name":"integration_task_2","retryCount":0}]
            """)
        try await server.registerWorkflow(#"{"name":"revival_leaf","tasks":[{"name":"integration_task_1","taskReferenceName":"t1"},{"name":"integration_task_2","taskReferenceName":"t2","inputParameters":{"tp2":"${t1.output.op}"}}]}"#)
        for (name, child) in [("revival_mid", "revival_leaf"), ("revival_root", "revival_mid")] {
            try await server.registerWorkflow(#"{"name":"\#(name)","tasks":[{"name":"integration_task_1","taskReferenceName":"t1"},{"name":"sub_workflow_task","taskReferenceName":"t2","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"\#(child)","version":1}}]}"#)
        }
        let root = try await server.start("revival_root", input: #"{"param1":"p1 value","param2":"p2 value"}"#)
        try await server.completeNext("integration_task_1", output: #"{"op":"task1.done"}"#)
        let mid = try #require(try await server.workflow(root).tasks.last?.subWorkflowId)
        #expect(try await server.workflow(mid).tasks.map(\.status) == [.scheduled])
        try await server.completeNext("integration_task_1", output: #"{"op":"task1.done"}"#)
        let leaf = try #require(try await server.workflow(mid).tasks.last?.subWorkflowId)
        try await server.completeNext("integration_task_1", output: #"{"op":"task1.done"}"#)
        try await server.report(try #require(try await server.poll("integration_task_2")), "FAILED", reason: "failed")
        for id in [leaf, mid, root] {
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.map(\.status) == [.completed, .failed])
        }
        return Tree(root: root, mid: mid, leaf: leaf)
    }

    /// Sends a signal and fails the test unless it is accepted.
    static func send(_ path: String, body: String = "{}", on server: RunningServer) async throws {
        let reply = try await server.client.send(.POST, path, body: body)
        #expect(reply.status == 204 || reply.status == 200, "\(path): \(reply.text)")
    }

    /// Expects a revived workflow: RUNNING, its `t2` SUB_WORKFLOW task IN_PROGRESS on `child`, acknowledged. A
    /// revival clears the failure lists; a retry keeps them (`retried`), as in Conductor.
    static func expectRevived(_ id: String, waitingFor child: String, retried: Bool = false, on server: RunningServer,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let workflow = try await server.workflow(id)
        #expect(workflow.status == .running, sourceLocation: sourceLocation)
        #expect(workflow.reasonForIncompletion == nil, sourceLocation: sourceLocation)
        #expect(workflow.endTime == 0, sourceLocation: sourceLocation)
        #expect(workflow.lastRetriedTime > 0, "the timeout counts afresh", sourceLocation: sourceLocation)
        #expect(workflow.failedReferenceTaskNames == (retried ? ["t2"] : []), sourceLocation: sourceLocation)
        #expect(workflow.tasks.count == 2, sourceLocation: sourceLocation)
        let task = try #require(workflow.tasks.last, sourceLocation: sourceLocation)
        #expect(task.status == .inProgress, sourceLocation: sourceLocation)
        #expect(task.subWorkflowId == child, sourceLocation: sourceLocation)
        #expect(!task.subworkflowChanged, "Conductor resets it at the next decision; Baton decides in the same transaction", sourceLocation: sourceLocation)
    }

    /// Expects a workflow COMPLETED with the task statuses given.
    static func expectCompleted(_ id: String, _ statuses: [TaskStatus], on server: RunningServer,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let workflow = try await server.workflow(id)
        #expect(workflow.status == .completed, sourceLocation: sourceLocation)
        #expect(workflow.tasks.map(\.status) == statuses, sourceLocation: sourceLocation)
        #expect(workflow.tasks.allSatisfy { !$0.subworkflowChanged }, sourceLocation: sourceLocation)
    }

    /// Completes a fresh leaf's two tasks.
    static func completeLeaf(on server: RunningServer) async throws {
        try await server.completeNext("integration_task_1", output: #"{"op":"task1.done"}"#)
        try await server.completeNext("integration_task_2", output: #"{"op":"task2.done"}"#)
    }

    // MARK: - SubWorkflowRetrySpec

    @Test("retry on the root: a new mid-level and a new leaf; all complete", arguments: TestStore.available)
    func retryRoot(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.root)/retry", on: server)
            var root = try await server.workflow(tree.root)
            #expect(root.status == .running)
            #expect(root.tasks.map(\.status) == [.completed, .canceled, .inProgress])
            #expect(root.tasks[1].retried)
            #expect(root.tasks[2].retriedTaskId == root.tasks[1].taskId)
            let mid = try #require(root.tasks[2].subWorkflowId)
            #expect(mid != tree.mid)
            #expect(try await server.workflow(mid).tasks.map(\.status) == [.scheduled])
            try await server.completeNext("integration_task_1")
            let leaf = try #require(try await server.workflow(mid).tasks.last?.subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(leaf, [.completed, .completed], on: server)
            try await Self.expectCompleted(mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .canceled, .completed], on: server)
            root = try await server.workflow(tree.root)
            #expect(root.tasks[2].retriedTaskId == root.tasks[1].taskId)
            #expect(try await server.workflow(tree.mid).status == .failed, "the old mid-level stays as it was")
        }
    }

    @Test("retry on the root with resumeSubworkflowTasks: the leaf is retried, mid-level and root revived",
          arguments: TestStore.available)
    func retryRootResuming(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.root)/retry?resumeSubworkflowTasks=true", on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, retried: true, on: server)
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, retried: true, on: server)
            let leaf = try await server.workflow(tree.leaf)
            #expect(leaf.status == .running)
            #expect(leaf.tasks.map(\.status) == [.completed, .canceled, .scheduled])
            #expect(leaf.tasks[1].retried)
            #expect(leaf.tasks[2].retriedTaskId == leaf.tasks[1].taskId)
            await server.sweep()
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, retried: true, on: server)
            try await server.completeNext("integration_task_2")
            try await Self.expectCompleted(tree.leaf, [.completed, .canceled, .completed], on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("retry on the mid-level: a new leaf; the root is revived", arguments: TestStore.available)
    func retryMid(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.mid)/retry", on: server)
            let mid = try await server.workflow(tree.mid)
            #expect(mid.status == .running)
            #expect(mid.tasks.map(\.status) == [.completed, .canceled, .inProgress])
            #expect(mid.tasks[1].retried)
            #expect(mid.tasks[2].retriedTaskId == mid.tasks[1].taskId)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            let leaf = try #require(mid.tasks[2].subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .canceled, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("retry on the mid-level with resumeSubworkflowTasks: the leaf is retried; mid-level and root revived",
          arguments: TestStore.available)
    func retryMidResuming(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.mid)/retry?resumeSubworkflowTasks=true", on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, retried: true, on: server)
            #expect(try await server.workflow(tree.leaf).tasks.map(\.status) == [.completed, .canceled, .scheduled])
            await server.sweep()
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await server.completeNext("integration_task_2")
            try await Self.expectCompleted(tree.leaf, [.completed, .canceled, .completed], on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("retry on the leaf revives mid-level and root, and says so in each one's event log",
          arguments: TestStore.available)
    func retryLeaf(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.leaf)/retry", on: server)
            let leaf = try await server.workflow(tree.leaf)
            #expect(leaf.status == .running)
            #expect(leaf.tasks.map(\.status) == [.completed, .canceled, .scheduled])
            #expect(leaf.tasks[2].retriedTaskId == leaf.tasks[1].taskId)
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            func events(_ id: String) async throws -> [WorkflowEvent] {
                try await server.client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            }
            let midEvents = try await events(tree.mid)
            #expect(midEvents.contains { $0.kind == "workflow.revived" && $0.detail?.contains("revived by the retry of child \(tree.leaf)") == true })
            #expect(midEvents.contains { $0.kind == "status.running" })
            let rootEvents = try await events(tree.root)
            #expect(rootEvents.contains { $0.kind == "workflow.revived" && $0.detail?.contains("descendant \(tree.leaf) (through child \(tree.mid))") == true })
            #expect(try await events(tree.leaf).contains { $0.kind == "ancestors.revived" && $0.detail == "the retry revived \(tree.mid), \(tree.root)" })
            try await server.completeNext("integration_task_2")
            try await Self.expectCompleted(tree.leaf, [.completed, .canceled, .completed], on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("retry on the leaf with resumeSubworkflowTasks revives mid-level and root", arguments: TestStore.available)
    func retryLeafResuming(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.leaf)/retry?resumeSubworkflowTasks=true", on: server)
            #expect(try await server.workflow(tree.leaf).tasks.map(\.status) == [.completed, .canceled, .scheduled])
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await server.completeNext("integration_task_2")
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    // MARK: - SubWorkflowRestartSpec

    @Test("restart on the root: a fresh run spawns a new mid-level and leaf", arguments: TestStore.available)
    func restartRoot(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.root)/restart", on: server)
            #expect(try await server.workflow(tree.root).tasks.map(\.status) == [.scheduled])
            try await server.completeNext("integration_task_1")
            let root = try await server.workflow(tree.root)
            #expect(root.tasks.map(\.status) == [.completed, .inProgress])
            let mid = try #require(root.tasks[1].subWorkflowId)
            #expect(mid != tree.mid)
            try await server.completeNext("integration_task_1")
            let leaf = try #require(try await server.workflow(mid).tasks.last?.subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("restart on the mid-level: a new leaf; the root is revived", arguments: TestStore.available)
    func restartMid(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.mid)/restart", on: server)
            #expect(try await server.workflow(tree.mid).tasks.map(\.status) == [.scheduled])
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await server.completeNext("integration_task_1")
            let leaf = try #require(try await server.workflow(tree.mid).tasks.last?.subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("restart on the leaf revives mid-level and root", arguments: TestStore.available)
    func restartLeaf(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.leaf)/restart", on: server)
            #expect(try await server.workflow(tree.leaf).tasks.map(\.status) == [.scheduled])
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(tree.leaf, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    // MARK: - SubWorkflowRerunSpec

    @Test("rerun on the root: a fresh run spawns a new mid-level and leaf", arguments: TestStore.available)
    func rerunRoot(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.root)/rerun", on: server)
            try await server.completeNext("integration_task_1")
            let root = try await server.workflow(tree.root)
            #expect(root.status == .running)
            #expect(root.tasks.map(\.status) == [.completed, .inProgress])
            let mid = try #require(root.tasks[1].subWorkflowId)
            #expect(mid != tree.mid)
            #expect(try await server.workflow(mid).tasks.map(\.status) == [.scheduled])
            try await server.completeNext("integration_task_1")
            let leaf = try #require(try await server.workflow(mid).tasks.last?.subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("rerun on the root from its first task: a new mid-level and leaf", arguments: TestStore.available)
    func rerunRootFromTask(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            let first = try #require(try await server.workflow(tree.root).tasks.first)
            try await Self.send("/api/workflow/\(tree.root)/rerun", body: #"{"reRunFromTaskId":"\#(first.taskId)"}"#, on: server)
            try await server.completeNext("integration_task_1")
            let root = try await server.workflow(tree.root)
            #expect(root.status == .running)
            #expect(root.tasks.map(\.referenceTaskName) == ["t1", "t1", "t2"])
            #expect(root.tasks.map(\.status) == [.canceled, .completed, .inProgress])
            let mid = try #require(root.tasks[2].subWorkflowId)
            #expect(mid != tree.mid)
            try await server.completeNext("integration_task_1")
            let leaf = try #require(try await server.workflow(mid).tasks.last?.subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.canceled, .completed, .completed], on: server)
        }
    }

    @Test("rerun on the mid-level: a new leaf; the root is revived", arguments: TestStore.available)
    func rerunMid(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.mid)/rerun", on: server)
            #expect(try await server.workflow(tree.mid).tasks.map(\.status) == [.scheduled])
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await server.completeNext("integration_task_1")
            let leaf = try #require(try await server.workflow(tree.mid).tasks.last?.subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("rerun on the mid-level from its first task: a new leaf; the root is revived", arguments: TestStore.available)
    func rerunMidFromTask(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            let first = try #require(try await server.workflow(tree.mid).tasks.first)
            try await Self.send("/api/workflow/\(tree.mid)/rerun", body: #"{"reRunFromTaskId":"\#(first.taskId)"}"#, on: server)
            #expect(try await server.workflow(tree.mid).tasks.map(\.status) == [.canceled, .scheduled])
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await server.completeNext("integration_task_1")
            let leaf = try #require(try await server.workflow(tree.mid).tasks.last?.subWorkflowId)
            #expect(leaf != tree.leaf)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(tree.mid, [.canceled, .completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("rerun on the leaf revives mid-level and root", arguments: TestStore.available)
    func rerunLeaf(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            try await Self.send("/api/workflow/\(tree.leaf)/rerun", on: server)
            #expect(try await server.workflow(tree.leaf).tasks.map(\.status) == [.scheduled])
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(tree.leaf, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("rerun on the leaf from its first task revives mid-level and root", arguments: TestStore.available)
    func rerunLeafFromTask(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            let first = try #require(try await server.workflow(tree.leaf).tasks.first)
            try await Self.send("/api/workflow/\(tree.leaf)/rerun", body: #"{"reRunFromTaskId":"\#(first.taskId)"}"#, on: server)
            #expect(try await server.workflow(tree.leaf).tasks.map(\.status) == [.canceled, .scheduled])
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await Self.completeLeaf(on: server)
            try await Self.expectCompleted(tree.leaf, [.canceled, .completed, .completed], on: server)
            try await Self.expectCompleted(tree.mid, [.completed, .completed], on: server)
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    // MARK: - WorkflowRerunTests and Conductor's updateAndPushParents

    @Test("rerun through the root with a task id of the leaf reruns the leaf from it and revives the tree",
          arguments: TestStore.available)
    func rerunThroughAncestor(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            let tree = try await Self.failedTree(on: server)
            let failed = try #require(try await server.workflow(tree.leaf).tasks.last)
            let reply = try await server.client.send(.POST, "/api/workflow/\(tree.root)/rerun",
                                                     body: #"{"reRunFromTaskId":"\#(failed.taskId)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.text == tree.root)
            #expect(try await server.workflow(tree.leaf).tasks.map(\.status) == [.completed, .canceled, .scheduled])
            try await Self.expectRevived(tree.mid, waitingFor: tree.leaf, on: server)
            try await Self.expectRevived(tree.root, waitingFor: tree.mid, on: server)
            try await server.completeNext("integration_task_2")
            try await Self.expectCompleted(tree.root, [.completed, .completed], on: server)
        }
    }

    @Test("a TERMINATED ancestor is revived too, as Conductor does", arguments: TestStore.available)
    func terminatedAncestor(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            try await server.registerTaskDefs(#"[{"name":"integration_task_1","retryCount":0},{"name":"integration_task_2","retryCount":0}]"#)
            try await server.registerWorkflow(#"{"name":"revival_leaf","tasks":[{"name":"integration_task_2","taskReferenceName":"t2"}]}"#)
            try await server.registerWorkflow(#"{"name":"revival_root","tasks":[{"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"revival_leaf"}}]}"#)
            let root = try await server.start("revival_root")
            let leaf = try #require(try await server.workflow(root).tasks.first?.subWorkflowId)
            let reply = try await server.client.send(.DELETE, "/api/workflow/\(root)?reason=operator+stop")
            #expect(reply.status == 200, "\(reply.text)")
            let terminated = try await server.workflow(leaf)
            #expect(terminated.status == .terminated)
            #expect(terminated.reasonForIncompletion == "Parent workflow has been terminated with reason: operator stop")
            try await Self.send("/api/workflow/\(leaf)/retry", on: server)
            let revived = try await server.workflow(root)
            #expect(revived.status == .running)
            #expect(revived.tasks.map(\.status) == [.inProgress])
            try await server.completeNext("integration_task_2")
            try await Self.expectCompleted(root, [.completed], on: server)
        }
    }

    @Test("retry of a child in a FORK reschedules the sibling its failure canceled; the JOIN waits again",
          arguments: TestStore.available)
    func canceledSiblingRescheduled(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            try await server.registerTaskDefs(#"[{"name":"task_in_sub","retryCount":0},{"name":"sibling_task","retryCount":0}]"#)
            try await server.registerWorkflow(#"{"name":"revival_child","tasks":[{"name":"task_in_sub","taskReferenceName":"task_in_sub"}]}"#)
            try await server.registerWorkflow("""
                {"name":"revival_fork","tasks":[
                  {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                    [{"name":"sub","taskReferenceName":"sub_wf_task","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"revival_child"}}],
                    [{"name":"sibling_task","taskReferenceName":"sibling_task"}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["sub_wf_task","sibling_task"]}]}
                """)
            let parent = try await server.start("revival_fork")
            let child = try #require(try await server.workflow(parent).tasks.first { $0.referenceTaskName == "sub_wf_task" }?.subWorkflowId)
            try await server.report(try #require(try await server.poll("task_in_sub")), "FAILED", reason: "boom")
            var workflow = try await server.workflow(parent)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.first { $0.referenceTaskName == "sibling_task" }?.status == .canceled)
            try await Self.send("/api/workflow/\(child)/retry", on: server)
            workflow = try await server.workflow(parent)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.first { $0.referenceTaskName == "join" }?.status == .inProgress)
            #expect(workflow.tasks.last { $0.referenceTaskName == "sibling_task" }?.status == .scheduled)
            try await server.completeNext("sibling_task")
            try await server.completeNext("task_in_sub")
            #expect(try await server.workflow(parent).status == .completed)
        }
    }

    @Test("revival retries in place the sibling child that the parent's end terminated", arguments: TestStore.available)
    func siblingChildRetried(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            try await server.registerTaskDefs(#"[{"name":"left_work","retryCount":0},{"name":"right_work","retryCount":0}]"#)
            try await server.registerWorkflow(#"{"name":"revival_left","tasks":[{"name":"left_work","taskReferenceName":"left_work"}]}"#)
            try await server.registerWorkflow(#"{"name":"revival_right","tasks":[{"name":"right_work","taskReferenceName":"right_work"}]}"#)
            try await server.registerWorkflow("""
                {"name":"revival_two_children","tasks":[
                  {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                    [{"name":"left","taskReferenceName":"left","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"revival_left"}}],
                    [{"name":"right","taskReferenceName":"right","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"revival_right"}}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["left","right"]}]}
                """)
            let parent = try await server.start("revival_two_children")
            var workflow = try await server.workflow(parent)
            let left = try #require(workflow.tasks.first { $0.referenceTaskName == "left" }?.subWorkflowId)
            let right = try #require(workflow.tasks.first { $0.referenceTaskName == "right" }?.subWorkflowId)
            try await server.report(try #require(try await server.poll("left_work")), "FAILED", reason: "boom")
            #expect(try await server.workflow(parent).status == .failed)
            #expect(try await server.workflow(right).status == .terminated)
            try await Self.send("/api/workflow/\(left)/retry", on: server)
            workflow = try await server.workflow(parent)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.filter { $0.referenceTaskName == "right" }.map(\.status) == [.inProgress],
                    "the sibling waits for its own child again")
            #expect(workflow.tasks.first { $0.referenceTaskName == "right" }?.subWorkflowId == right)
            #expect(try await server.workflow(right).status == .running)
            try await server.completeNext("right_work")
            try await server.completeNext("left_work")
            #expect(try await server.workflow(parent).status == .completed)
        }
    }

    @Test("a retry of the leaf racing a resuming retry of the root: one wins, the other is refused, the tree is consistent",
          arguments: TestStore.available)
    func racingRevivals(store: TestStore) async throws {
        try await withRunningServer(on: store) { server in
            var trees: [Tree] = []
            for _ in 0..<4 { trees.append(try await Self.failedTree(on: server)) }
            // Both lock the tree root first, so neither waits for the other in a cycle (PostgreSQL would break
            // such a deadlock only after its deadlock_timeout, and retry).
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for tree in trees {
                    group.addTask {
                        async let leaf = server.client.send(.POST, "/api/workflow/\(tree.leaf)/retry", body: "{}")
                        async let root = server.client.send(.POST, "/api/workflow/\(tree.root)/retry?resumeSubworkflowTasks=true",
                                                            body: "{}")
                        return try await [leaf.status, root.status]
                    }
                }
                var all: [[Int]] = []
                for try await pair in group { all.append(pair) }
                return all
            }
            for pair in statuses { #expect(pair.sorted() == [204, 409], "exactly one retry applies: \(pair)") }
            for tree in trees {
                for (id, child) in [(tree.root, tree.mid), (tree.mid, tree.leaf)] {
                    let workflow = try await server.workflow(id)
                    #expect(workflow.status == .running)
                    #expect(workflow.tasks.map(\.status) == [.completed, .inProgress])
                    #expect(workflow.tasks.last?.subWorkflowId == child)
                }
                #expect(try await server.workflow(tree.leaf).tasks.map(\.status) == [.completed, .canceled, .scheduled])
            }
        }
    }
}
