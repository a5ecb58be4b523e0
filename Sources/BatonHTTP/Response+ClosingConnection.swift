import Hummingbird
import NIOCore

extension Response {
    /// How long the rest of a refused body is read after the response: a client that sends its whole body before
    /// reading the answer (conductor-python's httpx, AsyncHTTPClient) gets this long to finish and keeps its
    /// connection; one still sending after it has its connection closed, so no client can keep a connection
    /// busy with a body the server has already refused.
    static let lingerAfterRefusal = Duration.seconds(2)

    /// This response, after which `channel` stays open only for a client that behaves. With `unreadBody` (a
    /// body nothing has read yet), the rest of that body is read and dropped once the response is written, and
    /// the connection is closed if it has not ended within `lingerAfterRefusal`; without one (a body partly
    /// read, which its client was too slow to send), the connection is closed once the response is written.
    ///
    /// The response does not say `Connection: close`: AsyncHTTPClient (Baton's SDK), told so before it has sent
    /// the whole body, fails the request with a closed-channel error instead of returning the response.
    func closingConnection(_ channel: any Channel, unlessEnding unreadBody: RequestBody? = nil) -> Response {
        var response = self
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(writer)
            if let unreadBody, await Self.discard(unreadBody, within: Self.lingerAfterRefusal) { return }
            channel.close(promise: nil)
        }
        return response
    }

    /// Reads and drops `body`; returns whether it ended within `time`.
    private static func discard(_ body: RequestBody, within time: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await body.reduce(0) { count, _ in count }) != nil }
            group.addTask {
                try? await Task.sleep(for: time)
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
    }
}
