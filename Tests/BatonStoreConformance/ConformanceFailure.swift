/// A broken expectation of the store contract, with where the suite checked it.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// What was expected and what the store did instead.
    public var message: String
    /// The suite's source file that made the check.
    public var file: String
    /// The line of the check.
    public var line: UInt

    /// Creates a failure.
    public init(_ message: String, file: String = #fileID, line: UInt = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Throws a ``ConformanceFailure`` unless `condition` holds.
func expect(
    _ condition: Bool, _ message: @autoclosure () -> String, file: String = #fileID, line: UInt = #line
) throws {
    if !condition { throw ConformanceFailure(message(), file: file, line: line) }
}

/// Throws a ``ConformanceFailure`` naming the differing fields unless `actual == expected`.
func expectEqual<Value: Equatable>(
    _ actual: Value, _ expected: Value, _ message: @autoclosure () -> String = "",
    file: String = #fileID, line: UInt = #line
) throws {
    guard actual != expected else { return }
    let context = message()
    let prefix = context.isEmpty ? "" : context + ": "
    throw ConformanceFailure(prefix + difference(actual, expected), file: file, line: line)
}

/// Runs `body` and throws a ``ConformanceFailure`` unless it throws an error that `matches` accepts.
func expectThrows(
    _ message: @autoclosure () -> String, file: String = #fileID, line: UInt = #line,
    matching matches: (any Error) -> Bool = { _ in true }, _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch {
        if matches(error) { return }
        throw ConformanceFailure("\(message()): unexpected error \(error)", file: file, line: line)
    }
    throw ConformanceFailure("\(message()): expected an error, got none", file: file, line: line)
}

/// Describes how two unequal values differ: their differing stored properties when they have any.
private func difference<Value>(_ actual: Value, _ expected: Value) -> String {
    let actualChildren = Array(Mirror(reflecting: actual).children)
    let expectedChildren = Array(Mirror(reflecting: expected).children)
    let whole = "got \(actual), expected \(expected)"
    guard !actualChildren.isEmpty, actualChildren.count == expectedChildren.count,
        actualChildren.allSatisfy({ $0.label != nil })
    else { return whole }
    var parts: [String] = []
    for (got, wanted) in zip(actualChildren, expectedChildren) {
        let gotText = String(describing: got.value)
        let wantedText = String(describing: wanted.value)
        if gotText != wantedText {
            parts.append("\(got.label ?? "?"): got \(gotText), expected \(wantedText)")
        }
    }
    return parts.isEmpty ? whole : parts.joined(separator: "; ")
}

/// The error a case's transaction throws on purpose to make it roll back.
struct IntendedFailure: Error, Equatable {
    var tag = 0
}
