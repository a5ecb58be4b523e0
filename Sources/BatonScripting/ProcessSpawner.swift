#if canImport(Glibc)
import Glibc
#endif

/// Starts child processes with `posix_spawn`, as Baton does everywhere (Foundation's `Process.run()` on
/// Linux crashes now and then: it over-reads `/proc/self/fd` entries, swift-corelibs-foundation #5472):
/// the child gets the standard descriptors its caller arranges, every other descriptor closed, default
/// signal handlers and an empty signal mask. Shared by the script helpers and the test harness.
package enum ProcessSpawner {
    /// Why a child could not be started.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Starts `executable` with `arguments` (after the executable itself) and `environment` (`NAME=value`
    /// entries); `arrange` sets up descriptors 0, 1 and 2. Returns the child's process id.
    package static func spawn(_ executable: String, arguments: [String], environment: [String],
                              arrange: (inout posix_spawn_file_actions_t) -> Void) throws(Failure) -> pid_t {
        guard let closeFrom else {
            throw Failure(description: "this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        arrange(&actions)
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
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for copy in argv + envp { free(copy) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(description: "posix_spawn \(executable) failed: \(String(cString: strerror(result)))")
        }
        return pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not declare.
    private static let closeFrom: CloseFrom? = cSymbol("posix_spawn_file_actions_addclosefrom_np")
}

/// The C library function `name` as the function type the caller expects, if the process has it.
func cSymbol<Function>(_ name: String) -> Function? {
    dlsym(dlopen(nil, RTLD_NOW), name).map { unsafeBitCast($0, to: Function.self) }
}
