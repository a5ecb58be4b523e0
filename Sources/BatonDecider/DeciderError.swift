import BatonModel

/// Why the Decider refused an event: the workflow's state does not allow it.
public struct DeciderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal, which the HTTP layer maps to a status code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case conflict, notFound, invalid }
        private let value: Value
        /// The workflow or task is in a state that does not allow the request (HTTP 409).
        public static let conflict = Code(value: .conflict)
        /// Something the request names does not exist in the workflow (HTTP 404).
        public static let notFound = Code(value: .notFound)
        /// The request itself is malformed (HTTP 400).
        public static let invalid = Code(value: .invalid)
        public var description: String { "\(value)" }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
