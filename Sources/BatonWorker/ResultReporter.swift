import BatonClient
import BatonModel
import Logging
import Metrics
import Synchronization

/// Sends one task type's results to the server, many to a request when many are ready: while a report is
/// on its way, the results that finish meanwhile wait and go together in the next one (Baton's
/// `POST /api/tasks/batch`). An idle worker sends each result at once, a busy one a request per batch
/// instead of per task. Against a server without the batch endpoint (Conductor), results go one per request.
///
/// Each caller resumes once its result has been sent, or given up on after the configured attempts.
final class ResultReporter: Sendable {
    private struct Waiting: Sendable {
        let result: TaskResult
        let sent: CheckedContinuation<Void, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var sending = false
        var batchesUnsupported = false
    }

    /// The most results one request carries (the server's limit).
    static let maximumBatch = 1000

    private let client: BatonClient
    private let configuration: WorkerHost.Configuration
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let state = Mutex(State())

    init(client: BatonClient, configuration: WorkerHost.Configuration, metrics: WorkerMetrics, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Sends `result`, with the others that are ready, retrying with backoff while the server cannot be reached.
    func report(_ result: TaskResult) async {
        await withCheckedContinuation { (sent: CheckedContinuation<Void, Never>) in
            let startSending = state.withLock { state -> Bool in
                state.waiting.append(Waiting(result: result, sent: sent))
                guard !state.sending else { return false }
                state.sending = true
                return true
            }
            // Not a child of the caller: a shutdown that cancels the workers still lets their results go out.
            if startSending { Task { await self.sendWaiting() } }
        }
    }

    /// Sends what is waiting, batch after batch, until nothing is.
    private func sendWaiting() async {
        while true {
            let (batch, oneByOne) = state.withLock { state -> ([Waiting], Bool) in
                let batch = Array(state.waiting.prefix(Self.maximumBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.sending = false }
                return (batch, state.batchesUnsupported)
            }
            if batch.isEmpty { return }
            if batch.count == 1 || oneByOne {
                for waiting in batch { await send(waiting.result) }
            } else {
                await send(batch.map(\.result))
            }
            for waiting in batch { waiting.sent.resume() }
        }
    }

    /// Sends several results in one request.
    private func send(_ results: [TaskResult]) async {
        do {
            let response = try await retrying(taskIds: results.map(\.taskId)) { try await self.client.tasks.update(results) }
            for (taskId, reason) in response.bulkErrorResults {
                metrics.reportErrors.increment()
                logger.error("Reporting a task's result failed", metadata: [
                    "baton.task.id": "\(taskId)", "baton.error": "\(reason)"])
            }
        } catch let error as ClientError where error.status == 404 || error.status == 405 {
            state.withLock { $0.batchesUnsupported = true }
            logger.info("The server has no batch endpoint for results; reporting them one by one",
                        metadata: ["baton.error": "\(error)"])
            for result in results { await send(result) }
        } catch let error as ClientError where error.isRefusal && !error.isRetryable {
            // One result the server refuses (e.g. an output over its size limit) must not sink the others.
            logger.warning("A batch of results was refused; reporting them one by one",
                           metadata: ["baton.error": "\(error)"])
            for result in results { await send(result) }
        } catch {
            metrics.reportErrors.increment(by: results.count)
        }
    }

    /// Sends one result in its own request (Conductor's `POST /api/tasks`).
    private func send(_ result: TaskResult) async {
        do {
            _ = try await retrying(taskIds: [result.taskId]) { try await self.client.tasks.update(result) }
        } catch {
            metrics.reportErrors.increment()
        }
    }

    /// Runs `call`, again after a backoff while it fails in a way worth retrying, up to the configured attempts.
    /// A failure is logged (naming `taskIds`) before it is thrown, except a batch's refusal, which is thrown as it
    /// is: the batch is then sent again result by result.
    private func retrying<Answer>(taskIds: [String], _ call: () async throws -> Answer) async throws -> Answer {
        var attempt = 0
        while true {
            attempt += 1
            do {
                metrics.reports.increment()
                return try await call()
            } catch let error as ClientError where error.isRetryable && attempt < configuration.reportAttempts {
                try? await Task.sleep(for: configuration.backoff.delay(afterFailures: attempt))
            } catch let error as ClientError where taskIds.count > 1 && error.isRefusal && !error.isRetryable {
                throw error
            } catch {
                logger.error(attempt < configuration.reportAttempts ? "Reporting a task's result failed"
                                 : "Reporting a task's result failed; giving up",
                             metadata: ["baton.task.id": "\(taskIds.joined(separator: ","))", "baton.error": "\(error)"])
                throw error
            }
        }
    }
}
