#if canImport(Glibc)
import Glibc
#endif
import BatonDecider

/// Moves a jq helper that has run long to Linux's idle scheduling class (`SCHED_IDLE`): it then runs only on
/// processor time nothing else wants, so a query that spins until its time limit costs requests and the writer
/// nothing, whatever its niceness (a nice process still takes a share of a busy processor), while a short query —
/// almost all of them — never leaves its normal class. A helper is moved once it has used
/// `ScriptLimits.fullSpeedTime` of processor time (its own, not the wall clock's, so a query slowed by a busy
/// machine is not moved for that); its deadline is kept by the wall clock and a kill, so a starved helper still
/// ends on time. JavaScript is not moved: a JavaScriptCore thread in the idle class would notice its time limit
/// only seconds late on a busy machine (its watchdog counts the thread's own processor time), and the helper
/// threads JavaScriptCore starts from it would stay in the idle class for good.
enum IdleScheduling {
    /// Moves the process `pid` to the idle class; false if Linux refused.
    static func demote(_ pid: pid_t) -> Bool {
        var parameters = sched_param(sched_priority: 0)
        return sched_setscheduler(pid, idlePolicy, &parameters) == 0
    }

    /// The processor time the process `pid` has used, or nil if it cannot be read (it has ended).
    static func processTime(_ pid: pid_t) -> Duration? {
        var clock = clockid_t()
        var now = timespec()
        guard clock_getcpuclockid(pid, &clock) == 0, clock_gettime(clock, &now) == 0 else { return nil }
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    /// Glibc's `SCHED_IDLE`, which Swift's Glibc module does not export.
    private static let idlePolicy: Int32 = 5
}
