#if canImport(Glibc)
import Glibc
#endif
import BatonDecider

/// A short-lived child process that reads one input and whose output is collected within limits: started
/// by `ProcessSpawner` with an empty environment, at the scripts' lower priority (and in the idle scheduling
/// class once it has used `ScriptLimits.fullSpeedTime` of processor time, `IdleScheduling`), and its input
/// read from an anonymous in-memory file. It is killed (SIGKILL) and reaped as soon as it runs past its
/// deadline or writes more than allowed, so no child outlives its evaluation.
struct HelperProcess {
    /// How a run ended.
    enum Ending: Equatable {
        /// The child exited with this code.
        case exited(Int32)
        /// A signal ended the child (the limit on CPU time, an abort).
        case signaled(Int32)
        /// The child ran past its deadline and was killed.
        case timedOut
        /// The child wrote more than the output limit and was killed.
        case outputTooLarge
    }

    /// What the child wrote, and how it ended.
    struct Run {
        var ending: Ending
        var output: [UInt8]
        var errorText: String
    }

    /// The most bytes of standard error kept.
    static let errorLimit = 64 * 1024

    /// Runs `arguments` (the first is an absolute executable path) on `input`, killing the child after
    /// `timeLimit` or once its output passes `outputLimit` bytes or `lineLimit` lines.
    static func run(_ arguments: [String], input: [UInt8], timeLimit: Duration, outputLimit: Int,
                    lineLimit: Int) throws(ScriptError) -> Run {
        let inputFile = try memoryFile(holding: input)
        defer { close(inputFile) }
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard makePipe(&outputPipe) else { throw failure("a pipe") }
        guard makePipe(&errorPipe) else {
            close(outputPipe[0]); close(outputPipe[1])
            throw failure("a pipe")
        }
        let pid: pid_t
        do {
            defer { close(outputPipe[1]); close(errorPipe[1]) }
            pid = try spawn(arguments, input: inputFile, output: outputPipe[1], error: errorPipe[1])
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid), ScriptLimits.niceness)
        } catch {
            close(outputPipe[0]); close(errorPipe[0])
            throw error
        }
        defer { close(outputPipe[0]); close(errorPipe[0]) }
        let deadline = ContinuousClock.now + timeLimit
        var (run, finished) = collect(from: pid, output: outputPipe[0], error: errorPipe[0], until: deadline,
                                      outputLimit: outputLimit, lineLimit: lineLimit)
        let status = reap(pid, killing: run.ending != .exited(0) || !finished, until: deadline)
        if run.ending == .exited(0) {
            if let status {
                let signal = status & 0x7F
                run.ending = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
            } else {
                run.ending = .timedOut
            }
        }
        return run
    }

    /// Reads the child's output and error until both end (`finished`), the deadline passes (`.timedOut`) or
    /// the output passes a limit (`.outputTooLarge`); the ending is `.exited(0)` until the child is reaped.
    /// Looks at the child's processor time at least every 50 ms, and moves it to the idle class past
    /// `ScriptLimits.fullSpeedTime`.
    private static func collect(from pid: pid_t, output: Int32, error: Int32, until deadline: ContinuousClock.Instant,
                                outputLimit: Int, lineLimit: Int) -> (Run, finished: Bool) {
        var run = Run(ending: .exited(0), output: [], errorText: "")
        var errorBytes: [UInt8] = []
        func ended(finished: Bool) -> (Run, finished: Bool) {
            run.errorText = String(decoding: errorBytes, as: UTF8.self)
            return (run, finished)
        }
        var lines = 0
        var demoted = false
        var open = [output, error]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !open.isEmpty {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                run.ending = .timedOut
                return ended(finished: false)
            }
            if !demoted, let used = IdleScheduling.processTime(pid), used >= ScriptLimits.fullSpeedTime {
                demoted = IdleScheduling.demote(pid)
            }
            var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = min(remaining, demoted ? remaining : .milliseconds(50))
            let waitMillis = Int32(clamping: wait.components.seconds * 1000
                + wait.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard poll(&descriptors, nfds_t(descriptors.count), waitMillis) >= 0 || errno == EINTR else { return ended(finished: false) }
            for descriptor in descriptors where descriptor.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptor.fd, $0.baseAddress, $0.count) }
                if count <= 0 {
                    if count == 0 || errno != EINTR { open.removeAll { $0 == descriptor.fd } }
                    continue
                }
                let chunk = buffer[..<count]
                if descriptor.fd == output {
                    run.output += chunk
                    lines += chunk.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                    if run.output.count > outputLimit || lines > lineLimit {
                        run.ending = .outputTooLarge
                        return ended(finished: false)
                    }
                } else if errorBytes.count < errorLimit {
                    errorBytes += chunk.prefix(errorLimit - errorBytes.count)
                }
            }
        }
        return ended(finished: true)
    }

    /// Waits for the child to end until `deadline`, killing it then (or at once with `killing`); returns
    /// its `waitpid` status, or nil when it had to be killed for running past the deadline.
    private static func reap(_ pid: pid_t, killing: Bool, until deadline: ContinuousClock.Instant) -> Int32? {
        var status: Int32 = 0
        if !killing {
            while ContinuousClock.now < deadline {
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid || (reaped == -1 && errno != EINTR) { return status }
                usleep(1_000)
            }
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return killing ? status : nil
    }

    /// Opens a pipe whose ends close on `exec` (the child gets its end as a standard descriptor).
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// An anonymous in-memory file holding `bytes`, positioned at its start.
    private static func memoryFile(holding bytes: [UInt8]) throws(ScriptError) -> Int32 {
        guard let create = makeMemoryFile else { throw ScriptError(.unavailable, "This C library has no memfd_create") }
        let file = create("baton-script-input", 1)  // MFD_CLOEXEC
        guard file >= 0 else { throw failure("an in-memory file") }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
            guard count > 0 || errno == EINTR else {
                close(file)
                throw failure("an in-memory file")
            }
            written += max(0, count)
        }
        lseek(file, 0, SEEK_SET)
        return file
    }

    private static func spawn(_ arguments: [String], input: Int32, output: Int32, error: Int32) throws(ScriptError) -> pid_t {
        do {
            return try ProcessSpawner.spawn(arguments[0], arguments: Array(arguments.dropFirst()), environment: []) { actions in
                posix_spawn_file_actions_adddup2(&actions, input, 0)
                posix_spawn_file_actions_adddup2(&actions, output, 1)
                posix_spawn_file_actions_adddup2(&actions, error, 2)
            }
        } catch {
            throw ScriptError(.unavailable, "Could not start a script helper: \(error)")
        }
    }

    private static func failure(_ what: String) -> ScriptError {
        ScriptError(.unavailable, "Could not make \(what) for a script helper: \(String(cString: strerror(errno)))")
    }

    private typealias MemoryFileCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `memfd_create`.
    private static let makeMemoryFile: MemoryFileCreate? = cSymbol("memfd_create")

    /// The absolute path of `command` in the directories of `PATH` (or the usual ones), if it is there.
    static func path(of command: String) -> String? {
        let directories = (getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(command)" }.first { access($0, X_OK) == 0 }
    }
}
