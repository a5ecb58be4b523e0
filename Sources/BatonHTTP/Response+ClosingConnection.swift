import Hummingbird
import NIOCore

extension Response {
    /// How long the rest of a body declared too large is read, and dropped, before its 413: a client that sends
    /// its whole body before reading the answer (conductor-python's httpx, AsyncHTTPClient) gets this long to
    /// finish and keeps its connection; the connection of one still sending is closed after the answer.
    static let lingerAfterRefusal = Duration.seconds(2)

    /// This response, after which `channel` is closed: the request's body has not been read to its end, and
    /// no client may keep a connection busy with a body the server has refused.
    ///
    /// The response does not say `Connection: close`: AsyncHTTPClient (Baton's SDK), told so before it has sent
    /// the whole body, fails the request with a closed-channel error instead of returning the response.
    func closingConnection(_ channel: any Channel) -> Response {
        var response = self
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(writer)
            // The answer's last writes may still be on their way from the async writer into the channel, which a
            // close at once would drop (the client then sees the connection end with no answer, as a full run on
            // two cores showed): the close waits a moment behind them.
            channel.eventLoop.scheduleTask(in: Self.closeDelay) { channel.close(promise: nil) }
        }
        return response
    }

    /// How long the close of a refused request's connection waits behind its answer's writes.
    static let closeDelay = TimeAmount.milliseconds(100)
}
