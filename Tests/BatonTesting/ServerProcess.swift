import Foundation
import Synchronization

/// A `baton server` child process on a free port, for tests that need a real process: crash and
/// restart, signals. It is killed when the test stops it, and never outlives the test run.
public final class ServerProcess: Sendable {
    /// The server's base URL.
    public let baseURL: String
    /// An HTTP client for it.
    public let client: TestHTTPClient
    private let process: Mutex<Process>
    private let output: OutputCollector
    /// The read end of the child's output pipe, whose handler stops when the child is gone.
    private let outputHandle: FileHandle

    private init(process: Process, port: Int, output: OutputCollector, outputHandle: FileHandle) {
        self.process = Mutex(process)
        self.output = output
        self.outputHandle = outputHandle
        baseURL = "http://127.0.0.1:\(port)"
        client = TestHTTPClient(baseURL: baseURL)
    }

    /// The `baton` executable next to the test bundle (or `BATON_BINARY`).
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["BATON_BINARY"] { return URL(fileURLWithPath: path) }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBundle.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("baton")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return testBundle.deletingLastPathComponent().appendingPathComponent("baton")
    }

    /// Starts `baton server` on `database` with a free port and waits until it listens.
    public static func start(database: String, extraArguments: [String] = []) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["server", "--port", "0", "--database", database, "--log-level", "info"] + extraArguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = OutputCollector()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            // At end of file the handler would fire again and again; a handler left on a closed descriptor
            // is what crashed libdispatch's event loop under load.
            if data.isEmpty { handle.readabilityHandler = nil } else { output.append(data) }
        }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let port = output.port() {
                return ServerProcess(process: process, port: port, output: output, outputHandle: pipe.fileHandleForReading)
            }
            if !process.isRunning {
                throw TestHarnessError("baton server exited early: \(output.text)")
            }
            try await _Concurrency.Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw TestHarnessError("baton server did not start listening: \(output.text)")
    }

    /// Everything the process printed so far.
    public var log: String { output.text }

    /// Kills the process with SIGKILL, as a crash would, and waits for it to be gone.
    public func kill9() {
        process.withLock { process in
            kill(process.processIdentifier, SIGKILL)
            Self.waitForExit(of: process)
        }
        outputHandle.readabilityHandler = nil
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status (-1 if it would not exit,
    /// after a SIGKILL).
    @discardableResult
    public func terminate() -> Int32 {
        let status = process.withLock { process -> Int32 in
            if process.isRunning { process.terminate() }
            guard Self.waitForExit(of: process, within: .seconds(30)) else {
                kill(process.processIdentifier, SIGKILL)
                Self.waitForExit(of: process)
                return -1
            }
            return process.terminationStatus
        }
        outputHandle.readabilityHandler = nil
        return status
    }

    /// Waits for `process` to have exited, up to `limit`; returns whether it did. Polls instead of
    /// `waitUntilExit()`, which spins a run loop on the calling thread (one of Swift's few cooperative
    /// threads here) with no limit at all.
    @discardableResult
    private static func waitForExit(of process: Process, within limit: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return false }
            usleep(5_000)
        }
        return true
    }

    deinit {
        process.withLock { process in
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                Self.waitForExit(of: process)
            }
        }
        outputHandle.readabilityHandler = nil
    }
}

/// Collects a child's output and finds the port it announced.
final class OutputCollector: Sendable {
    private let buffer = Mutex(Data())

    func append(_ data: Data) {
        buffer.withLock { $0.append(data) }
    }

    var text: String { buffer.withLock { String(decoding: $0, as: UTF8.self) } }

    /// The port from the "Baton is listening" line, in the text (`baton.port=…`) or JSON (`"baton.port":"…"`)
    /// log format.
    func port() -> Int? {
        let text = self.text
        guard let range = text.range(of: "baton.port=") ?? text.range(of: #""baton.port":""#) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}
