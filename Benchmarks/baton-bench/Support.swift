import AsyncHTTPClient
import BatonTesting
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A lean HTTP caller for the load generator: raw bodies in, status and body text out, no Codable on the
/// hot path, so the generator spends as little of the shared CPU as it can.
struct Endpoint: Sendable {
    /// AsyncHTTPClient, for Baton's SDK (the worker-host phases).
    let http: HTTPClient
    let baseURL: String
    /// The raw calls' client.
    private let lean: LeanHTTPClient

    /// An endpoint at `baseURL` (`http://host:port`).
    init(http: HTTPClient, baseURL: String) throws {
        guard let url = URLComponents(string: baseURL), let host = url.host, let port = url.port else {
            throw BenchError("\(baseURL) is not http://host:port")
        }
        self.http = http
        self.baseURL = baseURL
        lean = LeanHTTPClient(host: host, port: port)
    }

    /// The SDK's HTTP client: a connection per concurrent caller, no tracing (its spans and attributes cost the
    /// load generator CPU that it shares with the server it measures).
    static func client(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        configuration.timeout.connect = .seconds(5)
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Sends one request and returns its status and body; throws only when no answer came.
    func call(_ method: HTTPMethod, _ path: String, body: String? = nil,
              timeout: TimeAmount = .seconds(30)) async throws -> (status: Int, body: String) {
        try await lean.call(method, path, body: body, timeout: timeout)
    }

    /// Closes the raw calls' idle connections.
    func close() { lean.shutdown() }

    /// Sends one request and throws unless the answer is 2xx.
    @discardableResult
    func expect(_ method: HTTPMethod, _ path: String, body: String? = nil,
                timeout: TimeAmount = .seconds(30)) async throws -> String {
        let (status, text) = try await call(method, path, body: body, timeout: timeout)
        guard (200..<300).contains(status) else { throw BenchError("\(method) \(path) answered \(status): \(text.prefix(300))") }
        return text
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Counters shared by the loops of one phase.
final class Counters: Sendable {
    let started = Atomic<Int>(0)
    let tasksDone = Atomic<Int>(0)
    let workflowsDone = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    let firstError = Mutex<String?>(nil)

    func fail(_ error: any Error) {
        errors.add(1, ordering: .relaxed)
        firstError.withLock { if $0 == nil { $0 = "\(error)" } }
    }
}

/// The workflows an end-to-end phase keeps in flight: a starter takes a place before each start and each
/// completed workflow gives one back, so that starters wait while the backlog is full instead of polling it
/// (64 starters polling every 0.5 ms took a few percent of the machine from the server they measured).
final class Backlog: Sendable {
    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Bool, Never>] = []
        var closed = false
    }

    private let state: Mutex<State>

    init(_ size: Int) {
        state = Mutex(State(free: size))
    }

    /// Waits for a free place and takes it; returns false once the backlog is closed.
    func enter() async -> Bool {
        await withCheckedContinuation { (entered: CheckedContinuation<Bool, Never>) in
            let answer = state.withLock { state -> Bool? in
                if state.closed { return false }
                guard state.free > 0 else {
                    state.waiters.append(entered)
                    return nil
                }
                state.free -= 1
                return true
            }
            if let answer { entered.resume(returning: answer) }
        }
    }

    /// Gives back `count` places (workflows completed, or starts that failed).
    func leave(_ count: Int = 1) {
        guard count > 0 else { return }
        let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            let woken = Array(state.waiters.prefix(count))
            state.waiters.removeFirst(woken.count)
            state.free += count - woken.count
            return woken
        }
        for starter in woken { starter.resume(returning: true) }
    }

    /// Ends the phase: every waiting starter, and every later one, is answered false.
    func close() {
        let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for starter in woken { starter.resume(returning: false) }
    }
}

/// Latency samples of one kind of call, in microseconds.
struct Samples: Sendable {
    var values: [Double] = []

    mutating func time<T>(_ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        let result = try await body()
        values.append(Self.microseconds(ContinuousClock.now - start))
        return result
    }

    static func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }

    mutating func merge(_ other: Samples) { values += other.values }

    /// The `fraction` percentile in milliseconds; nil without samples.
    func percentile(_ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))
        return sorted[index] / 1000
    }
}

/// Now, in seconds on a monotonic clock.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A child process the benchmark started (a `baton server`, the ceiling server), its output and errors written to
/// a log file. Spawned by BatonTesting's `ChildProcess`: Foundation's `Process.run()` crashes now and then on Linux.
final class LoggedChild: Sendable {
    let child: ChildProcess
    let logPath: String

    init(executable: String, arguments: [String], logPath: String) throws {
        self.logPath = logPath
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard log >= 0 else { throw BenchError("Cannot write \(logPath): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        child = try ChildProcess(executable: executable, arguments: arguments, output: log, error: log)
    }

    /// The process's peak resident set (VmHWM), in MiB.
    func peakRSSMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(child.processIdentifier)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }

    /// Stops it with SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        child.send(SIGTERM)
        if !(await child.waitForExit(within: grace)) { child.kill() }
    }
}

/// Waits until `GET path` answers 200, at most `limit`.
func waitUntilUp(_ endpoint: Endpoint, path: String, process: LoggedChild?, limit: Duration = .seconds(60)) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if let process, !process.child.isRunning {
            let log = (try? String(contentsOfFile: process.logPath, encoding: .utf8)) ?? ""
            throw BenchError("The server exited early: \(log.suffix(2000))")
        }
        if let (status, _) = try? await endpoint.call(.GET, path, timeout: .seconds(1)), status == 200 { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw BenchError("\(endpoint.baseURL)\(path) did not come up in time")
}

/// What machine this is: core count and CPU model.
enum Machine {
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    static var cpuModel: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in info.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        }
        return "unknown CPU"
    }

    static var summary: String { "\(cores) cores, \(cpuModel)" }
}

/// The machine's commit ceiling (`ceiling-server`'s `POST /commit`) measured in short slices next to Baton's
/// phases: the machine's speed moves from minute to minute, so each figure is set against the ceiling of
/// the same moments rather than one measured minutes apart.
struct Yardstick: Sendable {
    let load: Load
    let clients: Int
    let slice: Duration

    /// One slice of commits, back to back from `clients` clients.
    func measure() async -> PhaseResult {
        await load.requests(.POST, "/commit", clients: clients, duration: slice)
    }
}
