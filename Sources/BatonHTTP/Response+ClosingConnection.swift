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
            guard let unreadBody else {
                channel.close(promise: nil)
                return
            }
            // Closing the connection also ends the reading below, however fast the client sends.
            let closing = channel.eventLoop.scheduleTask(in: TimeAmount(Self.lingerAfterRefusal)) { channel.close(promise: nil) }
            _ = try? await unreadBody.reduce(into: ()) { _, _ in }
            if channel.isActive { closing.cancel() }  // the body ended in time
        }
        return response
    }
}
