import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Schedules across a `kill -9` of the only server: a slot fires once (its workflow, its record and the next run time
/// are one transaction), and the slots that came while it was down are fired on restart, each once and in order, only
/// by a schedule that catches up; the other skips them and counts them as missed.
@Suite("End to end: schedules through a crash")
struct ScheduleCrashTests {
    static func records(_ client: TestHTTPClient, _ name: String) async throws -> [ScheduleExecution] {
        let reply = try await client.get("/api/scheduler/search/executions?query=scheduleName%20IN%20(\(name))"
            + "&sort=scheduledTime:ASC&size=1000")
        return try reply.decode(SearchResult<ScheduleExecution>.self).results
    }

    /// Waits (up to a minute) until `ready` holds of the two schedules' records.
    static func waitFor(_ client: TestHTTPClient,
                        _ ready: ([ScheduleExecution], [ScheduleExecution]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let caught = try? await records(client, "catches-up"), let skips = try? await records(client, "skips"),
               ready(caught, skips) {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test("kill -9 and restart: every slot fired once; the missed ones caught up in order with catch-up, skipped without")
    func killNineWithAndWithoutCatchUp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-schedules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("baton.sqlite").path
        // A slot found more than a second late counts as missed (the default is a minute, too long for a test).
        let arguments = ["--schedule-misfire-threshold", "1"]
        let server = try await ServerProcess.start(database: database, extraArguments: arguments)
        var reply = try await server.client.send(.POST, "/api/metadata/workflow", body: """
            {"name":"crash_sched","version":1,"tasks":[{"name":"hold","taskReferenceName":"hold","type":"WAIT"}]}
            """)
        try #require(reply.status == 200, "\(reply.text)")
        for (name, catchUp) in [("catches-up", true), ("skips", false)] {
            reply = try await server.client.send(.POST, "/api/scheduler/schedules", body: """
                {"name":"\(name)","cronExpression":"* * * * * *","runCatchupScheduleInstances":\(catchUp),
                 "startWorkflowRequest":{"name":"crash_sched"}}
                """)
            try #require(reply.status == 200, "\(reply.text)")
        }
        try #require(try await Self.waitFor(server.client) { $0.count >= 2 && $1.count >= 2 })
        server.kill9()
        let down = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))  // three seconds of slots with no server
        let restarted = try await ServerProcess.start(database: database, extraArguments: arguments)
        defer { _ = restarted.terminate() }
        let since = Int64(Date().timeIntervalSince1970 * 1000)
        // Until both have fired a slot after the restart, with the catch-up one at least a second past the restart.
        try #require(try await Self.waitFor(restarted.client) { caught, skips in
            (caught.last?.scheduledTime ?? 0) > since + 1_000 && (skips.last?.scheduledTime ?? 0) > since
        }, "\(restarted.log)")
        for name in ["catches-up", "skips"] {
            _ = try await restarted.client.send(.PUT, "/api/scheduler/schedules/\(name)/pause")
        }
        let caught = try await Self.records(restarted.client, "catches-up")
        let skips = try await Self.records(restarted.client, "skips")
        #expect(ContinuousClock.now - down > .seconds(3))

        // Catch-up: every second from the first slot to the last, each once, in order, each with its own workflow.
        let slots = caught.map(\.scheduledTime)
        let first = try #require(slots.first)
        #expect(slots == Array(stride(from: first, through: slots.last ?? first, by: 1_000)), "\(slots)")
        #expect(Set(caught.compactMap(\.workflowId)).count == caught.count)
        #expect(caught.allSatisfy { $0.state == .executed })

        // No catch-up: each slot at most once, and the seconds the server was down skipped.
        let skipped = skips.map(\.scheduledTime)
        #expect(skipped == skipped.sorted() && Set(skipped).count == skipped.count, "\(skipped)")
        let gaps = zip(skipped, skipped.dropFirst()).map { $1 - $0 }
        #expect(gaps.contains { $0 >= 3_000 }, "the slots while down were not fired: \(skipped)")
        let metrics = try await restarted.client.get("/metrics").text
        #expect(metrics.contains(#"baton_schedule_slots_total{outcome="missed",schedule="skips"}"#)
                || metrics.contains(#"baton_schedule_slots_total{schedule="skips",outcome="missed"}"#), "\(metrics.prefix(4000))")

        // One workflow per record, no more: no slot started a workflow whose record was lost, or the reverse.
        let started = try await restarted.client.get("/api/workflow/search?query=workflowType%3Dcrash_sched&size=1")
            .decode(SearchResult<WorkflowSummary>.self)
        #expect(started.totalHits == Int64(caught.count + skips.count))
    }
}
