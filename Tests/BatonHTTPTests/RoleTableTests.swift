import BatonHTTP
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// The table of every endpoint's roles in docs/security.md is what the server enforces: each route is asked, with a key of
/// each role, and the roles it lets through (any answer but 401 and 403) are the row's.
@Suite("Security: the documented role table")
struct RoleTableTests {
    static let roles = ["VIEWER", "OPERATOR", "WORKER", "ADMIN"]

    /// The rows of docs/security.md's endpoint table: `GET /api/workflow/{id}` → its roles.
    static func documentedRows() throws -> [String: Set<String>] {
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/security.md")
        var rows: [String: Set<String>] = [:]
        for line in try String(contentsOf: document, encoding: .utf8).split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, cells[0].hasPrefix("`"), cells[0].hasSuffix("`") else { continue }
            let route = String(cells[0].dropFirst().dropLast())
            guard route.contains(" /") else { continue }
            rows[route] = cells[1] == "anyone" ? [] : Set(cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return rows
    }

    @Test("every route has a row, and each row names exactly the roles the server lets through")
    func tableMatchesServer() async throws {
        try await AuthFixtures.withAuthServer { server in
            let tokens = [("VIEWER", try await server.token("viewer")), ("OPERATOR", try await server.token("operator")),
                          ("WORKER", try await server.token("worker")), ("ADMIN", try await server.token("admin"))]
            let documented = try Self.documentedRows()
            var expected: [(String, Set<String>)] = []
            for route in BatonRouter.routes(engine: server.engine).sorted() {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPMethod(rawValue: parts[0])
                // Path parameters get values no execution has: the answer is a 404 or 400 when the role may call it.
                let path = parts[1].replacingOccurrences(of: #"\{[^}]+\}"#, with: "none", options: .regularExpression)
                let anonymous = try await server.client.send(method, path, body: "{}")
                var allowed: Set<String> = []
                if anonymous.status == 401 {
                    for (role, token) in tokens {
                        let reply = try await server.send(method, path, body: "{}", as: token)
                        if reply.status != 403 && reply.status != 401 { allowed.insert(role) }
                    }
                }
                expected.append((route, allowed))
            }
            let table = expected.map { route, roles in
                "| `\(route)` | \(roles.isEmpty ? "anyone" : Self.roles.filter(roles.contains).joined(separator: ", ")) |"
            }.joined(separator: "\n")
            for (route, roles) in expected {
                #expect(documented[route] == roles, "docs/security.md's row for \(route); the whole table as the server answers:\n\(table)")
            }
            #expect(Set(documented.keys) == Set(expected.map(\.0)), "rows for routes that do not exist")
        }
    }
}
