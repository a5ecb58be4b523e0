import BatonDecider
import BatonModel
import BatonTesting
import Foundation
import Testing

@testable import BatonScripting

/// A jq helper that runs long moves to Linux's idle scheduling class, so it spins only on processor time nothing
/// else wants; a JavaScript never moves (its thread would notice its time limit late, and threads JavaScriptCore starts
/// from it would stay idle).
@Suite(.serialized) struct IdleSchedulingTests {
    static let idle = 5

    @Test("an endless JavaScript's thread stays in the normal class")
    func javaScriptStaysNormal() async throws {
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(1)))
        let run = try await Self.sample(onThreadNamed: "probe-js", { ProcessInspection.threadPolicy(namedWith: "probe-js") }) {
            (try? evaluator.evaluateJavaScript("while (true) {}", input: [:])) == nil
        }
        #expect(run.failed, "the script was stopped at its time limit")
        #expect(!run.whileRunning.isEmpty && !run.whileRunning.contains(Self.idle), "\(run.whileRunning)")
    }

    @Test("an endless jq query's helper runs in the idle class once past its full-speed time, and is gone at the time limit")
    func endlessJQRunsIdle() async throws {
        let query = "def spin_idle_probe: spin_idle_probe; spin_idle_probe"
        // Long enough for the helper to use its 100 ms of processor time on a machine busy with other tests.
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(6)))
        let run = try await Self.sample(onThreadNamed: "probe-jq", { ProcessInspection.childPolicy(runningCommandContaining: query) }) {
            (try? evaluator.evaluateJQ(query, input: [:])) == nil
        }
        #expect(run.failed, "the query was stopped at its time limit")
        #expect(run.whileRunning.contains(Self.idle), "the helper's classes seen: \(run.whileRunning)")
        #expect(run.after.isEmpty, "no helper is left")
    }

    /// Runs `work` on a thread named `name` (at most 15 characters, as Linux keeps them) and reads `policies` every
    /// 10 ms while it runs and once after it (while the thread still lives); `failed` is what `work` returned.
    static func sample(onThreadNamed name: String, _ policies: @escaping () -> [Int], _ work: @escaping @Sendable () -> Bool)
        async throws -> (whileRunning: Set<Int>, after: [Int], failed: Bool) {
        let finished = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        let thread = Thread {
            try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            outcome.failed = work()
            finished.signal()
            release.wait()  // stays alive (and named) until its class after the work is read
        }
        thread.start()
        var whileRunning: Set<Int> = []
        while finished.wait(timeout: .now()) == .timedOut {
            whileRunning.formUnion(policies())
            try await _Concurrency.Task.sleep(for: .milliseconds(10))
        }
        let after = policies()
        release.signal()
        return (whileRunning, after, outcome.failed)
    }

    /// What the work returned, written by its thread before it signals that it finished.
    private final class OutcomeBox: @unchecked Sendable {
        var failed = false
    }
}
