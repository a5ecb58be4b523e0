@testable import BatonEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The script runner's threads: jobs run one at a time at the scripts' niceness, and a thread a job left in the
/// idle scheduling class (an evaluator that could not move it back, without the privilege to) is replaced.
@Suite struct ScriptThreadTests {
    /// The calling thread's id, its scheduling policy (0 normal, 5 idle) and its niceness.
    @Sendable static func scheduling() -> (id: String, policy: Int32, niceness: Int32) {
        var link = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/thread-self", &link, link.count - 1)
        let id = String(decoding: link[..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (id, sched_getscheduler(0), getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
    }

    @Test("jobs run one after another on one thread at niceness 10; a job that leaves it in the idle class hands the next jobs to a fresh thread in the normal class")
    func idleThreadIsReplaced() async {
        let thread = ScriptThread(name: "probe-replace")
        defer { thread.stop() }
        let first = await thread.run(Self.scheduling)
        let second = await thread.run(Self.scheduling)
        #expect(first.id == second.id)
        #expect(first.policy == 0 && first.niceness == 10)

        await thread.run {
            var parameters = sched_param(sched_priority: 0)
            _ = sched_setscheduler(0, 5, &parameters)  // SCHED_IDLE, as an evaluator leaves it when it cannot move back
        }
        let fresh = await thread.run(Self.scheduling)
        #expect(fresh.id != first.id, "a fresh thread runs the jobs that follow")
        #expect(fresh.policy == 0 && fresh.niceness == 10)
        #expect(await thread.run(Self.scheduling).id == fresh.id)
    }
}
