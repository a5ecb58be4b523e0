#if canImport(Glibc)
import Glibc
#endif
import BatonDecider

/// Moves a script that has run long to Linux's idle scheduling class (`SCHED_IDLE`): it then runs only on
/// processor time nothing else wants, so a script that spins until its time limit costs requests and the
/// writer nothing, whatever its niceness (a nice thread still takes a share of a busy processor), while a
/// short script — almost all of them — never leaves its normal class. A script is moved once it has used
/// `ScriptLimits.fullSpeedTime` of processor time (its own, not the wall clock's, so a script slowed by a
/// busy machine is not moved for that). Moving a thread or process there needs no privilege; moving it
/// back does, unless `RLIMIT_NICE` allows its niceness (root, or a raised limit): a thread that cannot be
/// moved back stays idle, and its owner replaces it (`ScriptThread`).
public enum IdleScheduling {
    /// Moves the calling thread (`id` 0) or the process `id` to the idle class; false if Linux refused.
    @discardableResult
    public static func demote(_ id: pid_t = 0) -> Bool {
        var parameters = sched_param(sched_priority: 0)
        return sched_setscheduler(id, idlePolicy, &parameters) == 0
    }

    /// Moves the calling thread back to the normal class (keeping its niceness); false if Linux refused.
    @discardableResult
    public static func restoreCallingThread() -> Bool {
        var parameters = sched_param(sched_priority: 0)
        return sched_setscheduler(0, SCHED_OTHER, &parameters) == 0
    }

    /// Whether the calling thread is in the idle class.
    public static var isCallingThreadIdle: Bool {
        sched_getscheduler(0) == idlePolicy
    }

    /// The processor time the calling thread has used.
    static var callingThreadTime: Duration {
        time(of: CLOCK_THREAD_CPUTIME_ID) ?? .zero
    }

    /// The processor time the process `pid` has used, or nil if it cannot be read (it has ended).
    static func processTime(_ pid: pid_t) -> Duration? {
        var clock = clockid_t()
        guard clock_getcpuclockid(pid, &clock) == 0 else { return nil }
        return time(of: clock)
    }

    /// The time on `clock`, or nil if it cannot be read.
    static func time(of clock: clockid_t) -> Duration? {
        var now = timespec()
        guard clock_gettime(clock, &now) == 0 else { return nil }
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    /// Glibc's `SCHED_IDLE`, which Swift's Glibc module does not export.
    private static let idlePolicy: Int32 = 5
}
