import Foundation
import NIOHTTP1
import Synchronization

/// Latencies on a store that already holds many workflows (issue: growth with 0, 100k and 1M stored).
struct GrowthProbe: Sendable {
    var start = Samples()
    var poll = Samples()
    var update = Samples()
    var searches: [String: Samples] = [:]

    /// The searches measured, by label: what the UI's executions page and an operator's queries send.
    static let searches: [(label: String, query: String)] = [
        ("search by name and status", "query=workflowType%20IN%20(bench_seed)%20AND%20status%20IN%20(COMPLETED)&size=20"),
        ("search by name", "query=workflowType%20IN%20(bench_seed)&size=20"),
        ("search by status", "query=status%20IN%20(RUNNING)&size=20"),
    ]
}

extension Load {
    /// Starts `count` workflows through the API like any other start, `clients` at a time: nine in ten of
    /// `bench_seed` (one NOOP task, so each completes as it starts), one in ten of `bench_sig` (a WAIT task:
    /// they stay RUNNING, as waiting workflows do). Returns how many were acknowledged.
    func seed(_ count: Int, clients: Int) async -> Int {
        let counters = Counters()
        let tickets = Counters()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while case let ticket = tickets.started.add(1, ordering: .relaxed).newValue, ticket <= count {
                        do {
                            let name = ticket % 10 == 0 ? "bench_sig" : "bench_seed"
                            try await endpoint.expect(.POST, "/api/workflow/\(name)", body: "{}")
                            counters.started.add(1, ordering: .relaxed)
                        } catch {
                            counters.fail(error)
                        }
                    }
                }
            }
        }
        return counters.started.load(ordering: .relaxed)
    }

    /// Start, poll and update latencies of `clients` sequential 1-task workflows, and search latencies from
    /// one more client, for `duration`: a light load, so the figures show the store, not queueing.
    func probeGrowth(clients: Int, duration: Duration) async -> GrowthProbe {
        let end = ContinuousClock.now + duration
        return await withTaskGroup(of: GrowthProbe.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var probe = GrowthProbe()
                    let worker = "growth-\(client)"
                    while ContinuousClock.now < end {
                        do {
                            _ = try await probe.start.time {
                                try await endpoint.expect(.POST, "/api/workflow/bench_lat", body: #"{"n":"\#(client)"}"#)
                            }
                            let polled = try await probe.poll.time {
                                try await endpoint.expect(.GET, "/api/tasks/poll/bench_lat_t?workerid=\(worker)")
                            }
                            guard let task = try PolledTask.one(polled) else { continue }
                            _ = try await probe.update.time {
                                try await endpoint.expect(.POST, "/api/tasks", body: task.result(worker: worker))
                            }
                        } catch {
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                    }
                    return probe
                }
            }
            group.addTask {
                var probe = GrowthProbe()
                while ContinuousClock.now < end {
                    for (label, query) in GrowthProbe.searches {
                        _ = try? await probe.searches[label, default: Samples()].time {
                            try await endpoint.expect(.GET, "/api/workflow/search?\(query)")
                        }
                    }
                }
                return probe
            }
            var all = GrowthProbe()
            for await probe in group {
                all.start.merge(probe.start)
                all.poll.merge(probe.poll)
                all.update.merge(probe.update)
                for (label, samples) in probe.searches { all.searches[label, default: Samples()].merge(samples) }
            }
            return all
        }
    }
}
