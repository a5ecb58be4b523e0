public import BatonModel

/// A failed call to a Baton (or Conductor) server: the server refused it, could not be reached, or
/// answered with something that is not what the API promises.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static values (`.refused`, `.unreachable`…).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case refused, unreachable, invalidResponse, invalidRequest
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The server answered with an error status (4xx or 5xx); `status` and `message` say why.
        public static let refused = Code(.refused)
        /// No answer: the connection was refused or lost, the name did not resolve, or the request timed out.
        public static let unreachable = Code(.unreachable)
        /// The server answered, but not with what the endpoint returns (e.g. undecodable JSON).
        public static let invalidResponse = Code(.invalidResponse)
        /// The request could not be built (e.g. a malformed base URL); nothing was sent.
        public static let invalidRequest = Code(.invalidRequest)

        /// The code's name, e.g. `refused`.
        public var description: String {
            switch value {
            case .refused: return "refused"
            case .unreachable: return "unreachable"
            case .invalidResponse: return "invalidResponse"
            case .invalidRequest: return "invalidRequest"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// The HTTP status the server answered with; nil when there was no answer.
    public var status: Int?
    /// What went wrong: the server's own message for a refusal; why there was no answer otherwise (e.g.
    /// `connection refused`).
    public var message: String
    /// The server's error body, when it sent Conductor's `ErrorResponse`.
    public var response: ErrorResponse?

    /// Creates an error of `code` with `message`, the HTTP `status` and the server's error body.
    public init(_ code: Code, message: String, status: Int? = nil, response: ErrorResponse? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.response = response
    }

    /// Whether the server answered with an error status (as opposed to not answering at all).
    public var isRefusal: Bool { code == .refused }

    /// Whether the server could not be reached: retrying later may help.
    public var isUnreachable: Bool { code == .unreachable }

    /// Whether the server says the request may succeed if sent again (a refusal marked retryable, or no answer).
    public var isRetryable: Bool { isUnreachable || response?.retryable == true || status == 503 }

    /// The status (or code) and the message, for logs and terminals.
    public var description: String {
        if let status { return "HTTP \(status): \(message)" }
        return "\(code): \(message)"
    }
}
