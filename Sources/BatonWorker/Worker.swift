public import BatonModel

/// Code that executes the tasks of one task type: the host polls for them and reports what
/// `execute(_:)` returns (or throws) back to the server.
///
/// ```swift
/// struct Greeter: Worker {
///     let taskType = "greet"
///     func execute(_ task: Task) async throws -> TaskOutcome {
///         .completed(["message": .string("Hello, \(task.inputData["who"]?.stringValue ?? "you")")])
///     }
/// }
/// ```
public protocol Worker: Sendable {
    /// The task type (task definition name) this worker executes.
    var taskType: String { get }
    /// How many tasks of this type the host runs at once (default 1).
    var concurrency: Int { get }
    /// The domain to poll in, or nil for the default queue (default nil).
    var domain: String? { get }
    /// Executes `task` and returns its outcome; a thrown error reports the task FAILED with the error's text.
    func execute(_ task: TaskExecution) async throws -> TaskOutcome
}

extension Worker {
    /// One task at a time.
    public var concurrency: Int { 1 }
    /// The default queue.
    public var domain: String? { nil }
}

/// A worker made of a closure: `ClosureWorker("greet", concurrency: 4) { task in .completed() }`.
public struct ClosureWorker: Worker {
    /// The task type this worker executes.
    public let taskType: String
    /// How many tasks of this type the host runs at once.
    public let concurrency: Int
    /// The domain to poll in, or nil for the default queue.
    public let domain: String?
    private let body: @Sendable (TaskExecution) async throws -> TaskOutcome

    /// Creates a worker for `taskType` that runs `body` for each task, up to `concurrency` at once.
    public init(_ taskType: String, concurrency: Int = 1, domain: String? = nil,
                execute body: @escaping @Sendable (TaskExecution) async throws -> TaskOutcome) {
        self.taskType = taskType
        self.concurrency = concurrency
        self.domain = domain
        self.body = body
    }

    /// Runs the closure for `task`.
    public func execute(_ task: TaskExecution) async throws -> TaskOutcome {
        try await body(task)
    }
}

/// An error a worker throws to fail its task with a message, terminally (no retries) if it says so.
public struct TaskFailure: Error, Sendable, CustomStringConvertible {
    /// Why the task failed; reported as the task's `reasonForIncompletion`.
    public var message: String
    /// Whether retrying cannot help: the task ends FAILED_WITH_TERMINAL_ERROR instead of FAILED.
    public var isTerminal: Bool
    /// Output to report with the failure.
    public var output: JSONObject

    /// Creates a failure with `message`; `isTerminal` skips the task definition's retries.
    public init(_ message: String, isTerminal: Bool = false, output: JSONObject = [:]) {
        self.message = message
        self.isTerminal = isTerminal
        self.output = output
    }

    /// The message.
    public var description: String { message }
}
