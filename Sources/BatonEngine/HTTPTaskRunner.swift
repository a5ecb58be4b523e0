import AsyncHTTPClient
import BatonDecider
import BatonModel
import Foundation
import NIOCore
import NIOHTTP1
public import ServiceLifecycle

/// Baton's own worker for HTTP tasks: it polls the `HTTP` queue like any worker, makes the call
/// described by the task's `http_request` input, and reports the response — a 2xx completes the task,
/// anything else (or no answer) fails it, and the task definition's retries apply. Calls go only where `targets`
/// allows, redirects included (each is followed by the runner, checked like the first address).
public struct HTTPTaskRunner: Service {
    /// The queue (task type) HTTP tasks wait in.
    public static let taskType = TaskType.http.rawValue
    /// The worker id reported for HTTP tasks.
    public static let workerId = "baton-http"
    /// The most bytes of a response body kept in the task output.
    static let maximumResponseBody = 1024 * 1024
    /// The most redirects followed for one call.
    static let maximumRedirects = 5

    let engine: Engine
    let concurrency: Int
    let targets: HTTPTargetPolicy

    /// Creates a runner that makes up to `concurrency` calls at once, to the addresses `targets` allows.
    public init(engine: Engine, concurrency: Int = 8, targets: HTTPTargetPolicy = .standard) {
        self.engine = engine
        self.concurrency = max(1, concurrency)
        self.targets = targets
    }

    public func run() async throws {
        // Redirects come back to the runner, which checks where each one leads before following it.
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await SystemTaskLoops(engine: engine, taskType: Self.taskType, workerId: Self.workerId, concurrency: concurrency)
                    .run { _, task in await execute(task, client: client) }
            }
            group.addTask { await runIsolatedQueues(client: client) }
        }
        try await client.shutdown()
    }

    /// How often the runner looks for task definitions naming a new isolation group or namespace.
    static let isolationScanInterval: Duration = .seconds(2)

    /// Gives each isolation group and namespace that a task definition names its own `concurrency` workers, as
    /// Conductor's isolated system-task workers do: a slow group's calls never take another group's turn. Task
    /// definitions are read every `isolationScanInterval` (a group seen once keeps its workers until shutdown).
    private func runIsolatedQueues(client: HTTPClient) async {
        await withTaskGroup(of: Void.self) { group in
            var served: Set<TaskIsolation> = []
            func stopping() -> Bool { Task.isCancelled || Task.isShuttingDownGracefully }
            while !stopping() {
                let isolations = (try? await engine.taskDefs())?.compactMap(TaskIsolation.init) ?? []
                for isolation in Set(isolations).subtracting(served) {
                    served.insert(isolation)
                    group.addTask {
                        await SystemTaskLoops(engine: engine, taskType: Self.taskType, workerId: Self.workerId,
                                              concurrency: concurrency, isolation: isolation)
                            .run { _, task in await execute(task, client: client) }
                    }
                }
                // In short steps, so that a graceful shutdown is noticed at once.
                let next = ContinuousClock.now + Self.isolationScanInterval
                while ContinuousClock.now < next, !stopping() {
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// Makes the call a task describes and turns the outcome into its result.
    func execute(_ task: BatonModel.TaskExecution, client: HTTPClient) async -> TaskResult {
        var result = TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .failed,
                                workerId: Self.workerId)
        let call: HTTPCall
        do {
            call = try HTTPCall(input: task.inputData)
        } catch {
            result.status = .failedWithTerminalError
            result.reasonForIncompletion = "\(error)"
            return result
        }
        do {
            let response: HTTPClientResponse
            switch try await send(call, with: client) {
            case .refused(let reason):
                result.status = .failedWithTerminalError
                result.reasonForIncompletion = "HTTP call refused: \(reason)"
                return result
            case .answered(let answer): response = answer
            }
            var body = try await response.body.collect(upTo: Self.maximumResponseBody)
            let text = body.readString(length: body.readableBytes) ?? ""
            let parsedBody = (try? JSONValue(parsing: text)) ?? .string(text)
            var headers: JSONObject = [:]
            for (name, value) in response.headers {
                headers[name] = .array((headers[name]?.arrayValue ?? []) + [.string(value)])
            }
            result.outputData = ["response": [
                "statusCode": .int(Int64(response.status.code)), "reasonPhrase": .string(response.status.reasonPhrase),
                "headers": .object(headers), "body": parsedBody,
            ]]
            if (200..<300).contains(response.status.code) {
                // With asyncComplete the task waits IN_PROGRESS for an external completion, as Conductor's HttpTask.
                result.status = task.completesAsynchronously ? .inProgress : .completed
            } else {
                result.reasonForIncompletion = "HTTP \(response.status.code) \(response.status.reasonPhrase): \(text.prefix(500))"
            }
        } catch {
            result.reasonForIncompletion = "HTTP call to \(call.request.url) failed: \(error)"
        }
        return result
    }

    private enum Outcome {
        case answered(HTTPClientResponse)
        case refused(String)
    }

    /// Sends the call, following redirects, each address checked against `targets` before it is called.
    private func send(_ call: HTTPCall, with client: HTTPClient) async throws -> Outcome {
        var request = call.request
        for _ in 0...Self.maximumRedirects {
            guard let url = URL(string: request.url), let host = url.host else { return .refused("'\(request.url)' has no host") }
            if let refusal = await targets.refusal(forHost: host) { return .refused(refusal) }
            let response = try await client.execute(request, timeout: call.timeout)
            guard [301, 302, 303, 307, 308].contains(response.status.code),
                  let location = response.headers.first(name: "Location"),
                  let next = URL(string: location, relativeTo: url)?.absoluteURL,
                  let scheme = next.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
                return .answered(response)
            }
            var redirected = HTTPClientRequest(url: next.absoluteString)
            redirected.headers = request.headers
            if response.status.code == 303 || ((301...302).contains(response.status.code) && request.method == .POST) {
                redirected.method = .GET
                redirected.headers.remove(name: "Content-Type")
            } else {
                redirected.method = request.method
                redirected.body = request.body
            }
            request = redirected
        }
        return .refused("more than \(Self.maximumRedirects) redirects")
    }
}

/// The request an HTTP task describes, read from `http_request` (or the input itself), as Conductor's
/// HTTP task reads it: uri, method, headers, body, accept, contentType, connectionTimeOut, readTimeOut.
struct HTTPCall {
    let request: HTTPClientRequest
    let timeout: TimeAmount

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(input: JSONObject) throws {
        let spec = input["http_request"]?.objectValue ?? input
        guard let uri = spec["uri"]?.stringValue, let url = URL(string: uri), let scheme = url.scheme?.lowercased(),
              ["http", "https"].contains(scheme), url.host != nil else {
            throw Invalid(description: "The HTTP task needs an absolute http(s) 'uri' in its http_request input")
        }
        var request = HTTPClientRequest(url: uri)
        let method = (spec["method"]?.stringValue ?? "GET").uppercased()
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Accept", value: spec["accept"]?.stringValue ?? "application/json")
        for (name, value) in spec["headers"]?.objectValue ?? [:] {
            for item in value.arrayValue ?? [value] { request.headers.add(name: name, value: item.interpolated) }
        }
        if let body = spec["body"], body != .null {
            request.headers.replaceOrAdd(name: "Content-Type", value: spec["contentType"]?.stringValue ?? "application/json")
            let text: String
            if case .string(let raw) = body { text = raw } else { text = body.jsonText }
            request.body = .bytes(ByteBuffer(string: text))
        }
        self.request = request
        let connect = spec["connectionTimeOut"]?.intValue ?? 3_000
        let read = spec["readTimeOut"]?.intValue ?? 3_000
        timeout = .milliseconds(max(1, connect) + max(1, read))
    }
}
