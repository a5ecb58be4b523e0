import BatonModel
import Logging
import ServiceLifecycle

/// Baton's own workers for a queue of system tasks: `concurrency` loops, each polling one task at a time,
/// carrying it out and recording its result as an ordinary task update, until graceful shutdown.
struct SystemTaskLoops: Sendable {
    let engine: Engine
    /// The queue (task type) polled.
    let taskType: String
    /// The worker id the tasks are polled and reported with.
    let workerId: String
    let concurrency: Int
    /// The isolation group and namespace whose queue is polled; nil for the type's own queue.
    var isolation: TaskIsolation? = nil

    /// Runs the loops until the surrounding service shuts down; `execute` gets the loop's number and a task.
    func run(_ execute: @escaping @Sendable (Int, BatonModel.TaskExecution) async -> TaskResult) async {
        await withTaskGroup(of: Void.self) { group in
            for loop in 0..<max(1, concurrency) {
                group.addTask { await pollLoop(number: loop, execute) }
            }
        }
    }

    private func pollLoop(number: Int, _ execute: @escaping @Sendable (Int, BatonModel.TaskExecution) async -> TaskResult) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let tasks = try await engine.poll(taskType: taskType, workerId: workerId, domain: nil, isolation: isolation,
                                                      count: 1, timeout: 1_000, access: .baton)
                    for task in tasks {
                        try await engine.update(await execute(number, task), actor: workerId, access: .baton)
                    }
                } catch {
                    engine.logger.warning("System task runner failed a round",
                                          metadata: ["baton.error": "\(error)", "baton.worker.id": "\(workerId)"])
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
    }
}
