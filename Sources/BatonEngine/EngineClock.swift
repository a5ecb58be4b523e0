import Foundation
import Synchronization

/// The engine's source of the current instant, injected so tests control time.
public protocol EngineClock: Sendable {
    /// The current instant in epoch milliseconds.
    func now() -> Int64
}

/// The wall clock.
public struct SystemClock: EngineClock {
    public init() {}

    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// A clock that moves only when told to, for tests.
public final class ManualClock: EngineClock {
    private let instant: Mutex<Int64>

    /// Creates a clock stopped at `start` (epoch ms).
    public init(start: Int64 = 1_700_000_000_000) {
        instant = Mutex(start)
    }

    public func now() -> Int64 { instant.withLock { $0 } }

    /// Moves the clock forward by `milliseconds`.
    public func advance(by milliseconds: Int64) {
        instant.withLock { $0 += milliseconds }
    }
}
