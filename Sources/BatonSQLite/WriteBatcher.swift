import GRDB
import Synchronization

/// Runs write transactions on SQLite's single writer, grouping those that arrive together into one
/// commit ("group commit"). A job's error rolls back only its own changes: the batch first runs as one
/// transaction, and only when a job fails is it run again with a savepoint per job. Every job's caller
/// resumes only after the shared commit.
final class WriteBatcher: Sendable {
    private struct Job: Sendable {
        let run: @Sendable (Database) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        /// Requests' jobs, run first.
        var pending: [Job] = []
        /// Background jobs, run when no request's job waits, `maximumBackgroundBatch` at a time at most.
        var background: [Job] = []
        var draining = false
    }

    /// The most background jobs one commit carries: a request's write that arrives meanwhile waits for no more.
    private static let maximumBackgroundBatch = 4

    private let writer: DatabasePool
    private let state = Mutex(State())
    /// The most jobs one commit carries.
    private let maximumBatch: Int
    /// Called on the writer as each transaction begins, and after each commit.
    private let began: @Sendable () -> Void
    private let committed: @Sendable () -> Void

    init(writer: DatabasePool, maximumBatch: Int = 512, began: @escaping @Sendable () -> Void = {},
         committed: @escaping @Sendable () -> Void = {}) {
        self.writer = writer
        self.maximumBatch = maximumBatch
        self.began = began
        self.committed = committed
    }

    /// How many requests' and background jobs wait for the writer (for tests).
    var waiting: (requests: Int, background: Int) {
        state.withLock { ($0.pending.count, $0.background.count) }
    }

    /// Runs `body` in a transaction and returns its result once the transaction has committed; `inBackground`,
    /// only when no request's job waits.
    func write<Result: Sendable>(_ body: @escaping @Sendable (Database) throws -> Result,
                                 inBackground: Bool = false) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let box = Mutex<Result?>(nil)
            submit([Job(
                run: { db in
                    let result = try body(db)
                    box.withLock { $0 = result }
                },
                finish: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let result = box.withLock({ $0.take() }) {
                        continuation.resume(returning: result)
                    } else {
                        continuation.resume(throwing: StoreFailure.missingResult)
                    }
                })], inBackground: inBackground)
        }
    }

    /// Runs each of `bodies` as a job of its own, as `write` runs one, and returns their outcomes, in order,
    /// once every one has committed or failed. One caller waits for all, instead of one suspended task per body.
    func writeEach<Result: Sendable>(
        _ bodies: [@Sendable (Database) throws -> Result]
    ) async -> [Swift.Result<Result, any Error>] {
        guard !bodies.isEmpty else { return [] }
        return await withCheckedContinuation { (continuation: CheckedContinuation<[Swift.Result<Result, any Error>], Never>) in
            let state = Mutex(EachState<Result>(count: bodies.count))
            submit(bodies.enumerated().map { index, body in
                Job(
                    run: { db in
                        let result = try body(db)
                        state.withLock { $0.outcomes[index] = .success(result) }
                    },
                    finish: { error in
                        let outcomes = state.withLock { state in state.finish(index, error: error) }
                        if let outcomes { continuation.resume(returning: outcomes) }
                    })
            })
        }
    }

    /// The outcomes of `writeEach`'s bodies as they finish.
    private struct EachState<Result> {
        var outcomes: [Swift.Result<Result, any Error>]
        var remaining: Int

        init(count: Int) {
            outcomes = Array(repeating: .failure(StoreFailure.missingResult), count: count)
            remaining = count
        }

        /// Records that body `index` finished (with `error` if it or its commit failed); returns every
        /// outcome once the last has finished.
        mutating func finish(_ index: Int, error: (any Error)?) -> [Swift.Result<Result, any Error>]? {
            if let error { outcomes[index] = .failure(error) }
            remaining -= 1
            return remaining == 0 ? outcomes : nil
        }
    }

    /// Queues `jobs` for the writer, starting it when it is idle.
    private func submit(_ jobs: [Job], inBackground: Bool = false) {
        let startDrain = state.withLock { state -> Bool in
            if inBackground {
                state.background.append(contentsOf: jobs)
            } else {
                state.pending.append(contentsOf: jobs)
            }
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDrain {
            writer.asyncWriteWithoutTransaction { [self] db in drain(db) }
        }
    }

    private func drain(_ db: Database) {
        while true {
            let (batch, inBackground) = state.withLock { state -> ([Job], Bool) in
                if !state.pending.isEmpty {
                    let count = min(state.pending.count, maximumBatch)
                    let batch = Array(state.pending.prefix(count))
                    state.pending.removeFirst(count)
                    return (batch, false)
                }
                guard !state.background.isEmpty else {
                    state.draining = false
                    return ([], false)
                }
                let count = min(state.background.count, Self.maximumBackgroundBatch)
                let batch = Array(state.background.prefix(count))
                state.background.removeFirst(count)
                return (batch, true)
            }
            if batch.isEmpty { return }
            run(batch, in: db, yieldingToRequests: inBackground)
        }
    }

    /// Runs `batch` in one transaction. A background batch yields to requests: once a request's job waits, no
    /// further background job joins the transaction (those left go back to the front of their queue), so a request
    /// waits for one background job at most, however many were taken.
    private func run(_ batch: [Job], in db: Database, yieldingToRequests: Bool) {
        switch runTogether(batch, in: db, yieldingToRequests: yieldingToRequests) {
        case .finished:
            break
        case .aJobFailed:
            runEachInSavepoint(batch, in: db)
        case .yielded(let ran):
            state.withLock { $0.background.insert(contentsOf: batch[ran...], at: 0) }
        }
    }

    /// How a batch run together ended.
    private enum TogetherOutcome {
        /// Every job finished (committed, or failed with its transaction).
        case finished
        /// One of several jobs failed: everything was rolled back, and no job has finished.
        case aJobFailed
        /// The first `ran` jobs committed and finished; the others did not run, to let a request's job go first.
        case yielded(ran: Int)
    }

    /// Whether a request's job waits for the writer.
    private var requestWaits: Bool { state.withLock { !$0.pending.isEmpty } }

    /// Runs the jobs in one transaction without a savepoint each, the usual case where none fails. When one of
    /// several jobs fails, everything is rolled back and the batch is to run again one savepoint per job (job
    /// bodies change nothing outside the database, so running one twice is safe). A job alone gets its error as it
    /// is: the rollback was its own; every job gets the error of a transaction that failed by itself (locked, disk
    /// full, …).
    private func runTogether(_ batch: [Job], in db: Database, yieldingToRequests: Bool) -> TogetherOutcome {
        var aJobFailed = false
        var ran = 0
        do {
            try db.inTransaction(.immediate) {
                began()
                for job in batch {
                    if yieldingToRequests, ran > 0, requestWaits { break }
                    ran += 1
                    do {
                        try job.run(db)
                    } catch {
                        aJobFailed = true
                        throw error
                    }
                }
                return .commit
            }
        } catch {
            if aJobFailed, batch.count > 1 { return .aJobFailed }
            for job in batch { job.finish(error) }
            return .finished
        }
        committed()
        for job in batch.prefix(ran) { job.finish(nil) }
        return ran < batch.count ? .yielded(ran: ran) : .finished
    }

    /// Runs each job in a savepoint of one transaction, so that one job's error rolls back only its own changes.
    private func runEachInSavepoint(_ batch: [Job], in db: Database) {
        var outcomes: [(any Error)?] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try db.inTransaction(.immediate) {
                began()
                for job in batch {
                    // The savepoint statements are prepared once (GRDB's `inSavepoint` prepares them per call).
                    try db.cachedStatement(sql: "SAVEPOINT job").execute()
                    do {
                        try job.run(db)
                        outcomes.append(nil)
                    } catch {
                        try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT job").execute()
                        outcomes.append(error)
                    }
                    try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
                }
                return .commit
            }
        } catch {
            for job in batch { job.finish(error) }
            return
        }
        committed()
        for (job, outcome) in zip(batch, outcomes) { job.finish(outcome) }
    }
}

/// Internal failures of the SQLite store that are bugs, not user errors.
enum StoreFailure: Error {
    case missingResult
}
