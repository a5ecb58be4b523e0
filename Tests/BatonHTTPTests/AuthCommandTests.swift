import BatonHTTP
import BatonServer
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("baton auth")
struct AuthCommandTests {
    @Test("new-key prints a key pair and an entry whose hash the server accepts; hash-secret hashes a given secret")
    func newKeyAndHash() async throws {
        let made = try await CommandLineRun.run(["auth", "new-key", "--name", "ops", "--role", "OPERATOR"])
        try #require(made.status == 0, "\(made.standardError)")
        let lines = made.standardOutput.split(separator: "\n")
        let keyId = try #require(lines.first { $0.hasPrefix("keyId:") }?.split(separator: " ").last.map(String.init))
        let secret = try #require(lines.first { $0.hasPrefix("keySecret:") }?.split(separator: " ").dropFirst().first
            .map(String.init))
        let json = try #require(made.standardOutput.range(of: "{").map { String(made.standardOutput[$0.lowerBound...]) })
        let application = try JSONDecoder().decode(AuthApplication.self, from: Data(json.utf8))
        #expect(application.keyId == keyId && application.roles == [.operator])
        #expect(SecretHash(application.secretHash)?.matches(secret) == true)

        let hashed = try await CommandLineRun.run(["auth", "hash-secret", "s3cret"])
        #expect(hashed.status == 0)
        #expect(SecretHash(hashed.trimmedOutput)?.matches("s3cret") == true)
        #expect(try await CommandLineRun.run(["auth", "new-key", "--name", "x", "--role", "ROOT"]).status != 0)

        let configuration = AuthConfiguration(tokenSecret: AuthFixtures.tokenSecret, applications: [application])
        try await withRunningServer(configure: { $0.authConfiguration = configuration }) { server in
            let reply = try await server.client.send(.POST, "/api/token", body: #"{"keyId":"\#(keyId)","keySecret":"\#(secret)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
        }
    }
}
