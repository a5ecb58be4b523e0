import Hummingbird
import NIOCore

extension Response {
    /// How long a connection stays open after the answer to a body declared too large: a client that sends its
    /// whole body before reading the answer (conductor-python's httpx, AsyncHTTPClient) gets this long to finish
    /// and read the answer; then the connection is closed, so no client can keep it busy with a body the server
    /// has already refused.
    static let lingerAfterRefusal = Duration.seconds(2)

    /// This response, after which `channel` is closed: `lingerAfterRefusal` after it is written when
    /// `declaredTooLarge` (the client may still be sending the body it announced), at once otherwise (a body
    /// partly read, which its client was too slow to send).
    ///
    /// The response does not say `Connection: close`: AsyncHTTPClient (Baton's SDK), told so before it has sent
    /// the whole body, fails the request with a closed-channel error instead of returning the response.
    func closingConnection(_ channel: any Channel, declaredTooLarge: Bool = false) -> Response {
        var response = self
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(writer)
            guard declaredTooLarge else {
                channel.close(promise: nil)
                return
            }
            // The close is not cancelled when the body seems to end: once the answer is written, the stream
            // of the request's body no longer tells how much of it the client has sent.
            channel.eventLoop.scheduleTask(in: TimeAmount(Self.lingerAfterRefusal)) { channel.close(promise: nil) }
        }
        return response
    }
}
