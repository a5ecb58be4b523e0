import Crypto
import Foundation

/// What an application may do; ADMIN may do everything.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Everything, including definitions and removing executions.
    case admin = "ADMIN"
    /// Start workflows and send signals (pause, resume, restart, rerun, retry, terminate, complete a task by
    /// reference name), and read.
    case `operator` = "OPERATOR"
    /// Poll tasks and report their results, optionally only for some task types.
    case worker = "WORKER"
    /// Read definitions, executions, tasks and queues.
    case viewer = "VIEWER"
}

/// One application allowed to call the API: a key id, the hash of its secret and its roles.
public struct AuthApplication: Codable, Sendable, Hashable {
    /// The application's name, recorded as the actor in the audit trail.
    public var name: String
    /// The public half of the key pair.
    public var keyId: String
    /// The secret's hash as `baton auth hash-secret` prints it (`hmac-sha256$SALT$DIGEST`).
    public var secretHash: String
    /// What the application may do.
    public var roles: Set<Role>
    /// For a WORKER: the task types it may poll and update; nil or empty means every type.
    public var taskTypes: Set<String>?

    public init(name: String, keyId: String, secretHash: String, roles: Set<Role>, taskTypes: Set<String>? = nil) {
        self.name = name
        self.keyId = keyId
        self.secretHash = secretHash
        self.roles = roles
        self.taskTypes = taskTypes
    }
}

/// The auth configuration file (`baton server --auth-config FILE`): the token secret and the applications.
public struct AuthConfiguration: Codable, Sendable {
    /// The key that signs tokens (HMAC-SHA256). Keep it secret; changing it invalidates every token.
    public var tokenSecret: String
    /// How long a token from `POST /api/token` is valid, in seconds (default 3600).
    public var tokenTTLSeconds: Int?
    /// The applications allowed to call the API.
    public var applications: [AuthApplication]

    public init(tokenSecret: String, tokenTTLSeconds: Int? = nil, applications: [AuthApplication]) {
        self.tokenSecret = tokenSecret
        self.tokenTTLSeconds = tokenTTLSeconds
        self.applications = applications
    }

    /// Reads and validates a configuration file.
    public static func load(contentsOf path: String) throws(AuthConfigurationError) -> AuthConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AuthConfigurationError("Cannot read the auth configuration '\(path)': \(error.localizedDescription)")
        }
        let configuration: AuthConfiguration
        do {
            configuration = try JSONDecoder().decode(AuthConfiguration.self, from: data)
        } catch {
            throw AuthConfigurationError("The auth configuration '\(path)' is not valid: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    /// Checks that the configuration can be used: a long enough token secret, unique key ids, well-formed
    /// hashes, at least one role per application.
    public func validate() throws(AuthConfigurationError) {
        guard tokenSecret.utf8.count >= 32 else {
            throw AuthConfigurationError("tokenSecret must be at least 32 characters long")
        }
        if let ttl = tokenTTLSeconds, ttl <= 0 {
            throw AuthConfigurationError("tokenTTLSeconds must be positive")
        }
        var keyIds: Set<String> = []
        for application in applications {
            guard !application.keyId.isEmpty, !application.keyId.contains(":") else {
                throw AuthConfigurationError("Application '\(application.name)': keyId must be non-empty and contain no ':'")
            }
            guard keyIds.insert(application.keyId).inserted else {
                throw AuthConfigurationError("keyId '\(application.keyId)' is used by more than one application")
            }
            guard SecretHash(application.secretHash) != nil else {
                throw AuthConfigurationError("Application '\(application.name)': secretHash is not of the form "
                    + "hmac-sha256$SALT$DIGEST (make one with `baton auth hash-secret`)")
            }
            guard !application.roles.isEmpty else {
                throw AuthConfigurationError("Application '\(application.name)' has no roles")
            }
        }
    }
}

/// A problem with the auth configuration, reported before the server starts.
public struct AuthConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// A stored secret hash: `hmac-sha256$SALT$DIGEST`, where DIGEST is HMAC-SHA256 of the secret keyed with
/// SALT, both in lowercase hex. Secrets are random keys, not passwords, so one keyed hash suffices.
public struct SecretHash: Sendable, Hashable {
    /// The random salt.
    public let salt: [UInt8]
    /// HMAC-SHA256(key: salt, message: secret).
    public let digest: [UInt8]

    /// Parses a stored hash; nil when it is malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "hmac-sha256",
              let salt = Hex.decode(parts[1]), !salt.isEmpty,
              let digest = Hex.decode(parts[2]), digest.count == 32 else { return nil }
        self.salt = salt
        self.digest = digest
    }

    /// Hashes `secret` with a fresh random salt.
    public init(hashing secret: String) {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.salt = salt
        digest = Self.digest(of: secret, salt: salt)
    }

    /// The text stored in the configuration file.
    public var text: String { "hmac-sha256$\(Hex.encode(salt))$\(Hex.encode(digest))" }

    /// Whether `secret` is the secret this hash was made from (compared in constant time).
    public func matches(_ secret: String) -> Bool {
        Hex.constantTimeEqual(Self.digest(of: secret, salt: salt), digest)
    }

    static func digest(of secret: String, salt: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: SymmetricKey(data: salt)))
    }

    /// A new random secret: 32 bytes as hex.
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// Hex and constant-time helpers for keys and digests.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
