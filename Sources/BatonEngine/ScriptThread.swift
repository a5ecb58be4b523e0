import BatonDecider
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A thread of its own that runs blocking jobs one at a time — a script evaluation blocks for up to its
/// time limit, which must not happen on the Swift concurrency pool. Named (`baton-script-N`, as the
/// system shows it), so its CPU time can be told apart, and at a lower scheduling priority (nice 10), so
/// scripts that spin leave the processors to requests and the writer; it keeps its JavaScriptCore VM
/// between jobs.
final class ScriptThread: Sendable {
    /// Queued jobs; nil asks the thread to end.
    private let jobs = Mutex<[(@Sendable () -> Void)?]>([])
    private let queued = DispatchSemaphore(value: 0)

    /// Starts a thread named `name`.
    init(name: String) {
        let thread = Thread { [self] in
            Self.prepareCurrentThread(name: name)
            runJobs()
        }
        thread.stackSize = 8 << 20  // JavaScriptCore recurses deeply on deeply nested values
        thread.start()
    }

    /// Names the calling thread as Linux shows it (Foundation's `Thread.name` does not reach the system
    /// there, and Swift's Glibc declares neither `pthread_setname_np` nor `gettid`) and lowers its priority.
    private static func prepareCurrentThread(name: String) {
        #if canImport(Glibc)
        let file = open("/proc/thread-self/comm", O_WRONLY)
        guard file >= 0 else { return }
        _ = name.withCString { write(file, $0, strlen($0)) }
        close(file)
        // "/proc/thread-self" links to "PID/task/TID".
        var link = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/thread-self", &link, link.count - 1)
        guard length > 0, let id = id_t(String(decoding: link[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: "/").last ?? "") else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id, ScriptLimits.niceness)
        #endif
    }

    /// Runs the queued jobs as they come, until asked to end (the thread holds `self` until then).
    private func runJobs() {
        while true {
            queued.wait()
            guard let job = jobs.withLock({ $0.removeFirst() }) else { return }
            job()
        }
    }

    /// Runs `work` on the thread and returns its result.
    func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: work()) }
        }
    }

    /// Ends the thread once the jobs queued before have run.
    func stop() {
        enqueue(nil)
    }

    private func enqueue(_ job: (@Sendable () -> Void)?) {
        jobs.withLock { $0.append(job) }
        queued.signal()
    }
}
