import BatonDecider
import BatonPersistence

/// Why the engine refused or failed a request: a code the HTTP layer maps to a status, and a
/// message for the caller.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// The request is malformed or names something invalid (400).
        public static let invalid = Code(name: "invalid")
        /// The caller may not act on what the request names (403).
        public static let forbidden = Code(name: "forbidden")
        /// Something the request names does not exist (404).
        public static let notFound = Code(name: "notFound")
        /// The request conflicts with the current state (409).
        public static let conflict = Code(name: "conflict")
        /// A payload the request carries is larger than the server takes (413).
        public static let tooLarge = Code(name: "tooLarge")
        /// The store is temporarily unavailable; the request may be retried (503).
        public static let unavailable = Code(name: "unavailable")
        /// An unexpected internal failure (500).
        public static let internalFailure = Code(name: "internal")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func notFound(_ message: String) -> EngineError { EngineError(.notFound, message) }
    static func invalid(_ message: String) -> EngineError { EngineError(.invalid, message) }
    static func conflict(_ message: String) -> EngineError { EngineError(.conflict, message) }

    /// Translates a lower layer's error.
    static func from(_ error: any Error) -> EngineError {
        switch error {
        case let error as EngineError:
            return error
        case let error as DeciderError:
            switch error.code {
            case .notFound: return EngineError(.notFound, error.message)
            case .invalid: return EngineError(.invalid, error.message)
            default: return EngineError(.conflict, error.message)
            }
        case let error as StoreError:
            return EngineError(error.code == .unavailable ? .unavailable : .internalFailure, error.message)
        case let error as SearchError:
            return EngineError(.invalid, error.message)
        default:
            return EngineError(.internalFailure, "\(error)")
        }
    }
}
