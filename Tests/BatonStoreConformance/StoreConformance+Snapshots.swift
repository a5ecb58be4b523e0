import BatonModel
import BatonPersistence

extension StoreConformance {
    static let snapshotCases: [ConformanceCase] = [
        ConformanceCase("snapshots: executions of one definition share it; a changed one is kept apart") { store in
            let original = Fixtures.definition()
            let changed = Fixtures.definition(description: "Charges, then ships — changed")
            try await store.insert(
                Fixtures.workflow(id: "wf-a", definition: original),
                Fixtures.workflow(id: "wf-b", definition: original),
                Fixtures.workflow(id: "wf-c", definition: changed))
            try expectEqual(try await store.workflow("wf-a")?.workflowDefinition, original, "first execution")
            try expectEqual(try await store.workflow("wf-b")?.workflowDefinition, original, "second execution")
            try expectEqual(try await store.workflow("wf-c")?.workflowDefinition, changed, "changed definition")
        },
        ConformanceCase("snapshots: swapping one execution's definition leaves the others on theirs") { store in
            let original = Fixtures.definition()
            let latest = Fixtures.definition(description: "Restarted with the latest definition")
            let swapped = Fixtures.workflow(id: "wf-swapped", definition: original)
            try await store.insert(swapped, Fixtures.workflow(id: "wf-same", definition: original))
            var restarted = swapped
            restarted.workflowDefinition = latest
            try await store.write { [restarted] in try $0.save(restarted, previous: swapped) }
            try expectEqual(try await store.workflow("wf-swapped")?.workflowDefinition, latest)
            try expectEqual(try await store.workflow("wf-same")?.workflowDefinition, original)
        },
        ConformanceCase("snapshots: tasks get their workflowTask back by reference name") { store in
            let workflow = Fixtures.workflow(id: "wf-nodes")
            let references = ["charge_ref", "ship_fast_ref", "ship_slow_ref", "poll_ref__2", "poll_ref", "right_ref",
                              "join_ref", "dynamic_child_ref", "poll_ref__x"]
            let tasks = references.enumerated().map { position, reference in
                var task = Fixtures.task(id: "t-\(position)", of: workflow, reference: reference, seq: position + 1)
                task.workflowTask = nil
                return task
            }
            try await store.insert(workflow)
            try await store.insert(tasks)
            let definition = Fixtures.definition()
            let read = try await store.workflow("wf-nodes", includeTasks: true)?.tasks ?? []
            try expectEqual(read.count, references.count, "every task is read")
            for (task, reference) in zip(read, references) {
                let expected = definition.node(referenceName: reference)
                    ?? definition.node(referenceName: TaskExecution.baseReferenceName(of: reference))
                try expectEqual(task.workflowTask, expected, "workflowTask of \(reference)")
            }
            try expectEqual(read[0].workflowTask?.taskDefinition?.retryCount, 2, "the node keeps its task definition")
            try expectEqual(read[3].workflowTask?.taskReferenceName, "poll_ref", "ref__2 finds ref")
            try expect(read[7].workflowTask == nil, "a reference the definition lacks has no node")
            try expectEqual(try await store.task("t-1")?.workflowTask?.taskReferenceName, "ship_fast_ref",
                            "task(id:) attaches the node too")
            try expectEqual(try await store.task("t-1")?.workflowType, "checkout", "and the workflow's type")
        },
    ]
}
