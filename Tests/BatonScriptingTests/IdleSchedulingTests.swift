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
    func javaScriptStaysNormal() async {
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(2)))
        let run = await Self.sample(onThreadNamed: "probe-js", { ProcessInspection.threadPolicy(namedWith: "probe-js") }) {
            (try? evaluator.evaluateJavaScript("while (true) {}", input: [:])) == nil
        }
        #expect(run.failed, "the script was stopped at its time limit")
        #expect(!run.whileRunning.isEmpty && !run.whileRunning.contains(Self.idle), "\(run.whileRunning)")
        // JavaScriptCore's helper threads started from the script's thread carry its name: every one is read.
        #expect(!run.after.isEmpty && !run.after.contains(Self.idle), "the classes after the script was stopped: \(run.after)")
    }

    @Test("an endless jq query's helper runs in the idle class once past its full-speed time, and is gone at the time limit")
    func endlessJQRunsIdle() async {
        let query = "def spin_idle_probe: spin_idle_probe; spin_idle_probe"
        // Long enough for the helper to use its 100 ms of processor time on a machine busy with other tests.
        let evaluator = NativeScriptEvaluator(limits: ScriptLimits(timeLimit: .seconds(6)))
        let run = await Self.sample(onThreadNamed: "probe-jq", { ProcessInspection.childPolicy(runningCommandContaining: query) }) {
            (try? evaluator.evaluateJQ(query, input: [:])) == nil
        }
        #expect(run.failed, "the query was stopped at its time limit")
        #expect(run.whileRunning.contains(Self.idle), "the helper's classes seen: \(run.whileRunning)")
        #expect(run.after.isEmpty, "no helper is left")
    }

    /// Runs `work` on a thread named `name` (at most 15 characters, as Linux keeps them) and reads `policies` every
    /// 10 ms while it runs and once after it (while the thread still lives); `failed` is what `work` returned.
    ///
    /// The readings are taken on a thread of their own, not in a task: on a machine busy with other suites the
    /// cooperative pool's two threads can be taken for longer than the whole run, which left no reading at all.
    static func sample(onThreadNamed name: String, _ policies: @escaping @Sendable () -> [Int], _ work: @escaping @Sendable () -> Bool)
        async -> (whileRunning: Set<Int>, after: [Int], failed: Bool) {
        await withCheckedContinuation { continuation in
            let finished = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let outcome = OutcomeBox()
            Thread {
                try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
                outcome.failed = work()
                finished.signal()
                release.wait()  // stays alive (and named) until its class after the work is read
            }.start()
            Thread {
                var whileRunning: Set<Int> = []
                while finished.wait(timeout: .now() + .milliseconds(10)) == .timedOut {
                    whileRunning.formUnion(policies())
                }
                let after = policies()
                release.signal()
                continuation.resume(returning: (whileRunning, after, outcome.failed))
            }.start()
        }
    }

    /// What the work returned, written by its thread before it signals that it finished.
    private final class OutcomeBox: @unchecked Sendable {
        var failed = false
    }
}
