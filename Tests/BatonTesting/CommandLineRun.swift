import Dispatch
import Foundation
import Synchronization

/// The outcome of running an executable (usually `baton`) once: its exit status and what it printed.
public struct CommandLineRun: Sendable {
    /// The exit status.
    public let status: Int32
    /// Everything written to standard output.
    public let standardOutput: String
    /// Everything written to standard error.
    public let standardError: String

    /// Runs `baton` (`ServerProcess.binary`) with `arguments` and `environment` added to this process's,
    /// and waits, without blocking a thread, for it to exit (killing it after `timeout`).
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           timeout: Duration = .seconds(60)) async throws -> CommandLineRun {
        var variables = ProcessInfo.processInfo.environment
        variables.removeValue(forKey: "BATON_SERVER_URL")
        variables.removeValue(forKey: "BATON_API_KEY")
        for (name, value) in environment { variables[name] = value }
        return try await run(executable: ServerProcess.binary.path, arguments: arguments, environment: variables,
                             timeout: timeout)
    }

    /// Runs `executable` with `arguments` in `environment` (this process's when nil), and waits, without
    /// blocking a thread, for it to exit (killing it after `timeout`).
    public static func run(executable: String, arguments: [String], environment: [String: String]? = nil,
                           timeout: Duration) async throws -> CommandLineRun {
        let output = Pipe()
        let error = Pipe()
        let outputReader = PipeReader(output)
        let errorReader = PipeReader(error)
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: environment,
                                       output: output.fileHandleForWriting.fileDescriptor,
                                       error: error.fileHandleForWriting.fileDescriptor)
        PipeReader.childHasStarted(output)
        PipeReader.childHasStarted(error)
        guard await process.waitForExit(within: timeout), let status = process.terminationStatus else {
            process.kill()
            let name = executable.split(separator: "/").last.map(String.init) ?? executable
            throw TestHarnessError("\(name) \(arguments.joined(separator: " ")) did not exit in time")
        }
        // The child has exited: its output ends as soon as the pipes are drained.
        outputReader.waitForEnd(within: .seconds(10))
        errorReader.waitForEnd(within: .seconds(10))
        return CommandLineRun(status: status, standardOutput: outputReader.text, standardError: errorReader.text)
    }

    /// The standard output decoded as JSON into `T`.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(standardOutput.utf8))
    }

    /// The standard output with surrounding white space removed.
    public var trimmedOutput: String { standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// A port no process listens on right now (the kernel's pick), for a server that must restart on the same port.
public func freePort() throws -> Int {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketDescriptor >= 0 else { throw TestHarnessError("socket() failed") }
    defer { close(socketDescriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestHarnessError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
    }
    guard named == 0 else { throw TestHarnessError("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Everything a child process writes to a pipe, read on a thread of its own until end of file. (Foundation's
/// `readabilityHandler` runs on a libdispatch source; a source left on, or cleared from another thread while,
/// the pipe closes as its child exits has crashed libdispatch's event loop under load.)
public final class PipeReader: Sendable {
    private let data = Mutex(Data())
    private let ended = DispatchSemaphore(value: 0)

    /// Starts reading `pipe`; the caller gives the pipe to the child as its output before running it.
    public init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    data.withLock { $0.append(contentsOf: chunk[0..<count]) }
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            // The handle, and with it the descriptor, lives until the reading is over.
            withExtendedLifetime(handle) {}
            ended.signal()
        }.start()
    }

    /// Closes this process's copy of the pipe's writing end, once the child has it, so that the child's exit
    /// is the end of file.
    public static func childHasStarted(_ pipe: Pipe) {
        try? pipe.fileHandleForWriting.close()
    }

    /// Waits up to `limit` for the end of file; returns whether it came.
    @discardableResult
    public func waitForEnd(within limit: Duration) -> Bool {
        let (seconds, attoseconds) = limit.components
        return ended.wait(timeout: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))) == .success
    }

    /// Everything read so far.
    public var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
