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
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output { posix_spawn_file_actions_adddup2(&actions, output, 1) } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let error { posix_spawn_file_actions_adddup2(&actions, error, 2) } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        guard let closeFrom = Self.closeFrom else {
            throw TestHarnessError("this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)")
        }
        _ = closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid = pid_t()
        let result = Self.withCStrings([executable] + arguments) { argv in
            Self.withCStrings(variables) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard result == 0 else {
            throw TestHarnessError("posix_spawn \(executable) failed: \(String(cString: strerror(result)))")
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
            try? await _Concurrency.Task.sleep(for: .milliseconds(5))
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

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not declare.
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// `body` given a NULL-terminated array of C strings copied from `strings`.
    private static func withCStrings<Result>(_ strings: [String],
                                             _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
        let copies = strings.map { strdup($0) } + [nil]
        defer { for copy in copies { free(copy) } }
        return body(copies)
    }
}
