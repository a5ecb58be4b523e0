import BatonScripting
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for the tests' `baton` runs. Foundation's `Process.run()` on
/// Linux crashes now and then (SIGSEGV in its `memcpy`): it copies each `/proc/self/fd` entry's whole 256-byte
/// name field while a directory record is often shorter, reading past glibc's buffer when the next page is
/// unmapped (swift-corelibs-foundation #5472). The test process spawns hundreds of children, and one such crash
/// took the whole run down with it. Here the child gets standard output and error as given, every other
/// descriptor closed, default signal handlers and an empty signal mask, as `Process` gives it.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let processIdentifier: pid_t
    /// The `waitpid` status once the child has been reaped.
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`, `environment` (this process's when nil), and standard output and
    /// error written to `output` and `error` (file descriptors; `/dev/null` when nil).
    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                output: Int32? = nil, error: Int32? = nil) throws {
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let pid: pid_t
        do {
            pid = try ProcessSpawner.spawn(executable, arguments: arguments, environment: variables) { actions in
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                if let output { posix_spawn_file_actions_adddup2(&actions, output, 1) } else {
                    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                }
                if let error { posix_spawn_file_actions_adddup2(&actions, error, 2) } else {
                    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
                }
            }
        } catch {
            throw TestHarnessError(error.description)
        }
        processIdentifier = pid
    }

    /// Whether the child has not exited yet (reaping it once it has).
    public var isRunning: Bool {
        exitStatus.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            let reaped = waitpid(processIdentifier, &raw, WNOHANG)
            if reaped == processIdentifier || (reaped == -1 && errno == ECHILD) {
                status = raw
                return false
            }
            return true
        }
    }

    /// The exit code, or the number of the signal that ended the child; nil while it runs.
    public var terminationStatus: Int32? {
        guard !isRunning, let raw = exitStatus.withLock({ $0 }) else { return nil }
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : signal
    }

    /// Sends `signal` (SIGTERM by default) unless the child is gone.
    public func send(_ signal: Int32 = SIGTERM) {
        if isRunning { Glibc.kill(processIdentifier, signal) }
    }

    /// Kills the child with SIGKILL, as a crash would, and waits for it to be gone.
    public func kill() {
        send(SIGKILL)
        waitForExitBlocking(within: .seconds(10))
    }

    /// Waits up to `limit` for the child to exit, without blocking a Swift task's thread for long; returns whether
    /// it did.
    @discardableResult
    public func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Waits up to `limit` for the child to exit, blocking this thread; returns whether it did.
    @discardableResult
    public func waitForExitBlocking(within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while isRunning {
            guard ContinuousClock.now < deadline else { return false }
            usleep(5_000)
        }
        return true
    }
}
