import BatonModel
import BatonPersistence

extension StoreConformance {
    /// Payloads of several megabytes, far over the default thresholds (`PayloadLimits`), which a store keeps apart from
    /// their rows: they read back whole, through updates that do and do not change them.
    static let payloadCases: [ConformanceCase] = [
        ConformanceCase("payloads: inputs and outputs over the thresholds read back whole through every change") { store in
            let large = Self.payload(bytes: 6 * 1024 * 1024, tag: "workflow input")
            var workflow = Fixtures.workflow(id: "wf-large")
            workflow.input = large
            try await store.insert(workflow)
            try expectEqual(try await store.workflow("wf-large")?.input, large, "a workflow input of 6 MiB")

            let taskInput = Self.payload(bytes: 4 * 1024 * 1024, tag: "task input")
            var task = Fixtures.task(id: "t-large", of: workflow)
            task.inputData = taskInput
            try await store.insert([task])
            try expectEqual(try await store.task("t-large")?.inputData, taskInput, "a task input of 4 MiB")

            // A change that leaves the payloads as they are (most saves: a status, a time).
            var running = task
            running.status = .inProgress
            running.pollCount = 1
            try await store.write { [running, task] in try $0.save(running, previous: task) }
            var updated = workflow
            updated.updateTime += 1
            try await store.write { [updated, workflow] in try $0.save(updated, previous: workflow) }
            let read = try await store.workflow("wf-large", includeTasks: true)
            try expectEqual(read?.input, large, "the workflow input after an update that kept it")
            try expectEqual(read?.tasks.first?.inputData, taskInput, "the task input after an update that kept it")
            try expectEqual(read?.tasks.first?.status, .inProgress, "the update itself")

            // An output over the threshold, replaced by another, then by a small one.
            var outputs = [Self.payload(bytes: 4 * 1024 * 1024, tag: "first output"),
                           Self.payload(bytes: 3 * 1024 * 1024 + 10, tag: "second output"), ["small": "result"]]
            var previous = running
            while !outputs.isEmpty {
                var next = previous
                next.outputData = outputs.removeFirst()
                try await store.write { [next, previous] in try $0.save(next, previous: previous) }
                try expectEqual(try await store.task("t-large")?.outputData, next.outputData, "a replaced task output")
                previous = next
            }
            // A workflow output over the threshold, and a new input (a rerun's) under it.
            var ended = updated
            ended.status = .completed
            ended.output = Self.payload(bytes: 5 * 1024 * 1024 + 1, tag: "workflow output")
            ended.input = ["small": "input"]
            try await store.write { [ended, updated] in try $0.save(ended, previous: updated) }
            let final = try await store.workflow("wf-large")
            try expectEqual(final?.output, ended.output, "a workflow output of 5 MiB")
            try expectEqual(final?.input, ["small": "input"], "an input that became small")

            try expect(try await store.write { try $0.deleteWorkflow(id: "wf-large") }, "the workflow is deleted")
            try expect(try await store.workflow("wf-large") == nil, "and reads as nil")
        },
        ConformanceCase("payloads: a large task output stays whole when its task is saved without a previous version") { store in
            let workflow = Fixtures.workflow(id: "wf-upsert")
            try await store.insert(workflow)
            var task = Fixtures.task(id: "t-upsert", of: workflow)
            task.outputData = Self.payload(bytes: 4 * 1024 * 1024, tag: "upserted")
            try await store.insert([task])
            try await store.insert([task])
            try expectEqual(try await store.task("t-upsert")?.outputData, task.outputData)
            try await store.write { try $0.deleteTasks(ids: ["t-upsert"]) }
            try expect(try await store.task("t-upsert") == nil, "deleted with its payload")
        },
    ]

    /// An object of about `bytes` bytes of JSON, distinct per `tag`.
    static func payload(bytes: Int, tag: String) -> JSONObject {
        let chunk = String(repeating: "x", count: 1000)
        var members: JSONObject = ["tag": .string(tag)]
        for index in 0..<(bytes / 1000 + 1) { members["k\(index)"] = .string(chunk) }
        return members
    }
}
