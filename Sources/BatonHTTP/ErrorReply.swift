import Foundation
import Hummingbird
import NIOCore

/// Conductor's ErrorResponse with the `error` field the Python client reads on 401 and 403
/// (`INVALID_TOKEN` and `EXPIRED_TOKEN` make it fetch a new token).
///
/// `instance`, the server's host name in Conductor, is the request's id here: it finds the request's lines in
/// the server's log, and the body tells a caller nothing about the machine.
struct ErrorReply: Encodable {
    var status: Int
    var message: String
    var instance: String?
    var retryable = false
    var code: String?
    var error: String?

    /// A JSON response carrying this error, for the request with id `requestID`.
    static func response(_ status: HTTPResponse.Status, _ message: String, code: String? = nil, error: String? = nil,
                         requestID: String) -> Response {
        let reply = ErrorReply(status: Int(status.code), message: message, instance: requestID, code: code, error: error)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(reply)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
