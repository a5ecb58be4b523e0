import BatonClient
import BatonModel
import Logging
import Metrics

/// The loop of one task type: poll for as many tasks as there are free slots, execute each in a
/// child task (with lease extensions while it runs), report its outcome (results that finish together in
/// one request, see `ResultReporter`); back off while the server
/// cannot be reached; stop polling on graceful shutdown and wait for the tasks in flight.
struct PollLoop: Sendable {
    let worker: any Worker
    let client: BatonClient
    let configuration: WorkerHost.Configuration
    let stop: StopSignal
    let metrics: WorkerMetrics

    private var logger: Logger {
        var logger = configuration.logger
        logger[metadataKey: "baton.task.type"] = "\(worker.taskType)"
        return logger
    }

    func run() async {
        let slots = Slots(worker.concurrency)
        let logger = self.logger
        let reporter = ResultReporter(client: client, configuration: configuration, metrics: metrics, logger: logger)
        await withDiscardingTaskGroup { group in
            var failures = 0
            while !stop.isStopped && !_Concurrency.Task.isCancelled {
                await slots.waitForFreeSlot()
                if stop.isStopped || _Concurrency.Task.isCancelled { break }
                let tasks: [Task]
                do {
                    metrics.polls.increment()
                    tasks = try await client.tasks.batchPoll(
                        taskType: worker.taskType, count: slots.free, timeout: configuration.pollTimeout,
                        workerId: configuration.workerId, domain: worker.domain)
                    if failures > 0 { logger.info("Polling works again") }
                    failures = 0
                } catch is CancellationError {
                    break
                } catch {
                    metrics.pollErrors.increment()
                    failures += 1
                    let delay = configuration.backoff.delay(afterFailures: failures)
                    if failures == 1 || failures % 10 == 0 {
                        logger.warning("Poll failed; backing off", metadata: [
                            "baton.error": "\(error)", "baton.failures": "\(failures)", "baton.delay": "\(delay)"])
                    }
                    await stop.sleep(for: delay)
                    continue
                }
                for task in tasks {
                    slots.take()
                    group.addTask {
                        defer { slots.release() }
                        await process(task, reportingTo: reporter)
                    }
                }
            }
        }
    }

    /// Executes `task` (extending its lease while it runs) and reports the outcome.
    func process(_ task: Task, reportingTo reporter: ResultReporter) async {
        let started = ContinuousClock.now
        let outcome = await executeWithLeaseExtensions(task)
        let elapsed = ContinuousClock.now - started
        metrics.duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000
            + elapsed.components.attoseconds / 1_000_000_000)
        metrics.countTask(outcome: outcome.metricName)
        await reporter.report(outcome.result(for: task, workerId: configuration.workerId))
    }

    private func executeWithLeaseExtensions(_ task: Task) async -> TaskOutcome {
        let interval = leaseExtensionInterval(for: task)
        return await withTaskGroup(of: TaskOutcome?.self) { group in
            group.addTask {
                do {
                    return try await worker.execute(task)
                } catch {
                    return TaskOutcome.failure(from: error)
                }
            }
            if let interval {
                group.addTask {
                    await extendLease(of: task, every: interval)
                    return nil
                }
            }
            var outcome = TaskOutcome.failed("The worker was cancelled")
            while let next = await group.next() {
                if let next {
                    outcome = next
                    group.cancelAll()
                }
            }
            return outcome
        }
    }

    private func leaseExtensionInterval(for task: Task) -> Duration? {
        if let interval = configuration.leaseExtensionInterval { return interval > .zero ? interval : nil }
        guard task.responseTimeoutSeconds > 0 else { return nil }
        return .milliseconds(task.responseTimeoutSeconds * 500)
    }

    /// Extends the lease of `task` every `interval` until cancelled.
    private func extendLease(of task: Task, every interval: Duration) async {
        while !_Concurrency.Task.isCancelled {
            do {
                try await _Concurrency.Task.sleep(for: interval)
                try await client.tasks.extendLease(taskId: task.taskId, workflowId: task.workflowInstanceId,
                                                   workerId: configuration.workerId)
                metrics.leaseExtensions.increment()
            } catch is CancellationError {
                return
            } catch {
                if _Concurrency.Task.isCancelled { return }
                logger.warning("Extending a task's lease failed", metadata: [
                    "baton.task.id": "\(task.taskId)", "baton.error": "\(error)"])
            }
        }
    }
}
