import Foundation
import Synchronization

/// The outcome of running the `baton` executable once: its exit status and what it printed.
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
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables.removeValue(forKey: "BATON_SERVER_URL")
        variables.removeValue(forKey: "BATON_API_KEY")
        for (name, value) in environment { variables[name] = value }
        process.environment = variables
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let outputData = CollectedData()
        let errorData = CollectedData()
        for (pipe, data) in [(output, outputData), (error, errorData)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let chunk = handle.availableData
                if chunk.isEmpty { handle.readabilityHandler = nil } else { data.append(chunk) }  // end of file
            }
        }
        let (exited, exitContinuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { process in
            exitContinuation.yield(process.terminationStatus)
            exitContinuation.finish()
        }
        try process.run()
        let status = try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask {
                var iterator = exited.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await _Concurrency.Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let status = first else {
                kill(process.processIdentifier, SIGKILL)
                throw TestHarnessError("baton \(arguments.joined(separator: " ")) did not exit in time")
            }
            return status
        }
        output.fileHandleForReading.readabilityHandler = nil
        error.fileHandleForReading.readabilityHandler = nil
        outputData.append(output.fileHandleForReading.readDataToEndOfFile())
        errorData.append(error.fileHandleForReading.readDataToEndOfFile())
        return CommandLineRun(status: status, standardOutput: outputData.text, standardError: errorData.text)
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

/// Bytes a child process wrote, collected from a pipe's reading handler.
final class CollectedData: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) {
        guard !chunk.isEmpty else { return }
        data.withLock { $0.append(chunk) }
    }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
