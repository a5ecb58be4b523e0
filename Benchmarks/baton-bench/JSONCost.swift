import ArgumentParser
import BatonModel
import Foundation

/// `baton-bench json`: what JSON costs the server and its clients on the shapes of the hot path, with Baton's
/// hand-written codec and with Foundation's, in this process (no HTTP): writing a 16-task poll reply, reading a
/// worker's `TaskResult`, and reading a 16-task poll reply (the SDK's side). Prints microseconds per operation,
/// the median of several rounds; nothing is written to BENCHMARKS.md.
struct JSONCost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json", abstract: "JSON cost per operation: Baton's hand-written codec against Foundation's.")

    @Option(help: "Rounds of each measure (the median is printed).") var rounds = 7
    @Option(help: "Operations per round.") var operations = 2_000

    /// One polled task as the server writes it: its input, and its definition node with a task definition.
    static let taskText = #"""
        {"taskId":"0194f3a2-7c1e-7b52-9d3e-5a1c2b3d4e5f","taskType":"charge_card","taskDefName":"charge_card",
        "referenceTaskName":"charge","workflowInstanceId":"0194f3a2-7c1d-7000-8000-0123456789ab","workflowType":"order",
        "correlationId":"order-42","status":"IN_PROGRESS","seq":3,"retryCount":0,"pollCount":1,"scheduledTime":1733580000000,
        "startTime":1733580000100,"updateTime":1733580000100,"responseTimeoutSeconds":60,"workerId":"worker-1",
        "inputData":{"orderId":"order-42","amount":129.5,"currency":"EUR","customer":{"id":"c-7","tier":"gold"}},
        "outputData":{},"workflowTask":{"name":"charge_card","taskReferenceName":"charge","type":"SIMPLE",
        "inputParameters":{"orderId":"${workflow.input.orderId}","amount":"${workflow.input.amount}",
        "currency":"${workflow.input.currency}","customer":"${workflow.input.customer}"},"optional":false,"startDelay":0,
        "asyncComplete":false,"permissive":false,"taskDefinition":{"name":"charge_card","retryCount":3,"timeoutSeconds":300,
        "responseTimeoutSeconds":60,"retryLogic":"FIXED","retryDelaySeconds":5,"timeoutPolicy":"TIME_OUT_WF",
        "concurrentExecLimit":0,"rateLimitPerFrequency":0,"rateLimitFrequencyInSeconds":1,"ownerEmail":"team@example.com"}}}
        """#.replacingOccurrences(of: "\n", with: "")

    static let resultText = #"""
        {"workflowInstanceId":"0194f3a2-7c1d-7000-8000-0123456789ab","taskId":"0194f3a2-7c1e-7b52-9d3e-5a1c2b3d4e5f",
        "status":"COMPLETED","workerId":"worker-1","outputData":{"chargeId":"ch_123","approved":true,"amount":129.5}}
        """#.replacingOccurrences(of: "\n", with: "")

    func validate() throws {
        guard rounds > 0, operations > 0 else { throw ValidationError("--rounds and --operations must be positive") }
    }

    func run() async throws {
        let replyText = "[" + Array(repeating: Self.taskText, count: 16).joined(separator: ",") + "]"
        let tasks = try JSONDecoder().decode([BatonModel.TaskExecution].self, from: Data(replyText.utf8))
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        print("JSON per operation (µs, median of \(rounds) rounds of \(operations)):")
        report("write a 16-task poll reply", [
            ("Baton (Task.jsonText)", { _ = BatonModel.TaskExecution.jsonText(of: tasks) }),
            ("Foundation JSONEncoder", { _ = try encoder.encode(tasks) }),
        ])
        report("read a TaskResult", [
            ("Baton (TaskResult(fastParsing:))", { _ = TaskResult(fastParsing: Self.resultText) }),
            ("Foundation JSONDecoder", { _ = try decoder.decode(TaskResult.self, from: Data(Self.resultText.utf8)) }),
        ])
        let replyBytes = Array(replyText.utf8)
        report("read a 16-task poll reply (SDK)", [
            ("Baton (JSONValueDecoder)", { _ = try JSONValueDecoder().decode([BatonModel.TaskExecution].self, fromJSON: replyBytes) }),
            ("Foundation JSONDecoder", { _ = try decoder.decode([BatonModel.TaskExecution].self, from: Data(replyBytes)) }),
        ])
    }

    /// Prints the median microseconds per operation of each way (Baton's first, Foundation's second), and their ratio.
    private func report(_ title: String, _ ways: [(String, () throws -> Void)]) {
        print("  \(title):")
        var medians: [Double] = []
        for (name, work) in ways {
            var perRound: [Double] = []
            for _ in 0..<rounds {
                let clock = ContinuousClock()
                let elapsed = clock.measure {
                    for _ in 0..<operations { try? work() }
                }
                let (seconds, attoseconds) = elapsed.components
                perRound.append((Double(seconds) + Double(attoseconds) / 1e18) * 1e6 / Double(operations))
            }
            let median = perRound.sorted()[perRound.count / 2]
            medians.append(median)
            print("    " + name.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: "%9.2f", median))
        }
        if medians.count == 2, medians[0] > 0 {
            print("    " + "Foundation's time ÷ Baton's".padding(toLength: 36, withPad: " ", startingAt: 0)
                + String(format: "%8.1f×", medians[1] / medians[0]))
        }
    }
}
