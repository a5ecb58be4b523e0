import BatonPersistence

extension Engine {
    /// Checks that this server reaches its store (`Store.checkConnectivity()`); throws the store's failure otherwise.
    public func checkHealth() async throws(EngineError) {
        do {
            try await store.checkConnectivity()
        } catch {
            throw EngineError.from(error)
        }
    }

    /// How far the sweeper is behind: how many workflows have a due timer (at most `limit`), and how
    /// long, in milliseconds, the oldest of them has been due (to within 10 ms, at most a day).
    public func dueWorkflowCount(limit: Int) async throws(EngineError) -> (count: Int, oldestAge: Int64) {
        let now = clock.now()
        return try await reading { reader in
            let count = try reader.dueWorkflowIds(at: now, limit: limit).count
            guard count > 0 else { return (0, 0) }
            var low: Int64 = 0
            var high: Int64 = 86_400_000
            while high - low > 10 {
                let middle = (low + high) / 2
                if try reader.dueWorkflowIds(at: now - middle, limit: 1).isEmpty { high = middle } else { low = middle }
            }
            return (count, low)
        }
    }
}
