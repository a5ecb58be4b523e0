import BatonClient
import BatonModel
import Logging
import Metrics

/// The loop of one task type: poll for as many tasks as there are free slots, execute each in a
/// child task (its lease extended while it runs, see `LeaseKeeper`), report its outcome (results that
/// finish together in one request, see `ResultReporter`); back off while the server cannot be reached;
/// stop polling on graceful shutdown and wait for the tasks in flight.
struct PollLoop: Sendable {
    let worker: any Worker
    let client: BatonClient
    let configuration: WorkerHost.Configuration
    let stop: StopSignal
    let metrics: WorkerMetrics
    /// The clock backoff sleeps on.
    let backoffClock: any Clock<Duration>

    private var logger: Logger {
        var logger = configuration.logger
        logger[metadataKey: "baton.task.type"] = "\(worker.taskType)"
        return logger
    }

    func run() async {
        let logger = self.logger
        let reporter = ResultReporter(client: client, configuration: configuration, metrics: metrics, logger: logger)
        let leases = LeaseKeeper(client: client, workerId: configuration.workerId, metrics: metrics, logger: logger,
                                 clock: ContinuousClock())
        await withDiscardingTaskGroup { group in
            group.addTask { await leases.run() }
            await poll(reportingTo: reporter, holding: leases)
            group.cancelAll()
        }
    }

    /// Polls and executes until stopped or cancelled; returns once the tasks in flight have reported.
    private func poll(reportingTo reporter: ResultReporter, holding leases: LeaseKeeper<ContinuousClock>) async {
        let slots = Slots(worker.concurrency)
        let logger = self.logger
        await withDiscardingTaskGroup { group in
            var failures = 0
            while !stop.isStopped && !Task.isCancelled {
                await slots.waitForFreeSlot()
                if stop.isStopped || Task.isCancelled { break }
                let tasks: [TaskExecution]
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
                    await stop.sleep(for: delay, on: backoffClock)
                    continue
                }
                for task in tasks {
                    slots.take()
                    group.addTask {
                        defer { slots.release() }
                        await process(task, reportingTo: reporter, holding: leases)
                    }
                }
            }
        }
    }

    /// Executes `task` (its lease extended while it runs) and reports the outcome.
    private func process(_ task: TaskExecution, reportingTo reporter: ResultReporter, holding leases: LeaseKeeper<ContinuousClock>) async {
        let started = ContinuousClock.now
        let hold = leaseExtensionInterval(for: task).map { leases.hold(task, extendingEvery: $0) }
        let outcome: TaskOutcome
        do {
            outcome = try await worker.execute(task)
        } catch {
            outcome = TaskOutcome.failure(from: error)
        }
        if let hold { await leases.release(hold) }
        let elapsed = ContinuousClock.now - started
        metrics.duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000
            + elapsed.components.attoseconds / 1_000_000_000)
        metrics.countTask(outcome: outcome.metricName)
        await reporter.report(outcome.result(for: task, workerId: configuration.workerId))
    }

    private func leaseExtensionInterval(for task: TaskExecution) -> Duration? {
        if let interval = configuration.leaseExtensionInterval { return interval > .zero ? interval : nil }
        guard task.responseTimeoutSeconds > 0 else { return nil }
        return .milliseconds(task.responseTimeoutSeconds * 500)
    }
}
