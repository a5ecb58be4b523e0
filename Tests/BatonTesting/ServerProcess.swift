import Foundation
import Synchronization

/// A `baton server` child process on a free port, for tests that need a real process: crash and
/// restart, signals. It is killed when the test stops it, and never outlives the test run.
public final class ServerProcess: Sendable {
    /// The server's base URL.
    public let baseURL: String
    /// An HTTP client for it.
    public let client: TestHTTPClient
    private let process: ChildProcess
    private let output: PipeReader

    private init(process: ChildProcess, port: Int, output: PipeReader) {
        self.process = process
        self.output = output
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
        let pipe = Pipe()
        let output = PipeReader(pipe)
        let written = pipe.fileHandleForWriting.fileDescriptor
        let process = try ChildProcess(
            executable: binary.path,
            arguments: ["server", "--port", "0", "--database", database, "--log-level", "info"] + extraArguments,
            output: written, error: written)
        PipeReader.childHasStarted(pipe)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let port = Self.port(announcedIn: output.text) {
                return ServerProcess(process: process, port: port, output: output)
            }
            if !process.isRunning {
                throw TestHarnessError("baton server exited early: \(output.text)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.kill()
        throw TestHarnessError("baton server did not start listening: \(output.text)")
    }

    /// Everything the process printed so far.
    public var log: String { output.text }

    /// Kills the process with SIGKILL, as a crash would, and waits for it to be gone.
    public func kill9() {
        process.kill()
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status (-1 if it would not exit,
    /// after a SIGKILL).
    @discardableResult
    public func terminate() -> Int32 {
        process.send(SIGTERM)
        guard process.waitForExitBlocking(within: .seconds(30)) else {
            kill9()
            return -1
        }
        return process.terminationStatus ?? -1
    }

    deinit {
        if process.isRunning { process.kill() }
    }
}

extension ServerProcess {
    /// The port from the "Baton is listening" line, in the text (`baton.port=…`) or JSON (`"baton.port":"…"`)
    /// log format.
    static func port(announcedIn text: String) -> Int? {
        guard let range = text.range(of: "baton.port=") ?? text.range(of: #""baton.port":""#) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}
