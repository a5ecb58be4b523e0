import BatonModel
import BatonPersistence

extension StoreConformance {
    static let queueCases: [ConformanceCase] = [
        ConformanceCase("queue: enqueue and dequeue change the sizes") { store in
            try await store.write { tx in
                for id in ["a", "b", "c"] { try tx.enqueue(Fixtures.entry(id, queue: "charge", visibleAt: 9_999)) }
                try tx.enqueue(Fixtures.entry("d", queue: "payments:ship"))
            }
            try expectEqual(try await store.read { try $0.queueSize("charge") }, 3, "invisible entries count")
            try expectEqual(try await store.read { try $0.queueSize("payments:ship") }, 1)
            try expectEqual(try await store.read { try $0.queueSize("unknown") }, 0)
            try expectEqual(try await store.read { try $0.queueSizes() }, ["charge": 3, "payments:ship": 1])
            try await store.write { tx in
                try tx.dequeue(taskId: "b")
                try tx.dequeue(taskId: "d")
                try tx.dequeue(taskId: "never-queued")
            }
            try expectEqual(try await store.read { try $0.queueSizes() }, ["charge": 2], "empty queues are left out")
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 9_999) }.sorted(),
                            ["a", "c"])
        },
        ConformanceCase("queue: claim hands out only visible entries") { store in
            try await store.write { tx in
                try tx.enqueue(Fixtures.entry("early", visibleAt: 100))
                try tx.enqueue(Fixtures.entry("middle", visibleAt: 200))
                try tx.enqueue(Fixtures.entry("late", visibleAt: 300))
            }
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 99) }, [],
                            "nothing is visible yet")
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 150) }, ["early"])
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 150) }, [],
                            "a claimed entry is not handed out again")
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 300) },
                            ["middle", "late"], "visibleAt == now is visible")
            try expectEqual(try await store.read { try $0.queueSize("charge") }, 0, "claimed entries are gone")
        },
        ConformanceCase("queue: claim takes higher priority first, then the oldest") { store in
            try await store.write { tx in
                try tx.enqueue(Fixtures.entry("p0-old", priority: 0, visibleAt: 10))
                try tx.enqueue(Fixtures.entry("p5-new", priority: 5, visibleAt: 30))
                try tx.enqueue(Fixtures.entry("p5-old", priority: 5, visibleAt: 20))
                try tx.enqueue(Fixtures.entry("p1", priority: 1, visibleAt: 5))
                try tx.enqueue(Fixtures.entry("p0-new", priority: 0, visibleAt: 40))
                try tx.enqueue(Fixtures.entry("p9-hidden", priority: 9, visibleAt: 1_000))
            }
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 100) },
                            ["p5-old", "p5-new", "p1", "p0-old", "p0-new"])
        },
        ConformanceCase("queue: claim takes at most count entries, from its own queue only") { store in
            try await store.write { tx in
                for index in 0..<5 { try tx.enqueue(Fixtures.entry("c\(index)", visibleAt: Int64(index))) }
                try tx.enqueue(Fixtures.entry("other", queue: "ship"))
                try tx.enqueue(Fixtures.entry("domain", queue: "eu:charge"))
            }
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 2, now: 100) }, ["c0", "c1"])
            try expectEqual(try await store.read { try $0.queueSize("charge") }, 3)
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 100) },
                            ["c2", "c3", "c4"])
            try expectEqual(try await store.write { try $0.claim(queueName: "charge", count: 10, now: 100) }, [])
            try expectEqual(try await store.read { try $0.queueSizes() }, ["ship": 1, "eu:charge": 1],
                            "other queues are untouched")
        },
        ConformanceCase("queue: enqueueing a queued task moves its entry") { store in
            try await store.write { try $0.enqueue(Fixtures.entry("moving", queue: "charge", visibleAt: 0)) }
            try await store.write { try $0.enqueue(Fixtures.entry("moving", queue: "ship", visibleAt: 0)) }
            try expectEqual(try await store.read { try $0.queueSizes() }, ["ship": 1], "moved to the other queue")
            try await store.write { try $0.enqueue(Fixtures.entry("moving", queue: "ship", visibleAt: 500)) }
            try expectEqual(try await store.read { try $0.queueSize("ship") }, 1, "still one entry")
            try expectEqual(try await store.write { try $0.claim(queueName: "ship", count: 1, now: 499) }, [],
                            "its new visibleAt applies")
            try await store.write { tx in
                try tx.enqueue(Fixtures.entry("rival", queue: "ship", priority: 1, visibleAt: 0))
                try tx.enqueue(Fixtures.entry("moving", queue: "ship", priority: 2, visibleAt: 500))
            }
            try expectEqual(try await store.write { try $0.claim(queueName: "ship", count: 5, now: 500) },
                            ["moving", "rival"], "its new priority applies")
        },
        ConformanceCase("limits: concurrency slots are counted per definition, freed, and verified against the tasks") { store in
            let workflow = Fixtures.workflow(id: "limited-wf")
            try await store.write { tx in
                try tx.save(workflow, previous: nil)
                for (index, id) in ["l1", "l2", "l3"].enumerated() {
                    var task = Fixtures.task(id: id, of: workflow, reference: "charge_\(id)", seq: index + 1)
                    task.status = .inProgress
                    try tx.save(task, previous: nil)
                }
                try tx.lockLimits(of: "charge")
                for id in ["l1", "l2", "l3"] { try tx.occupySlot(of: "charge", taskId: id) }
                try tx.occupySlot(of: "charge", taskId: "l3")  // twice: still one slot
                try tx.occupySlot(of: "other", taskId: "x1")
            }
            try expectEqual(try await store.write { try $0.occupiedSlots(of: "charge", verifying: false) }, 3)
            try await store.write { try $0.freeSlot(taskId: "l1") }
            try await store.write { try $0.freeSlot(taskId: "never-held") }
            try expectEqual(try await store.write { try $0.occupiedSlots(of: "charge", verifying: false) }, 2)
            // l2 ends without its slot being freed: only a verifying count notices.
            try await store.write { tx in
                guard var done = try tx.task(id: "l2") else { throw ConformanceFailure("task l2 was not stored") }
                let previous = done
                done.status = .completed
                try tx.save(done, previous: previous)
            }
            try expectEqual(try await store.write { try $0.occupiedSlots(of: "charge", verifying: false) }, 2)
            try expectEqual(try await store.write { try $0.occupiedSlots(of: "charge", verifying: true) }, 1)
            try expectEqual(try await store.write { try $0.occupiedSlots(of: "other", verifying: true) }, 0,
                            "a slot whose task does not exist is stale")
        },
        ConformanceCase("limits: rate-limited hand-outs are counted within the window and forgotten after it") { store in
            try await store.write { tx in
                try tx.recordRateLimitedStart(of: "charge", taskId: "r1", at: 1_000, forgettingBefore: 0)
                try tx.recordRateLimitedStart(of: "charge", taskId: "r2", at: 2_000, forgettingBefore: 0)
                try tx.recordRateLimitedStart(of: "other", taskId: "r3", at: 2_000, forgettingBefore: 0)
            }
            try expectEqual(try await store.write { try $0.rateLimitedStarts(of: "charge", since: 1_000) }, 2)
            try expectEqual(try await store.write { try $0.rateLimitedStarts(of: "charge", since: 1_001) }, 1)
            try await store.write { try $0.recordRateLimitedStart(of: "charge", taskId: "r4", at: 3_000, forgettingBefore: 2_000) }
            try expectEqual(try await store.write { try $0.rateLimitedStarts(of: "charge", since: 0) }, 2, "r1 forgotten")
            try expectEqual(try await store.write { try $0.rateLimitedStarts(of: "other", since: 0) }, 1)
        },
        ConformanceCase("operations: queue entries by task, running counts and live tasks by type, every poll") { store in
            let live = Fixtures.workflow(id: "ops-live")
            let ended = Fixtures.workflow(id: "ops-ended", status: .completed)
            try await store.write { tx in
                try tx.save(live, previous: nil)
                try tx.save(ended, previous: nil)
                var running = Fixtures.task(id: "ops-1", of: live, reference: "charge_a", seq: 1)
                running.status = .inProgress
                var blue = Fixtures.task(id: "ops-2", of: live, reference: "charge_b", seq: 2)
                (blue.status, blue.domain) = (.inProgress, "blue")
                let waiting = Fixtures.task(id: "ops-3", of: live, reference: "charge_c", seq: 3)
                var done = Fixtures.task(id: "ops-4", of: live, reference: "charge_d", seq: 4)
                done.status = .completed
                var elsewhere = Fixtures.task(id: "ops-5", of: ended, reference: "charge_e", seq: 1)
                elsewhere.status = .inProgress
                for task in [running, blue, waiting, done, elsewhere] { try tx.save(task, previous: nil) }
                try tx.enqueue(QueueEntry(taskId: "ops-3", workflowId: "ops-live", queueName: "SIMPLE", priority: 2, visibleAt: 7))
                try tx.recordPoll(PollData(queueName: "SIMPLE", domain: nil, workerId: "w1", lastPollTime: 5))
                try tx.recordPoll(PollData(queueName: "blue:SIMPLE", domain: "blue", workerId: "w2", lastPollTime: 6))
            }
            try await store.read { reader in
                try expectEqual(try reader.queueEntry(taskId: "ops-3"),
                                QueueEntry(taskId: "ops-3", workflowId: "ops-live", queueName: "SIMPLE", priority: 2, visibleAt: 7))
                try expectEqual(try reader.queueEntry(taskId: "ops-1"), nil)
                try expectEqual(try reader.inProgressCounts(), ["SIMPLE": 1, "blue:SIMPLE": 1], "ended workflows run nothing")
                try expectEqual(try reader.liveTaskIds(ofType: "SIMPLE"), ["ops-1", "ops-2", "ops-3"])
                try expectEqual(try reader.liveTaskIds(ofType: "other"), [])
                try expectEqual(Set(try reader.allPollData().map(\.queueName)), ["SIMPLE", "blue:SIMPLE"])
            }
        },
        ConformanceCase("queue: polls are recorded per queue and worker") { store in
            try await store.write { tx in
                try tx.recordPoll(PollData(queueName: "charge", domain: nil, workerId: "w1", lastPollTime: 100))
                try tx.recordPoll(PollData(queueName: "charge", domain: nil, workerId: "w1", lastPollTime: 200))
                try tx.recordPoll(PollData(queueName: "eu:charge", domain: "eu", workerId: "w2", lastPollTime: 150))
                try tx.recordPoll(PollData(queueName: "ship", domain: nil, workerId: "w1", lastPollTime: 120))
            }
            let polls = try await store.read { try $0.pollData(taskType: "charge") }
            try expectEqual(Set(polls), [PollData(queueName: "charge", domain: nil, workerId: "w1", lastPollTime: 200),
                                         PollData(queueName: "eu:charge", domain: "eu", workerId: "w2", lastPollTime: 150)])
            try expectEqual(try await store.read { try $0.pollData(taskType: "unknown") }, [])
            // Only domain queues, from the given time on.
            try expectEqual(try await store.read { try $0.domainPolls(since: 150) },
                            [PollData(queueName: "eu:charge", domain: "eu", workerId: "w2", lastPollTime: 150)])
            try expectEqual(try await store.read { try $0.domainPolls(since: 151) }, [])
        },
    ]
}
