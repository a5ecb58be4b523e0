import Crypto
public import Foundation

/// Checks key pairs and issues and verifies the signed, expiring tokens of `POST /api/token`.
///
/// A token is `v1.PAYLOAD.SIGNATURE`: PAYLOAD is base64url JSON `{"kid": keyId, "exp": epochSeconds}`,
/// SIGNATURE is base64url HMAC-SHA256 of `v1.PAYLOAD` keyed with the configuration's `tokenSecret`.
/// Roles are looked up from the configuration on every request, so removing an application from the
/// file (and restarting) revokes its tokens.
public struct Authenticator: Sendable {
    /// The configuration in force.
    public let configuration: AuthConfiguration
    let applicationsByKeyId: [String: AuthApplication]
    let signingKey: SymmetricKey

    /// The default token lifetime: one hour.
    public static let defaultTokenTTLSeconds = 3600

    /// Creates an authenticator for a validated configuration.
    public init(configuration: AuthConfiguration) {
        self.configuration = configuration
        applicationsByKeyId = Dictionary(configuration.applications.map { ($0.keyId, $0) }, uniquingKeysWith: { first, _ in first })
        signingKey = SymmetricKey(data: Data(configuration.tokenSecret.utf8))
    }

    /// How long tokens live, in seconds.
    public var tokenTTLSeconds: Int { configuration.tokenTTLSeconds ?? Self.defaultTokenTTLSeconds }

    /// The application with this key pair, or nil when the pair is wrong.
    public func application(keyId: String, keySecret: String) -> AuthApplication? {
        guard let application = applicationsByKeyId[keyId], let hash = SecretHash(application.secretHash),
              hash.matches(keySecret) else { return nil }
        return application
    }

    /// A token for `application`, valid for `tokenTTLSeconds` from `now`.
    public func token(for application: AuthApplication, now: Date = Date()) -> String {
        let expiry = Int64(now.timeIntervalSince1970) + Int64(tokenTTLSeconds)
        let payload = TokenPayload(kid: application.keyId, exp: expiry)
        let payloadData = (try? JSONEncoder().encode(payload)) ?? Data()
        let unsigned = "v1." + Self.base64URL(payloadData)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(unsigned.utf8), using: signingKey)
        return unsigned + "." + Self.base64URL(Data(signature))
    }

    /// The outcome of checking an `X-Authorization` header.
    public enum Verdict: Sendable, Equatable {
        /// A valid token or key pair of this application.
        case valid(AuthApplication)
        /// A well-signed token whose time is up.
        case expired
        /// Anything else: malformed, badly signed, an unknown key, a wrong secret.
        case invalid
    }

    /// Checks a header value: a token from `POST /api/token`, or the key pair itself as `keyId:keySecret`.
    public func verify(_ credential: String, now: Date = Date()) -> Verdict {
        let credential = credential.hasPrefix("Bearer ") ? String(credential.dropFirst(7)) : credential
        if !credential.hasPrefix("v1."), let colon = credential.firstIndex(of: ":") {
            let keyId = String(credential[..<colon])
            let secret = String(credential[credential.index(after: colon)...])
            return application(keyId: keyId, keySecret: secret).map(Verdict.valid) ?? .invalid
        }
        let parts = credential.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1",
              let signature = Self.data(base64URL: parts[2]),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data("v1.\(parts[1])".utf8),
                                                     using: signingKey),
              let payloadData = Self.data(base64URL: parts[1]),
              let payload = try? JSONDecoder().decode(TokenPayload.self, from: payloadData) else { return .invalid }
        guard payload.exp > Int64(now.timeIntervalSince1970) else { return .expired }
        guard let application = applicationsByKeyId[payload.kid] else { return .invalid }
        return .valid(application)
    }

    struct TokenPayload: Codable {
        var kid: String
        var exp: Int64
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes `text` encodes, if it is their canonical base64url text, as `base64URL(_:)` writes it: no
    /// padding, no `+` or `/`, no stray bits. A token has exactly one spelling, so an altered one is refused
    /// even when it decodes to the same bytes.
    static func data(base64URL text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), base64URL(data) == text else { return nil }
        return data
    }
}
