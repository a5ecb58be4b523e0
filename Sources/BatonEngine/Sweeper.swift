import BatonPersistence
import Logging
public import ServiceLifecycle

/// The background service that fires timers: it decides every workflow whose wake-up time has come
/// (WAIT durations, timeouts), in batches, fires the schedules whose slot has come, and stops on graceful shutdown. Every two seconds it also reads which
/// task domains every server's workers polled lately.
public struct Sweeper: Service {
    let engine: Engine
    let interval: Duration
    let batchSize: Int
    /// How late a schedule's slot may be found and still fire, for a schedule that does not catch up: later than
    /// this, no server ran when it came, and it is skipped.
    let misfireThreshold: Duration
    /// How long (ms) a claimed workflow is hidden from other sweepers before it counts as due again.
    public static let claimLease: Int64 = 30_000

    /// Creates a sweeper that looks for due workflows every `interval`.
    public init(engine: Engine, interval: Duration = .milliseconds(200), batchSize: Int = 200,
                misfireThreshold: Duration = .seconds(60)) {
        self.engine = engine
        self.interval = interval
        self.batchSize = batchSize
        self.misfireThreshold = misfireThreshold
    }

    public func run() async throws {
        await reclaimLeases()
        var domainsRead = ContinuousClock.now - .seconds(60)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if ContinuousClock.now - domainsRead >= .seconds(2) {
                // Other servers' workers count toward a domain's activity too.
                domainsRead = ContinuousClock.now
                do { try await engine.refreshDomainActivity() } catch {
                    engine.logger.warning("Sweeper could not read domain polls", metadata: ["baton.error": "\(error.message)"])
                }
            }
            let decided = await sweepOnce()
            let fired = await engine.fireDueSchedules(limit: batchSize, misfireThreshold: misfireThreshold)
            if decided < batchSize, fired < batchSize {
                try? await gracefulShutdownSleep(for: interval)
            }
        }
    }

    /// Makes every wake-up that falls within one lease from now due at once, so that the workflows a
    /// sweeper had claimed when its server died are decided now, not when their lease runs out. Timers that
    /// were genuinely due in that window are decided early, which changes nothing: deciding sets the real
    /// next wake-up again. Runs when the sweeper starts; returns how many wake-ups it moved.
    @discardableResult
    public func reclaimLeases() async -> Int {
        let now = engine.clock.now()
        do {
            let moved = try await engine.store.write { try $0.bringForwardWakeUps(dueBy: now + Sweeper.claimLease, to: now) }
            if moved > 0 {
                engine.logger.notice("Wake-ups within a sweeper's lease made due at start", metadata: ["baton.count": "\(moved)"])
            }
            return moved
        } catch {
            engine.logger.error("Sweeper could not reclaim leases", metadata: ["baton.error": "\(error)"])
            return 0
        }
    }

    /// Decides every due workflow once; returns how many were due.
    @discardableResult
    public func sweepOnce() async -> Int {
        let now = engine.clock.now()
        let limit = batchSize
        let due: [String]
        do {
            // Claimed, not just read: on a database several servers share, each due workflow goes to one
            // sweeper; the lease returns it to the others if this server dies before deciding it.
            let lease = now + Sweeper.claimLease
            let anyDue = try await !engine.store.read { try $0.dueWorkflowIds(at: now, limit: 1) }.isEmpty
            due = anyDue
                ? try await engine.store.write { try $0.claimDueWorkflowIds(at: now, limit: limit, leaseUntil: lease) }
                : []
        } catch {
            engine.logger.error("Sweeper could not read due workflows", metadata: ["baton.error": "\(error)"])
            return 0
        }
        for workflowId in due {
            do {
                try await engine.decide(workflowId: workflowId, inBackground: true)
            } catch {
                engine.logger.error("Sweeper could not decide a workflow",
                                    metadata: ["baton.workflow.id": "\(workflowId)", "baton.error": "\(error.message)"])
            }
        }
        return due.count
    }

    private func gracefulShutdownSleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
