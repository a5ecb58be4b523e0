import Hummingbird
import NIOCore

/// Reads a request body whole, within a size and a time limit.
enum BodyReading {
    /// What reading a body came to.
    enum Outcome: Sendable {
        /// The whole body.
        case complete(ByteBuffer)
        /// The body is larger than the size limit.
        case tooLarge
        /// The body did not arrive within the time limit.
        case timedOut
    }

    /// Reads `body` whole if it holds at most `maximumSize` bytes and arrives within `timeout`. A client that
    /// sends a body slowly holds a connection and a task for no more than `timeout`.
    static func collect(_ body: RequestBody, upTo maximumSize: Int, within timeout: Duration) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    return .complete(try await body.collect(upTo: maximumSize))
                } catch is NIOTooManyBytesError {
                    return .tooLarge
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .timedOut
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { return .timedOut }
            return first
        }
    }
}
