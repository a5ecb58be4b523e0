import BatonDecider
import BatonModel
import BatonTesting
import Foundation
import Testing

@testable import BatonScripting

/// A script that runs long moves to Linux's idle scheduling class, so it spins only on processor time nothing
/// else wants, and its thread comes back to the normal class when it ends; a short script never moves.
@Suite(.serialized) struct IdleSchedulingTests {
    static let normal = 0
    static let idle = 5

    @Test("an endless JavaScript runs in the idle class once past its full-speed time, still stops at its time limit, and its thread comes back to the normal class")
    func endlessJavaScriptRunsIdle() async throws {
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(2)))
        let run = try await Self.sample(onThreadNamed: "probe-js", { ProcessInspection.threadPolicy(namedWith: "probe-js") }) {
            (try? evaluator.evaluateJavaScript("while (true) {}", input: [:])) == nil
        }
        #expect(run.failed, "the script was stopped at its time limit")
        #expect(run.before == [Self.normal])
        #expect(run.whileRunning.contains(Self.idle), "seen while it ran: \(run.whileRunning)")
        // JavaScriptCore's helper threads started from the thread carry its name too.
        #expect(!run.after.isEmpty && run.after.allSatisfy { $0 == Self.normal }, "the thread is back in the normal class")
    }

    @Test("a short JavaScript leaves its thread in the normal class")
    func shortJavaScriptStaysNormal() async throws {
        let evaluator = NativeScriptEvaluator()
        let run = try await Self.sample(onThreadNamed: "probe-short", { ProcessInspection.threadPolicy(namedWith: "probe-short") }) {
            (try? evaluator.evaluateJavaScript("let s = 0; for (let i = 0; i < 1e5; i++) s += i; s", input: [:])) != 4_999_950_000
        }
        #expect(!run.failed)
        #expect(!run.whileRunning.contains(Self.idle))
        #expect(!run.after.isEmpty && run.after.allSatisfy { $0 == Self.normal })
    }

    @Test("an endless jq query's helper runs in the idle class once past its full-speed time, and is gone at the time limit")
    func endlessJQRunsIdle() async throws {
        let query = "def spin_idle_probe: spin_idle_probe; spin_idle_probe"
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(2)))
        let run = try await Self.sample(onThreadNamed: "probe-jq", { ProcessInspection.childPolicy(runningCommandContaining: query) }) {
            (try? evaluator.evaluateJQ(query, input: [:])) == nil
        }
        #expect(run.failed, "the query was stopped at its time limit")
        #expect(run.whileRunning.contains(Self.idle), "the helper's classes seen: \(run.whileRunning)")
        #expect(run.after.isEmpty, "no helper is left")
    }

    /// Runs `work` on a thread named `name` (at most 15 characters, as Linux keeps them) and reads `policies` before it, every 10 ms while it runs, and
    /// after it (while the thread still lives); `failed` is what `work` returned.
    static func sample(onThreadNamed name: String, _ policies: @escaping () -> [Int], _ work: @escaping @Sendable () -> Bool)
        async throws -> (before: [Int], whileRunning: Set<Int>, after: [Int], failed: Bool) {
        let started = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        let thread = Thread {
            try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            started.signal()
            proceed.wait()
            outcome.failed = work()
            finished.signal()
            proceed.wait()  // stays alive (and named) until its class after the work is read
        }
        thread.start()
        started.wait()
        let before = policies()
        proceed.signal()
        var whileRunning: Set<Int> = []
        while finished.wait(timeout: .now()) == .timedOut {
            whileRunning.formUnion(policies())
            try await _Concurrency.Task.sleep(for: .milliseconds(10))
        }
        let after = policies()
        proceed.signal()
        return (before, whileRunning, after, outcome.failed)
    }

    /// What the work returned, written by its thread before it signals that it finished.
    private final class OutcomeBox: @unchecked Sendable {
        var failed = false
    }
}
