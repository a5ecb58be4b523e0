public import BatonPersistence

/// One named check of the ``Store`` contract, runnable against any backend.
///
/// Each case expects a fresh, empty store and leaves cleaning it up to the caller.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    /// What the case checks, e.g. `queue: claim respects visibleAt`.
    public let name: String
    /// Runs the case against `store`; throws a ``ConformanceFailure`` (or the store's error) when it fails.
    public let run: @Sendable (any Store) async throws -> Void

    /// Creates a case.
    public init(_ name: String, run: @escaping @Sendable (any Store) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public var description: String { name }
}

/// The backend-agnostic conformance suite that every ``Store`` implementation runs.
///
/// A backend's test target runs every case on a fresh store:
///
/// ```swift
/// @Test(arguments: StoreConformance.cases)
/// func conforms(_ c: ConformanceCase) async throws { try await c.run(makeFreshStore()) }
/// ```
public enum StoreConformance {
    /// Every case, grouped by area.
    public static let cases: [ConformanceCase] =
        executionCases + snapshotCases + metadataCases + queueCases + wakeUpCases + trailCases + lookupCases
        + searchCases + transactionCases + payloadCases + scheduleCases
}
