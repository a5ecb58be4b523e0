import Foundation
import Testing

/// docs/architecture.md's module table says which Baton targets each target may import; Package.swift declares
/// them, and `./scripts/test` builds with `--explicit-target-dependency-import-check error`, which holds every
/// `import` to the declarations. Here the table and the declarations are held to each other.
@Suite("Architecture: the documented imports")
struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Each target Package.swift declares (tests included), with the package's own targets it depends on.
    static func declaredTargets() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        var targets: [String: Set<String>] = [:]
        let declarations = manifest.components(separatedBy: ".target(").dropFirst()
            + manifest.components(separatedBy: ".executableTarget(").dropFirst()
            + manifest.components(separatedBy: ".testTarget(").dropFirst()
        for declaration in declarations {
            guard let name = declaration.firstMatch(of: /name: "([\w-]+)"/)?.1 else { continue }
            var dependencies: Set<String> = []
            if let start = declaration.range(of: "dependencies: ["),
               let end = declaration[start.upperBound...].firstIndex(of: "]") {
                // The package's own targets are bare strings; products are `.product(name: …, package: …)`.
                let list = String(declaration[start.upperBound..<end]).replacing(/\.product\([^)]*\)/, with: "")
                for match in list.matches(of: /"([\w-]+)"/) { dependencies.insert(String(match.1)) }
            }
            targets[String(name)] = dependencies
        }
        return targets
    }

    /// The table's rows: a target → the targets its "may import" cell names.
    static func documentedTargets() throws -> [String: Set<String>] {
        let document = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        var rows: [String: Set<String>] = [:]
        for line in document.split(separator: "\n") {
            guard let match = line.firstMatch(of: /^\| \*\*([\w-]+)\*\* \| ([^|]*) \|/) else { continue }
            let cell = match.2.trimmingCharacters(in: .whitespaces)
            rows[String(match.1)] = cell == "—" ? [] : Set(cell.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return rows
    }

    @Test("every module in the table may import exactly what Package.swift declares for it, and every library target is in the table")
    func tableMatchesManifest() throws {
        let declared = try Self.declaredTargets()
        let documented = try Self.documentedTargets()
        #expect(documented.count >= 10, "the table was not found: \(documented)")
        for (name, imports) in documented {
            #expect(declared[name] == imports, "docs/architecture.md says \(name) may import \(imports.sorted()); Package.swift declares \(declared[name].map { $0.sorted() } ?? [])")
        }
        let libraries = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
            .components(separatedBy: ".target(").dropFirst()
            .compactMap { $0.firstMatch(of: /name: "([\w-]+)"/).map { String($0.1) } }
        for library in libraries where library != "CSQLiteSettings" {
            #expect(documented[library] != nil, "\(library) has no row in docs/architecture.md")
        }
    }
}
