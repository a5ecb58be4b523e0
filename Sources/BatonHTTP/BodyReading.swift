import Hummingbird
import NIOCore

/// Reads a request body whole, within a size and a time limit.
enum BodyReading {
    /// What reading a body came to.
    enum Outcome: Sendable {
        /// The whole body.
        case complete(ByteBuffer)
        /// The body is larger than the size limit (and has been read to its end).
        case tooLarge
        /// The body did not arrive within the time limit.
        case timedOut
    }

    /// Reads `body` whole if it holds at most `maximumSize` bytes and arrives within `timeout`. A client that
    /// sends a body slowly holds a connection and a task for no more than `timeout`. A body found too large is
    /// still read to its end (and dropped) within `timeout`, so that the client can read the answer; one that
    /// does not end by then has timed out.
    static func collect(_ body: RequestBody, upTo maximumSize: Int, within timeout: Duration) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                var parts = body.makeAsyncIterator()  // a request body can be iterated once
                var collected = ByteBuffer()
                while let part = try await parts.next() {
                    // A client sending fast never lets `next()` suspend, so the timeout's cancellation is checked here.
                    try Task.checkCancellation()
                    guard collected.readableBytes + part.readableBytes <= maximumSize else {
                        while try await parts.next() != nil { try Task.checkCancellation() }
                        return .tooLarge
                    }
                    collected.writeImmutableBuffer(part)
                }
                return .complete(collected)
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
