import ArgumentParser
import BatonHTTP
import Foundation

/// `baton auth …`: make keys and secret hashes for the auth configuration file.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Make API keys and secret hashes for `baton server --auth-config`.",
        subcommands: [HashSecret.self, NewKey.self])

    /// `baton auth hash-secret`: the stored form of a secret.
    struct HashSecret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-secret",
            abstract: "Print the secretHash to store for a key secret (read from stdin when not given).",
            discussion: "The hash is hmac-sha256$SALT$DIGEST: HMAC-SHA256 of the secret keyed with a random 16-byte "
                + "salt, both hex. Example: baton auth hash-secret \"$SECRET\"")

        @Argument(help: "The secret; omit to read one line from standard input.")
        var secret: String?

        func run() throws {
            guard let secret = secret ?? readLine(strippingNewline: true), !secret.isEmpty else {
                throw ValidationError("Give a secret, as an argument or on standard input")
            }
            print(SecretHash(hashing: secret).text)
        }
    }

    /// `baton auth new-key`: a fresh key pair and its configuration entry.
    struct NewKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-key",
            abstract: "Make a random key id and secret, and print the application entry for the auth file.",
            discussion: "Example: baton auth new-key --name billing-worker --role WORKER --task-type charge")

        @Option(help: "The application's name (recorded in the audit trail).")
        var name: String

        @Option(help: "A role: ADMIN, OPERATOR, WORKER or VIEWER (repeat for several).")
        var role: [String] = []

        @Option(help: "For a WORKER: a task type it may work on (repeat for several; default every type).")
        var taskType: [String] = []

        func run() throws {
            var roles: Set<Role> = []
            for text in role {
                guard let role = Role(rawValue: text.uppercased()) else {
                    throw ValidationError("Unknown role '\(text)'; use ADMIN, OPERATOR, WORKER or VIEWER")
                }
                roles.insert(role)
            }
            guard !roles.isEmpty else { throw ValidationError("Give at least one --role") }
            let keyId = UUID().uuidString.lowercased()
            let secret = SecretHash.randomSecret()
            let application = AuthApplication(name: name, keyId: keyId, secretHash: SecretHash(hashing: secret).text,
                                              roles: roles, taskTypes: taskType.isEmpty ? nil : Set(taskType))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let entry = (try? encoder.encode(application)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            print("keyId:     \(keyId)")
            print("keySecret: \(secret)   (shown once; store it where the client runs)")
            print("Add to \"applications\" in the auth configuration file:")
            print(entry)
        }
    }
}
