import BatonTesting
import Foundation
import Testing

/// Runs `baton server` with `arguments` and `environment` on a database path in a folder that does not exist, and
/// checks that it refused them as a usage error (exit 2) with `message`, before opening anything.
func expectServerRefuses(_ arguments: [String], environment: [String: String], message: String,
                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-usage-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try await CommandLineRun.run(["server", "--port", "0", "--database",
                                            directory.appendingPathComponent("b.sqlite").path] + arguments,
                                           environment: environment)
    #expect(run.status == 2, "\(run.standardError)", sourceLocation: sourceLocation)
    #expect(run.standardError.contains(message), "\(run.standardError)", sourceLocation: sourceLocation)
    #expect(!FileManager.default.fileExists(atPath: directory.path), "the server opened its database",
            sourceLocation: sourceLocation)
}
