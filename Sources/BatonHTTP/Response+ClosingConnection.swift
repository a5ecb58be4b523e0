import Hummingbird
import NIOCore

extension Response {
    /// How long a connection whose last response has gone out may still receive what the client was sending
    /// (the rest of a refused body) before it is closed. Reading it for a moment lets a client that sends its
    /// whole body before reading (conductor-python's httpx does) see the response rather than a reset; reading
    /// it to its end would let a client keep the connection busy with a body the server has already refused.
    static let lingerAfterLastResponse = TimeAmount.seconds(2)

    /// This response as the last on `channel`: once it is written the server sends no more (the connection's
    /// write side is shut, which the client reads as the end of the connection) and closes the connection
    /// `lingerAfterLastResponse` later, whatever the client still sends.
    ///
    /// The response does not say `Connection: close`: AsyncHTTPClient (Baton's SDK), seeing it before it has
    /// sent the whole body, fails the request with a closed-channel error instead of returning the response.
    func closingConnection(_ channel: any Channel) -> Response {
        var response = self
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(writer)
            channel.close(mode: .output, promise: nil)
            _ = channel.eventLoop.scheduleTask(in: Self.lingerAfterLastResponse) { channel.close(promise: nil) }
        }
        return response
    }
}
